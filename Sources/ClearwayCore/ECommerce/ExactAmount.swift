import Foundation

/// A decimal amount as a CEB message states it (decimal(19,5)): kept exactly, in hundred-thousandths, so
/// `12345678912345.12345` survives and sums never drift. Money the platform charges is rounded from it to the fen.
public struct ExactAmount: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public static let scale: Int64 = 100_000
    /// The amount × 100,000.
    public var units: Int64

    public init(units: Int64) { self.units = units }
    public init(whole: Int64) { self.units = whole * Self.scale }

    /// The largest amount kept exactly (Int64's largest units): CEB's decimal(19,5) allows more, to 99999999999999.99999,
    /// and a larger one is refused by name rather than wrapping or stopping the server.
    public static let largest = ExactAmount(units: .max)

    /// Parses a plain decimal ("19050", "0.5", "12345678912345.12345"): up to 14 whole digits and 5 decimals, at most
    /// `largest` either way.
    public init(_ text: String) throws(IdentifierError) {
        // Amounts are read for every line of every message and snapshot: plain ASCII is read byte by byte here; the
        // rest (other spaces, malformed text) takes the general path, which gives the reasons.
        var copy = text
        if let units = copy.withUTF8(Self.units) {
            self.init(units: units)
        } else {
            try self.init(parsing: text)
        }
    }

    /// The general reading of `init(_:)`, which its byte-by-byte reading must agree with.
    init(parsing text: String) throws(IdentifierError) {
        let trimmed = text.trimmingWhitespaces()
        var body = Substring(trimmed)
        let negative = body.first == "-"
        if negative { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 14, parts[0].allSatisfy(\.isASCIIDigit),
              parts.count == 1 || (parts[1].count <= 5 && parts[1].allSatisfy(\.isASCIIDigit))
        else { throw IdentifierError("amount-malformed", "'\(text)' is not a decimal with up to 14 digits and 5 decimal places") }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        let (scaled, overflow) = Int64(parts[0])!.multipliedReportingOverflow(by: Self.scale)
        let (units, carry) = scaled.addingReportingOverflow(Int64((fraction + String(repeating: "0", count: 5 - fraction.count)))!)
        guard !overflow, !carry else {
            throw IdentifierError("amount-too-large", "'\(text)' is beyond \(Self.largest), the largest amount kept exactly to five decimals")
        }
        self.units = negative ? -units : units
    }

    /// The amount in units of ASCII text with spaces or tabs around it, or nil when it is anything else.
    private static func units(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        let negative = start < end && bytes[start] == UInt8(ascii: "-")
        if negative { start += 1 }
        var whole: Int64 = 0, wholeDigits = 0, index = start
        while index < end, bytes[index] &- 0x30 < 10 {
            whole = whole * 10 + Int64(bytes[index] &- 0x30)
            wholeDigits += 1
            index += 1
            if wholeDigits > 14 { return nil }
        }
        guard wholeDigits > 0 else { return nil }
        var fraction: Int64 = 0, fractionDigits = 0
        if index < end {
            guard bytes[index] == UInt8(ascii: ".") else { return nil }
            index += 1
            while index < end, bytes[index] &- 0x30 < 10 {
                fraction = fraction * 10 + Int64(bytes[index] &- 0x30)
                fractionDigits += 1
                index += 1
                if fractionDigits > 5 { return nil }
            }
            guard index == end else { return nil }
        }
        for _ in fractionDigits..<5 { fraction *= 10 }
        // Fourteen digits can pass Int64's units: the general reading then says so.
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: scale)
        let (units, carry) = scaled.addingReportingOverflow(fraction)
        guard !overflow, !carry else { return nil }
        return negative ? -units : units
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

    /// A value beyond Int64's fen (a product of two huge amounts) stops at the bound: Foundation would give a
    /// wrapped or zero figure, which a check could take for a stated total of 0.
    public static func roundToFen(_ value: Decimal) -> Int64 {
        var input = value * 100, rounded = Decimal()
        NSDecimalRound(&rounded, &input, 0, .plain)
        if rounded >= Decimal(Int64.max) { return .max }
        if rounded <= Decimal(Int64.min) { return .min }
        return NSDecimalNumber(decimal: rounded).int64Value
    }

    // Sums of amounts a message states stop at the bounds rather than trap: a sum beyond `largest` is beyond every
    // limit and total a check compares it with, and a request must not stop the server.
    public static func + (a: ExactAmount, b: ExactAmount) -> ExactAmount {
        let (sum, overflow) = a.units.addingReportingOverflow(b.units)
        return ExactAmount(units: overflow ? (b.units > 0 ? .max : .min) : sum)
    }
    public static func - (a: ExactAmount, b: ExactAmount) -> ExactAmount {
        let (difference, overflow) = a.units.subtractingReportingOverflow(b.units)
        return ExactAmount(units: overflow ? (b.units < 0 ? .max : .min) : difference)
    }
    public static func < (a: ExactAmount, b: ExactAmount) -> Bool { a.units < b.units }
    public static let zero = ExactAmount(units: 0)

    /// The exact product of a quantity and a unit price, as a decimal (both have five places).
    public static func product(_ a: ExactAmount, _ b: ExactAmount) -> Decimal { a.decimal * b.decimal }
}

/// Formats fen as yuan with two decimals ("1234.50").
public func yuan(_ fen: Int64) -> String { Money(minor: fen, currency: "CNY").formatted(exponent: 2) }
