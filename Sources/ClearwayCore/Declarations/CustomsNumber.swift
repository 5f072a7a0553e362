/// The 18-digit customs declaration number: accepting office (4) + year (4) + I/E flag (1 import, 0 export) + sequence (9).
public struct CustomsNumber: ValidatedIdentifier {
    public let rawValue: String

    public init(_ text: String) throws(IdentifierError) {
        guard text.count == 18, text.allSatisfy(\.isASCIIDigit), "01".contains(Array(text)[8]) else {
            throw IdentifierError("customs-number-format", "'\(text)' is not an 18-digit customs declaration number")
        }
        rawValue = text
    }

    public init(office: OfficeCode, year: Int, direction: Direction, sequence: Int) {
        let flag = direction == .import ? "1" : "0"
        let seq = String(sequence)
        rawValue = office.rawValue + String(year) + flag + String(repeating: "0", count: max(0, 9 - seq.count)) + seq
    }

    public var office: String { String(rawValue.prefix(4)) }
    public var year: Int { Int(rawValue.dropFirst(4).prefix(4))! }
    public var direction: Direction { Array(rawValue)[8] == "1" ? .import : .export }
    public var sequence: Int { Int(rawValue.suffix(9))! }

    /// The counter that numbers declarations gaplessly: one per accepting office and year.
    public static func counterName(office: OfficeCode, year: Int) -> String { "customs-number/\(office.rawValue)/\(year)" }

    /// The largest sequence the 9 digits can hold.
    public static let maxSequence = 999_999_999
}

/// Whether goods come in or go out.
public enum Direction: String, Sendable, Codable, CaseIterable {
    case `import`
    case export
}
