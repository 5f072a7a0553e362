import Foundation

/// How a fee is counted (港口收费计费办法): per box by size, per TEU, per tonne, per declaration, per GT, per hour.
public enum FeeBasis: String, Sendable, Codable, CaseIterable {
    case perContainer = "per-container"
    case perTEU = "per-teu"
    case perTonne = "per-tonne"
    case perDeclaration = "per-declaration"
    case perGrossTonnage = "per-gross-tonnage"
    case perHour = "per-hour"
}

/// When a listed fee must not be charged.
public enum FeeExemption: String, Sendable, Codable, CaseIterable {
    /// Hoisting, shifting and storage for a box customs inspected and found nothing wrong with (DOMAIN.md §9).
    case inspectionFoundNothing = "inspection-found-nothing"
    /// Yard fees a box does not incur when it moves straight between ship and truck (direct pick-up, direct loading).
    case directProcedure = "direct-procedure"
}

/// One line of a published fee catalogue.
public struct FeeItem: Sendable, Equatable, Codable {
    public var code: String
    public var nameZh: String
    public var nameEn: String
    /// Who pays: `cargo-owner`, `shipowner` …
    public var payer: String
    public var basis: FeeBasis
    /// Rate per unit; per container the key is the size class ("20", "40", "45"), otherwise "".
    public var rates: [String: Money]
    public var legalBasis: String
    public var exemptions: [FeeExemption]

    public init(
        code: String, nameZh: String, nameEn: String, payer: String, basis: FeeBasis, rates: [String: Money],
        legalBasis: String, exemptions: [FeeExemption] = []
    ) {
        self.code = code
        self.nameZh = nameZh
        self.nameEn = nameEn
        self.payer = payer
        self.basis = basis
        self.rates = rates
        self.legalBasis = legalBasis
        self.exemptions = exemptions
    }

    /// The rate for a size class (per container) or the single rate.
    public func rate(sizeClass: String?) -> Money? {
        basis == .perContainer ? sizeClass.flatMap { rates[$0] } : rates[""]
    }
}

/// A charging party's published list of fees at one port, valid from a date until the next version.
public struct FeeCatalog: Sendable, Equatable, Codable, Identifiable {
    public var id: String
    public var port: UNLocode
    /// The terminal or agency that charges under this list.
    public var chargingParty: String
    public var version: Int
    public var effectiveFrom: Date
    public var effectiveUntil: Date?
    public var items: [FeeItem]

    public init(
        id: String, port: UNLocode, chargingParty: String, version: Int, effectiveFrom: Date, effectiveUntil: Date?,
        items: [FeeItem]
    ) {
        self.id = id
        self.port = port
        self.chargingParty = chargingParty
        self.version = version
        self.effectiveFrom = effectiveFrom
        self.effectiveUntil = effectiveUntil
        self.items = items
    }

    public func item(_ code: String) -> FeeItem? { items.first { $0.code == code } }

    /// Whether the list is the one in force on `date` (from inclusive, until exclusive).
    public func covers(_ date: Date) -> Bool {
        effectiveFrom <= date && (effectiveUntil.map { date < $0 } ?? true)
    }
}

extension Array where Element == FeeCatalog {
    /// The version in force on `date` for a charging party at a port: the latest one that has started and not ended.
    public func inForce(port: UNLocode, chargingParty: String, on date: Date) -> FeeCatalog? {
        filter { $0.port == port && $0.chargingParty == chargingParty && $0.covers(date) }
            .max { $0.version < $1.version }
    }
}

/// What changed between two versions of a catalogue.
public struct FeeCatalogDiff: Sendable, Equatable {
    public var added: [FeeItem]
    public var removed: [FeeItem]
    /// Items whose rate, basis, payer, exemptions or legal basis changed: (before, after).
    public var changed: [(before: FeeItem, after: FeeItem)]

    public static func == (lhs: FeeCatalogDiff, rhs: FeeCatalogDiff) -> Bool {
        lhs.added == rhs.added && lhs.removed == rhs.removed
            && lhs.changed.map(\.before) == rhs.changed.map(\.before) && lhs.changed.map(\.after) == rhs.changed.map(\.after)
    }

    public init(from old: FeeCatalog, to new: FeeCatalog) {
        let oldCodes = Set(old.items.map(\.code)), newCodes = Set(new.items.map(\.code))
        added = new.items.filter { !oldCodes.contains($0.code) }
        removed = old.items.filter { !newCodes.contains($0.code) }
        changed = new.items.compactMap { item in
            guard let before = old.item(item.code), before != item else { return nil }
            return (before, item)
        }
    }
}
