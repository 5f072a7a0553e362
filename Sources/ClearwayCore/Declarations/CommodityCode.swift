/// A 10-digit Chinese commodity code: 8-digit tariff line plus 2 supplementary digits; its first 6 digits are an HS subheading.
public struct CommodityCode: ValidatedIdentifier {
    public let rawValue: String

    public init(_ text: String) throws(IdentifierError) {
        guard text.count == 10, text.allSatisfy(\.isASCIIDigit) else {
            throw IdentifierError("commodity-code-format", "a commodity code has 10 digits, not '\(text)'")
        }
        rawValue = text
    }

    /// The HS subheading (6 digits) the code belongs to.
    public var subheading: String { String(rawValue.prefix(6)) }
}

/// The HS nomenclature of one edition: which 6-digit subheadings exist.
public struct HSNomenclature: Sendable {
    public let edition: String
    public let subheadings: Set<String>
    public init(edition: String, subheadings: Set<String>) {
        self.edition = edition
        self.subheadings = subheadings
    }

    public func contains(_ code: CommodityCode) -> Bool { subheadings.contains(code.subheading) }
}

extension CommodityCode {
    /// The value of the longest prefix of `code` a table lists (tariff lines, rebate rates, the positive list), nil
    /// when no prefix of it is listed.
    public static func longestPrefix<Value>(of code: String, in table: [String: Value]) -> Value? {
        var prefix = Substring(code)
        while !prefix.isEmpty {
            if let value = table[String(prefix)] { return value }
            prefix = prefix.dropLast()
        }
        return nil
    }
}
