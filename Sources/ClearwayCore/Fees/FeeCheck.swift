import Foundation

/// What a charging party billed for one service.
public struct InvoiceLine: Sendable, Equatable, Codable {
    public var number: Int
    public var itemCode: String
    public var serviceDate: Date
    public var basis: FeeBasis
    public var quantity: Int
    /// Size class for per-container lines ("20", "40", "45").
    public var sizeClass: String?
    /// The box the line is for, when it is for one.
    public var container: String?
    public var unitRate: Money
    public var amount: Money

    public init(
        number: Int, itemCode: String, serviceDate: Date, basis: FeeBasis, quantity: Int, sizeClass: String?,
        container: String?, unitRate: Money, amount: Money
    ) {
        self.number = number
        self.itemCode = itemCode
        self.serviceDate = serviceDate
        self.basis = basis
        self.quantity = quantity
        self.sizeClass = sizeClass
        self.container = container
        self.unitRate = unitRate
        self.amount = amount
    }

    /// Two lines bill the same thing when item, day, size class and box agree.
    var identity: String {
        let day = Int(serviceDate.timeIntervalSince1970 / 86_400)
        return "\(itemCode)|\(day)|\(sizeClass ?? "")|\(container ?? "")"
    }
}

/// Why an invoice line contradicts the catalogue, with the catalogue item it contradicts.
public struct FeeFlag: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case notOnList = "not-on-list"
        case rateAboveList = "rate-above-list"
        case wrongBasis = "wrong-basis"
        case wrongQuantity = "wrong-quantity"
        case exemptionNotApplied = "exemption-not-applied"
        case duplicate
    }

    public var line: Int
    public var kind: Kind
    public var detail: String
    /// The catalogue (id and version) and item the line contradicts; nil for a charge on no list.
    public var catalogID: String?
    public var catalogVersion: Int?
    public var itemCode: String?
    /// What the catalogue allows for this line, in the line's currency.
    public var allowed: Money?
}

/// The checks of "no charge outside the published list" (目录清单之外不得收费).
public enum FeeCheck {
    /// What is known about the shipment the invoice is for.
    public struct Shipment: Sendable, Equatable {
        /// Boxes customs inspected and found nothing wrong with.
        public var inspectedWithoutFinding: Set<String>
        /// How many boxes of each size class the shipment has.
        public var containersBySize: [String: Int]
        public init(inspectedWithoutFinding: Set<String>, containersBySize: [String: Int]) {
            self.inspectedWithoutFinding = inspectedWithoutFinding
            self.containersBySize = containersBySize
        }
    }

    /// Checks every line against the catalogue in force on its service date; `earlier` are lines already billed.
    public static func check(
        _ lines: [InvoiceLine], port: UNLocode, chargingParty: String, catalogs: [FeeCatalog], shipment: Shipment,
        earlier: [InvoiceLine] = []
    ) -> [FeeFlag] {
        var flags: [FeeFlag] = []
        var seen = Set(earlier.map(\.identity))
        for line in lines {
            func flag(_ kind: FeeFlag.Kind, _ detail: String, _ catalog: FeeCatalog?, _ allowed: Money? = nil) {
                flags.append(FeeFlag(
                    line: line.number, kind: kind, detail: detail, catalogID: catalog?.id, catalogVersion: catalog?.version,
                    itemCode: catalog == nil ? nil : line.itemCode, allowed: allowed))
            }
            if !seen.insert(line.identity).inserted {
                flag(.duplicate, "\(line.itemCode) on this day\(line.container.map { " for \($0)" } ?? "") is billed twice", nil)
            }
            guard let catalog = catalogs.inForce(port: port, chargingParty: chargingParty, on: line.serviceDate) else {
                flag(.notOnList, "no published fee list of \(chargingParty) at \(port) covers \(Timestamp.format(line.serviceDate))", nil)
                continue
            }
            guard let item = catalog.item(line.itemCode) else {
                flag(.notOnList, "\(line.itemCode) is not on \(catalog.id) version \(catalog.version)", catalog)
                continue
            }
            if line.basis != item.basis {
                flag(.wrongBasis, "\(item.code) is charged \(item.basis.rawValue), not \(line.basis.rawValue)", catalog)
            }
            let rate = item.rate(sizeClass: line.sizeClass)
            if let rate, rate.currency == line.unitRate.currency, line.unitRate.minor > rate.minor {
                flag(.rateAboveList, "unit rate above the listed \(rate.minor) \(rate.currency) minor units", catalog, rate)
            } else if rate == nil {
                flag(.wrongBasis, "\(item.code) has no rate for size class \(line.sizeClass ?? "none")", catalog)
            }
            if line.amount != line.unitRate.times(line.quantity) || line.quantity <= 0 {
                flag(.wrongQuantity, "amount is not quantity × unit rate", catalog, rate.map { $0.times(max(line.quantity, 0)) })
            } else if item.basis == .perContainer, let size = line.sizeClass, line.container == nil,
                let boxes = shipment.containersBySize[size], line.quantity > boxes
            {
                flag(.wrongQuantity, "\(line.quantity) boxes of size \(size) billed; the shipment has \(boxes)", catalog)
            }
            if item.exemptions.contains(.inspectionFoundNothing), let box = line.container,
                shipment.inspectedWithoutFinding.contains(box)
            {
                flag(.exemptionNotApplied, "\(box) was inspected and nothing was found: \(item.code) is waived", catalog,
                    Money(minor: 0, currency: line.amount.currency))
            }
        }
        return flags
    }

    /// What the catalogue would have allowed for a line (its listed rate × quantity, zero when exempt or unlisted).
    public static func allowed(_ line: InvoiceLine, catalog: FeeCatalog?, shipment: Shipment) -> Money {
        guard let catalog, let item = catalog.item(line.itemCode), item.basis == line.basis,
            let rate = item.rate(sizeClass: line.sizeClass)
        else { return Money(minor: 0, currency: line.amount.currency) }
        if item.exemptions.contains(.inspectionFoundNothing), let box = line.container,
            shipment.inspectedWithoutFinding.contains(box)
        {
            return Money(minor: 0, currency: rate.currency)
        }
        return rate.times(max(line.quantity, 0))
    }
}
