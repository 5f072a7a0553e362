import Foundation

/// A registered enterprise: trader, broker, platform, carrier, terminal, service firm.
public struct Party: Sendable, Equatable, Codable, Identifiable {
    public var id: String
    public var name: String
    public var creditCode: CreditCode
    public var customsCode: CustomsRegistrationCode?
    public var creditHistory: [CreditTierPeriod]

    public init(
        id: String, name: String, creditCode: CreditCode, customsCode: CustomsRegistrationCode?,
        creditHistory: [CreditTierPeriod] = []
    ) {
        self.id = id
        self.name = name
        self.creditCode = creditCode
        self.customsCode = customsCode
        self.creditHistory = creditHistory
    }

    public func creditTier(at date: Date) -> CreditTier { creditHistory.tier(at: date) }
}

/// What someone asks to register as a party, before it is checked.
public struct PartyForm: Sendable, Equatable, Codable {
    public var name: String
    public var creditCode: String
    public var customsCode: String?
    public init(name: String, creditCode: String, customsCode: String?) {
        self.name = name
        self.creditCode = creditCode
        self.customsCode = customsCode
    }

    /// Checks every field at once and returns the party to register under `id`.
    public func validated(id: String) throws(ValidationFailure) -> Party {
        var issues = IssueCollector()
        let trimmed = name.trimmingWhitespaces()
        if trimmed.isEmpty || trimmed.count > 200 {
            issues.add("/name", "name-length", "a party name has 1 to 200 characters")
        }
        let credit = issues.check("/creditCode") { () throws(IdentifierError) in try CreditCode(creditCode) }
        let customs = customsCode.flatMap { code in
            issues.check("/customsCode") { () throws(IdentifierError) in try CustomsRegistrationCode(code) }
        }
        try issues.finish()
        return Party(id: id, name: trimmed, creditCode: credit!, customsCode: customs)
    }
}
