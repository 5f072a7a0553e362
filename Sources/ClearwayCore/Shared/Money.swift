/// An amount in integer minor units of one currency; never a floating-point number.
public struct Money: Sendable, Hashable, Codable {
    public var minor: Int64
    public var currency: String

    public init(minor: Int64, currency: String) {
        self.minor = minor
        self.currency = currency
    }

    /// Parses a plain decimal string ("1234.5") into minor units of a currency with `exponent` decimals.
    public static func parse(_ text: String, currency: String, exponent: Int) throws(IdentifierError) -> Money {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit)
        else { throw IdentifierError("amount-malformed", "'\(text)' is not a plain decimal amount like 1234.50") }
        guard whole.count <= 15 else {
            throw IdentifierError("amount-too-large", "'\(text)' has \(whole.count) whole digits; at most 15 are kept")
        }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.allSatisfy(\.isASCIIDigit), parts.count == 1 || !fraction.isEmpty else {
            throw IdentifierError("amount-malformed", "'\(text)' is not a plain decimal amount like 1234.50")
        }
        guard fraction.count <= exponent else {
            throw IdentifierError("amount-precision", "\(currency) has \(exponent) decimal places; '\(text)' has more")
        }
        var minor = Int64(whole)!, overflow = false
        for _ in 0..<exponent where !overflow { (minor, overflow) = minor.multipliedReportingOverflow(by: 10) }
        let padded = String(fraction) + String(repeating: "0", count: exponent - fraction.count)
        if !overflow { (minor, overflow) = minor.addingReportingOverflow(Int64(padded.isEmpty ? "0" : padded)!) }
        guard !overflow else {
            throw IdentifierError("amount-too-large", "'\(text)' is beyond \(Money(minor: .max, currency: currency).formatted(exponent: exponent)) \(currency), the largest amount kept")
        }
        return Money(minor: minor, currency: currency)
    }

    /// The sum of amounts in minor units, stopping at Int64's bounds rather than trapping (see `times`).
    public static func sum(_ minors: some Sequence<Int64>) -> Int64 {
        minors.reduce(0) { total, next in
            let (sum, overflow) = total.addingReportingOverflow(next)
            return overflow ? (next > 0 ? .max : .min) : sum
        }
    }

    /// The amount `count` times (a rate by a quantity), stopping at Int64's bounds rather than trapping: an amount that
    /// large is beyond every figure it is compared with, so a check flags it and a request cannot stop the server.
    public func times(_ count: Int) -> Money {
        let (product, overflow) = minor.multipliedReportingOverflow(by: Int64(count))
        return Money(minor: overflow ? ((minor < 0) == (count < 0) ? .max : .min) : product, currency: currency)
    }

    /// The amount as a plain decimal string with its currency's decimals from a currency table (2 when unlisted).
    public func formatted(exponents: [String: Int]) -> String { formatted(exponent: exponents[currency] ?? 2) }

    /// The amount as a plain decimal string with `exponent` decimals.
    public func formatted(exponent: Int) -> String {
        guard exponent > 0 else { return String(minor) }
        var divisor: Int64 = 1
        for _ in 0..<exponent { divisor *= 10 }
        let sign = minor < 0 ? "-" : ""
        let magnitude = minor.magnitude
        let fraction = String(magnitude % UInt64(divisor))
        return "\(sign)\(magnitude / UInt64(divisor)).\(String(repeating: "0", count: exponent - fraction.count))\(fraction)"
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
    var isASCIIUpper: Bool { ("A"..."Z").contains(self) }
}

/// A positive quantity kept as its canonical decimal text, so no precision is lost in storage.
public struct Quantity: Sendable, Hashable, Codable {
    public let text: String

    public init(_ text: String) throws(IdentifierError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 12,
            whole.allSatisfy(\.isASCIIDigit), parts.count == 1 || (1...6).contains(parts[1].count),
            parts.count == 1 || parts[1].allSatisfy(\.isASCIIDigit)
        else {
            throw IdentifierError("quantity-malformed", "'\(text)' is not a decimal with up to 12 digits and 6 decimals")
        }
        guard text.contains(where: { $0 != "0" && $0 != "." }) else {
            throw IdentifierError("quantity-not-positive", "quantity must be greater than zero")
        }
        self.text = text
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.detail))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
