/// A 4-digit customs office code (关区代码): `xx00` a direct customs district, `xxNN` a subordinate office, `0000` GAC.
public struct OfficeCode: ValidatedIdentifier {
    public let rawValue: String

    public init(_ text: String) throws(IdentifierError) {
        guard text.count == 4, text.allSatisfy(\.isASCIIDigit) else {
            throw IdentifierError("office-code-format", "a customs office code has 4 digits, not '\(text)'")
        }
        rawValue = text
    }

    /// The General Administration of Customs, root of the office tree.
    public static let administration = try! OfficeCode("0000")
}

/// A UN/LOCODE: ISO 3166 country code and a 3-character location (letters and digits 2–9).
public struct UNLocode: ValidatedIdentifier {
    public let rawValue: String
    public init(_ text: String) throws(IdentifierError) {
        let chars = Array(text)
        guard chars.count == 5, chars[0...1].allSatisfy(\.isASCIIUpper),
            chars[2...4].allSatisfy({ $0.isASCIIUpper || ("2"..."9").contains($0) })
        else { throw IdentifierError("locode-format", "'\(text)' is not a UN/LOCODE like CNSHA") }
        rawValue = text
    }
    public var country: String { String(rawValue.prefix(2)) }
}
