import Foundation

/// A decimal amount as a CEB message states it (decimal(19,5)): kept exactly, in hundred-thousandths, so
/// `12345678912345.12345` survives and sums never drift. Money the platform charges is rounded from it to the fen.
public struct ExactAmount: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public static let scale: Int64 = 100_000
    /// The amount × 100,000.
    public var units: Int64

    public init(units: Int64) { self.units = units }
    public init(whole: Int64) { self.units = whole * Self.scale }

    /// Parses a plain decimal ("19050", "0.5", "12345678912345.12345"): up to 14 whole digits and 5 decimals.
    public init(_ text: String) throws(IdentifierError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var body = Substring(trimmed)
        let negative = body.first == "-"
        if negative { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 14, parts[0].allSatisfy(\.isASCIIDigit),
              parts.count == 1 || (parts[1].count <= 5 && parts[1].allSatisfy(\.isASCIIDigit))
        else { throw IdentifierError("amount-malformed", "'\(text)' is not a decimal with up to 14 digits and 5 decimal places") }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        let units = Int64(parts[0])! * Self.scale + Int64((fraction + String(repeating: "0", count: 5 - fraction.count)))!
        self.units = negative ? -units : units
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.detail)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The shortest plain decimal: "19050", "0.5".
    public var description: String {
        let magnitude = units.magnitude
        let whole = magnitude / UInt64(Self.scale), fraction = magnitude % UInt64(Self.scale)
        var text = String(whole)
        if fraction > 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 5 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return units < 0 ? "-" + text : text
    }

    /// The amount as a decimal, built from its digits and exponent: Foundation's division was a twentieth of a
    /// parcel's cost.
    public var decimal: Decimal {
        Decimal(sign: units < 0 ? .minus : .plus, exponent: -5, significand: Decimal(units.magnitude))
    }

    /// Fen (0.01 CNY), rounded half up; the unit every charge and limit is kept in.
    public var fen: Int64 { ExactAmount.roundToFen(decimal) }

    public static func roundToFen(_ value: Decimal) -> Int64 {
        var input = value * 100, rounded = Decimal()
        NSDecimalRound(&rounded, &input, 0, .plain)
        return NSDecimalNumber(decimal: rounded).int64Value
    }

    public static func + (a: ExactAmount, b: ExactAmount) -> ExactAmount { ExactAmount(units: a.units + b.units) }
    public static func - (a: ExactAmount, b: ExactAmount) -> ExactAmount { ExactAmount(units: a.units - b.units) }
    public static func < (a: ExactAmount, b: ExactAmount) -> Bool { a.units < b.units }
    public static let zero = ExactAmount(units: 0)

    /// The exact product of a quantity and a unit price, as a decimal (both have five places).
    public static func product(_ a: ExactAmount, _ b: ExactAmount) -> Decimal { a.decimal * b.decimal }
}

/// Formats fen as yuan with two decimals ("1234.50").
public func yuan(_ fen: Int64) -> String { Money(minor: fen, currency: "CNY").formatted(exponent: 2) }
