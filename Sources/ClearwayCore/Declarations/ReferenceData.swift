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

    public init(
        hs: HSNomenclature, offices: OfficeTree, supervisionModes: [String: String], transportModes: [String: String],
        incoterms: Set<String>, currencies: [String: Int], countries: Set<String>, limits: DeclarationLimits
    ) {
        self.hs = hs
        self.offices = offices
        self.supervisionModes = supervisionModes
        self.transportModes = transportModes
        self.incoterms = incoterms
        self.currencies = currencies
        self.countries = countries
        self.limits = limits
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
