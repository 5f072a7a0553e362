import Foundation

/// A fee catalogue as a port authority submits it for publication, before any check.
public struct FeeCatalogForm: Sendable, Equatable, Codable {
    public var port: String
    public var chargingParty: String
    public var effectiveFrom: Date
    public var effectiveUntil: Date?
    public var items: [Item]

    public struct Item: Sendable, Equatable, Codable {
        public var code: String
        public var nameZh: String
        public var nameEn: String
        public var payer: String
        public var basis: String
        /// Decimal rates: per size class ("20", "40", "45") for per-container items, else one entry keyed "".
        public var rates: [String: String]
        public var currency: String
        public var legalBasis: String
        public var exemptions: [String]
        public init(
            code: String, nameZh: String, nameEn: String, payer: String, basis: String, rates: [String: String],
            currency: String, legalBasis: String, exemptions: [String]
        ) {
            self.code = code
            self.nameZh = nameZh
            self.nameEn = nameEn
            self.payer = payer
            self.basis = basis
            self.rates = rates
            self.currency = currency
            self.legalBasis = legalBasis
            self.exemptions = exemptions
        }
    }

    public init(port: String, chargingParty: String, effectiveFrom: Date, effectiveUntil: Date?, items: [Item]) {
        self.port = port
        self.chargingParty = chargingParty
        self.effectiveFrom = effectiveFrom
        self.effectiveUntil = effectiveUntil
        self.items = items
    }

    static let sizeClasses: Set<String> = ["20", "40", "45"]

    /// Checks every field at once; `previous` is the latest published version of the same list, if any.
    public func validated(id: String, previous: FeeCatalog?, currencies: [String: Int]) throws(ValidationFailure)
        -> FeeCatalog
    {
        var issues = IssueCollector()
        let locode = issues.check("/port") { () throws(IdentifierError) in try UNLocode(port) }
        if chargingParty.isEmpty || chargingParty.count > 100 {
            issues.add("/chargingParty", "text-length", "the charging party has 1 to 100 characters")
        }
        if let until = effectiveUntil, until <= effectiveFrom {
            issues.add("/effectiveUntil", "dates-order", "a list ends after it starts")
        }
        if let previous, effectiveFrom <= previous.effectiveFrom {
            issues.add(
                "/effectiveFrom", "not-after-previous",
                "version \(previous.version + 1) must start after version \(previous.version) (\(Timestamp.format(previous.effectiveFrom)))")
        }
        if items.isEmpty { issues.add("/items", "items-missing", "a fee list has at least one item") }
        var codes: Set<String> = []
        var checked: [FeeItem] = []
        for (index, item) in items.enumerated() {
            let pointer = "/items/\(index)"
            if item.code.isEmpty || item.code.count > 20 { issues.add("\(pointer)/code", "text-length", "a fee code has 1 to 20 characters") }
            if !codes.insert(item.code).inserted { issues.add("\(pointer)/code", "code-duplicate", "\(item.code) is listed twice") }
            if item.nameZh.isEmpty { issues.add("\(pointer)/nameZh", "text-length", "the Chinese name is required") }
            if item.nameEn.isEmpty { issues.add("\(pointer)/nameEn", "text-length", "the English name is required") }
            if item.legalBasis.isEmpty { issues.add("\(pointer)/legalBasis", "text-length", "every listed fee names its legal basis") }
            let basis = FeeBasis(rawValue: item.basis)
            if basis == nil {
                issues.add("\(pointer)/basis", "basis-unknown", "basis is one of \(FeeBasis.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let exemptions = item.exemptions.compactMap(FeeExemption.init(rawValue:))
            if exemptions.count != item.exemptions.count {
                issues.add("\(pointer)/exemptions", "exemption-unknown", "exemptions are among \(FeeExemption.allCases.map(\.rawValue))")
            }
            guard let exponent = currencies[item.currency] else {
                issues.add("\(pointer)/currency", "currency-unknown", "'\(item.currency)' is not an ISO 4217 currency code")
                continue
            }
            var rates: [String: Money] = [:]
            let keys = basis == .perContainer ? Self.sizeClasses : [""]
            if item.rates.isEmpty || !Set(item.rates.keys).isSubset(of: keys) {
                issues.add(
                    "\(pointer)/rates", "rates-keys",
                    basis == .perContainer ? "per-container rates are keyed by size class 20, 40 or 45" : "one rate keyed \"\"")
            }
            for (key, text) in item.rates.sorted(by: { $0.key < $1.key }) {
                if let money = issues.check("\(pointer)/rates/\(key.jsonPointerEscaped)", { () throws(IdentifierError) in
                    try Money.parse(text, currency: item.currency, exponent: exponent)
                }) { rates[key] = money }
            }
            if let basis {
                checked.append(FeeItem(
                    code: item.code, nameZh: item.nameZh, nameEn: item.nameEn, payer: item.payer, basis: basis, rates: rates,
                    legalBasis: item.legalBasis, exemptions: exemptions))
            }
        }
        try issues.finish()
        return FeeCatalog(
            id: id, port: locode!, chargingParty: chargingParty, version: (previous?.version ?? 0) + 1,
            effectiveFrom: effectiveFrom, effectiveUntil: effectiveUntil, items: checked)
    }
}
