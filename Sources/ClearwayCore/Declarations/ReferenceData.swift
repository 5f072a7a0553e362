import Foundation

/// The code tables a declaration is checked against, loaded from versioned reference data (never literals in code).
public struct ReferenceData: Sendable {
    public var hs: HSNomenclature
    public var offices: OfficeTree
    /// Supervision (trade) modes by 4-digit code, e.g. 0110 general trade.
    public var supervisionModes: [String: String]
    /// Transport mode codes, e.g. 2 waterway.
    public var transportModes: [String: String]
    /// Incoterms 2020 codes.
    public var incoterms: Set<String>
    /// ISO 4217 currency code → number of minor-unit digits.
    public var currencies: [String: Int]
    /// ISO 3166-1 alpha-2 country codes.
    public var countries: Set<String>
    /// Limits on the size of one declaration.
    public var limits: DeclarationLimits
    /// Which procedures may be used where and by whom.
    public var procedureRules: [ProcedureRule]
    /// Days within which a two-step summary declaration must be completed.
    public var completionDays: Int
    /// Days goods may lie undeclared before customs may sell them off.
    public var undeclaredDays: Int

    public init(
        hs: HSNomenclature, offices: OfficeTree, supervisionModes: [String: String], transportModes: [String: String],
        incoterms: Set<String>, currencies: [String: Int], countries: Set<String>, limits: DeclarationLimits,
        procedureRules: [ProcedureRule] = [], completionDays: Int = 14, undeclaredDays: Int = 90
    ) {
        self.hs = hs
        self.offices = offices
        self.supervisionModes = supervisionModes
        self.transportModes = transportModes
        self.incoterms = incoterms
        self.currencies = currencies
        self.countries = countries
        self.limits = limits
        self.procedureRules = procedureRules
        self.completionDays = completionDays
        self.undeclaredDays = undeclaredDays
    }

    /// Whether `procedure` may be used at `office` by a trading party of `tier` on `date`.
    public func allows(_ procedure: Procedure, at office: OfficeCode, tier: CreditTier, on date: Date) -> Bool {
        procedureRules.contains { rule in
            rule.procedure == procedure && rule.tiers.contains(tier) && rule.effectiveFrom <= date
                && (rule.effectiveUntil.map { date < $0 } ?? true)
                && (rule.office.map { offices.isWithin(office, $0) } ?? true)
        }
    }
}

/// How many goods items and containers one declaration may carry.
public struct DeclarationLimits: Sendable, Equatable, Codable {
    public var maxItems: Int
    public var maxContainers: Int
    public init(maxItems: Int, maxContainers: Int) {
        self.maxItems = maxItems
        self.maxContainers = maxContainers
    }
}

/// One line of the procedure eligibility table: a procedure allowed under an office (nil: everywhere) for some tiers.
public struct ProcedureRule: Sendable, Equatable {
    public var procedure: Procedure
    public var office: OfficeCode?
    public var tiers: Set<CreditTier>
    public var effectiveFrom: Date
    public var effectiveUntil: Date?
    public init(procedure: Procedure, office: OfficeCode?, tiers: Set<CreditTier>, effectiveFrom: Date, effectiveUntil: Date?) {
        self.procedure = procedure
        self.office = office
        self.tiers = tiers
        self.effectiveFrom = effectiveFrom
        self.effectiveUntil = effectiveUntil
    }
}
