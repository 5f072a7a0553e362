import Foundation

/// A targeting rule (布控): conditions over a declaration and the intervention it asks for; versioned and dated.
public struct RiskRule: Sendable, Equatable, Codable {
    /// Stable slug; a new version of the same id replaces the old one from its effective date.
    public var id: String
    public var version: Int
    public var name: String
    public var effectiveFrom: Date
    public var effectiveUntil: Date?
    public var when: Conditions
    public var then: Action

    public init(id: String, version: Int, name: String, effectiveFrom: Date, effectiveUntil: Date? = nil,
                when: Conditions, then: Action) {
        self.id = id
        self.version = version
        self.name = name
        self.effectiveFrom = effectiveFrom
        self.effectiveUntil = effectiveUntil
        self.when = when
        self.then = then
    }

    /// Every condition that is set must hold; a rule with none set matches nothing.
    public struct Conditions: Sendable, Equatable, Codable {
        /// Commodity codes starting with any of these (2 to 10 digits).
        public var commodityPrefixes: [String]?
        public var originCountries: [String]?
        public var supervisionModes: [String]?
        public var transportModes: [String]?
        /// Offices of entry or exit (the route's customs end).
        public var entryExitOffices: [String]?
        public var directions: [Direction]?
        /// Credit tier of the trading party at lodgement.
        public var creditTiers: [CreditTier]?
        /// A line's value per unit of its declared quantity below this amount, in `unitValueCurrency`.
        public var unitValueBelow: Double?
        public var unitValueCurrency: String?
        /// The trading party's earlier inspections that found a discrepancy, at least this many.
        public var priorDiscrepanciesAtLeast: Int?
        /// The learned model's probability at least this.
        public var scoreAtLeast: Double?

        public init() {}

        var isEmpty: Bool {
            commodityPrefixes == nil && originCountries == nil && supervisionModes == nil && transportModes == nil
                && entryExitOffices == nil && directions == nil && creditTiers == nil && unitValueBelow == nil
                && priorDiscrepanciesAtLeast == nil && scoreAtLeast == nil
        }
    }

    /// What a hit asks for.
    public struct Action: Sendable, Equatable, Codable {
        public var lane: Declaration.Lane
        /// For the inspection lane: what to inspect and where.
        public var inspection: InspectionKind?
        public var place: InspectionPlace?
        public init(lane: Declaration.Lane, inspection: InspectionKind? = nil, place: InspectionPlace? = nil) {
            self.lane = lane
            self.inspection = inspection
            self.place = place
        }
    }

    public func isEffective(at date: Date) -> Bool {
        effectiveFrom <= date && (effectiveUntil.map { date < $0 } ?? true)
    }

    /// Whether the rule hits this declaration; lines are matched one by one (a hit needs one line meeting every
    /// line condition).
    public func matches(_ subject: RiskSubject) -> Bool {
        let c = when
        guard !c.isEmpty else { return false }
        let draft = subject.draft
        if let modes = c.supervisionModes, !modes.contains(draft.supervisionMode) { return false }
        if let modes = c.transportModes, !modes.contains(draft.transport.mode) { return false }
        if let offices = c.entryExitOffices, !offices.contains(draft.entryExitOffice.rawValue) { return false }
        if let directions = c.directions, !directions.contains(draft.direction) { return false }
        if let tiers = c.creditTiers, !tiers.contains(subject.creditTier) { return false }
        if let least = c.priorDiscrepanciesAtLeast, subject.priorDiscrepancies < least { return false }
        if let least = c.scoreAtLeast, (subject.score ?? -1) < least { return false }
        let lineConditions = c.commodityPrefixes != nil || c.originCountries != nil || c.unitValueBelow != nil
        guard lineConditions else { return true }
        return draft.items.contains { item in
            if let prefixes = c.commodityPrefixes, !prefixes.contains(where: { item.commodityCode.rawValue.hasPrefix($0) }) {
                return false
            }
            if let origins = c.originCountries, !origins.contains(item.origin) { return false }
            if let below = c.unitValueBelow {
                guard item.value.currency == (c.unitValueCurrency ?? "CNY"),
                      let quantity = Double(item.quantity.text), quantity > 0,
                      let exponent = subject.currencyExponents[item.value.currency] else { return false }
                let value = Double(item.value.minor) / pow(10, Double(exponent))
                if value / quantity >= below { return false }
            }
            return true
        }
    }
}

