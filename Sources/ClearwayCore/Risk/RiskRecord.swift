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
