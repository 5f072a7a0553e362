/// A string identifier that can only exist in valid form: its initialiser checks it and throws.
public protocol ValidatedIdentifier: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    var rawValue: String { get }
    init(_ text: String) throws(IdentifierError)
}

extension ValidatedIdentifier {
    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.detail))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