extension RiskRule {
    /// Checks a rule as authored; every problem is reported with its JSON pointer.
    public static func validate(_ rule: RiskRule, reference: ReferenceData) throws(ValidationFailure) {
        var issues = IssueCollector()
        if rule.id.isEmpty || rule.id.count > 64
            || !rule.id.unicodeScalars.allSatisfy({ CharacterSet.lowercaseLetters.contains($0) || CharacterSet.decimalDigits.contains($0) || $0 == "-" })
        {
            issues.add("/id", "rule-id", "a rule id is 1 to 64 lowercase letters, digits and hyphens")
        }
        if rule.name.trimmingWhitespaces().isEmpty || rule.name.count > 200 {
            issues.add("/name", "text-length", "a rule name has 1 to 200 characters")
        }
        if let until = rule.effectiveUntil, until <= rule.effectiveFrom {
            issues.add("/effectiveUntil", "date-order", "a rule ends after it starts")
        }
        let c = rule.when
        if c.isEmpty { issues.add("/when", "rule-empty", "a rule needs at least one condition") }
        for (i, prefix) in (c.commodityPrefixes ?? []).enumerated()
        where !(2...10).contains(prefix.count) || !prefix.allSatisfy(\.isASCIIDigit) {
            issues.add("/when/commodityPrefixes/\(i)", "commodity-prefix", "'\(prefix)' is not 2 to 10 digits of a commodity code")
        }
        for (i, country) in (c.originCountries ?? []).enumerated() where !reference.countries.contains(country) {
            issues.add("/when/originCountries/\(i)", "country-unknown", "'\(country)' is not an ISO 3166 country code")
        }
        for (i, mode) in (c.supervisionModes ?? []).enumerated() where reference.supervisionModes[mode] == nil {
            issues.add("/when/supervisionModes/\(i)", "supervision-mode-unknown", "'\(mode)' is not a supervision mode")
        }
        for (i, mode) in (c.transportModes ?? []).enumerated() where reference.transportModes[mode] == nil {
            issues.add("/when/transportModes/\(i)", "transport-mode-unknown", "'\(mode)' is not a transport mode")
        }
        for (i, office) in (c.entryExitOffices ?? []).enumerated()
        where (try? OfficeCode(office)).map(reference.offices.contains) != true {
            issues.add("/when/entryExitOffices/\(i)", "office-unknown", "'\(office)' is not a customs office")
        }
        if let below = c.unitValueBelow, !(below > 0) || !below.isFinite {
            issues.add("/when/unitValueBelow", "amount-positive", "a unit value threshold is a positive amount")
        }
        if let currency = c.unitValueCurrency, reference.currencies[currency] == nil {
            issues.add("/when/unitValueCurrency", "currency-unknown", "'\(currency)' is not an ISO 4217 currency")
        }
        if let least = c.priorDiscrepanciesAtLeast, least < 1 {
            issues.add("/when/priorDiscrepanciesAtLeast", "count-positive", "a discrepancy count condition is at least 1")
        }
        if let score = c.scoreAtLeast, !(0...1).contains(score) {
            issues.add("/when/scoreAtLeast", "probability", "a score threshold is a probability between 0 and 1")
        }
        switch rule.then.lane {
        case .green:
            issues.add("/then/lane", "lane-green", "a rule asks for documents or an inspection; green is what no hit means")
        case .documentary:
            if let kind = rule.then.inspection, kind != .documentReview {
                issues.add("/then/inspection", "inspection-lane", "the documentary lane asks for a document review only")
            }
        case .inspection:
            if rule.then.inspection == nil || rule.then.inspection == .documentReview {
                issues.add("/then/inspection", "inspection-kind", "the inspection lane names scan, physical or sampling")
            }
        }
        try issues.finish()
    }
}
