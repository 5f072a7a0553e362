import Foundation

/// One declaration line as the risk model sees it: named fields as text, and the inspection result when known.
///
/// The same field names serve the labelled history a model is trained on and the live declarations it scores,
/// so a model trained on one feed scores the other without a mapping in between.
public struct RiskRecord: Sendable, Equatable {
    public var fields: [String: String]
    /// True when an inspection found a discrepancy; nil for a declaration not yet inspected.
    public var discrepancy: Bool?

    public init(fields: [String: String], discrepancy: Bool? = nil) {
        self.fields = fields
        self.discrepancy = discrepancy
    }

    public subscript(field: String) -> String? {
        guard let value = fields[field], !value.isEmpty else { return nil }
        return value
    }

    /// The field's number, or nil when it is absent or not a finite number.
    public func number(_ field: String) -> Double? {
        guard let text = self[field], let value = Double(text), value.isFinite else { return nil }
        return value
    }
}

/// The fields a risk model reads; declarations and labelled history are both written in these names.
public enum RiskField {
    public static let office = "office"
    public static let processType = "processType"
    public static let supervisionMode = "supervisionMode"
    public static let usage = "usage"
    public static let paymentType = "paymentType"
    public static let transportMode = "transportMode"
    public static let declarant = "declarant"
    public static let importer = "importer"
    public static let seller = "seller"
    public static let courier = "courier"
    public static let commodity = "commodity"
    public static let departureCountry = "departureCountry"
    public static let originCountry = "originCountry"
    public static let taxRate = "taxRate"
    public static let taxType = "taxType"
    public static let originIndicator = "originIndicator"
    public static let netMass = "netMass"
    public static let itemPrice = "itemPrice"
}

extension RiskRecord {
    /// Kilograms as China's unit code (计量单位 035) or UN/ECE Recommendation 20 (KGM): the units a net mass is read from.
    public static let kilograms: Set<String> = ["035", "KGM"]

    /// One record per goods line of a declaration, in the risk model's field names.
    public static func lines(of draft: DeclarationDraft, currencyExponents: [String: Int]) -> [RiskRecord] {
        draft.items.map { item in
            var fields: [String: String] = [
                RiskField.office: draft.declarationOffice.rawValue,
                RiskField.supervisionMode: draft.supervisionMode,
                RiskField.transportMode: draft.transport.mode,
                RiskField.declarant: draft.declarant.creditCode.rawValue,
                RiskField.importer: draft.tradingParty.creditCode.rawValue,
                RiskField.commodity: String(item.commodityCode.rawValue.prefix(6)),
                RiskField.originCountry: item.origin,
            ]
            if let seller = draft.overseasParty { fields[RiskField.seller] = seller }
            let exponent = currencyExponents[item.value.currency] ?? 2
            fields[RiskField.itemPrice] = String(Double(item.value.minor) / pow(10, Double(exponent)))
            if kilograms.contains(item.unit) { fields[RiskField.netMass] = item.quantity.text }
            return RiskRecord(fields: fields)
        }
    }
}
