import Crypto
import Foundation

/// Random inspection (随机布控) that anyone can audit: a draw is HMAC-SHA256 of the customs number under the day's
/// seed, so with the seed (published once its day is over, its SHA-256 beforehand) every selection, and every
/// officer drawn, can be recomputed.
public enum RandomSelection {
    /// The inspection rate for random selection per credit tier, from reference data.
    public struct Rates: Sendable, Equatable {
        public var byTier: [CreditTier: Double]
        public var kind: InspectionKind
        public var place: InspectionPlace
        public init(byTier: [CreditTier: Double], kind: InspectionKind = .physical, place: InspectionPlace = .port) {
            self.byTier = byTier
            self.kind = kind
            self.place = place
        }
        public func rate(_ tier: CreditTier) -> Double { byTier[tier] ?? byTier[.normal] ?? 0 }
    }

    /// One declaration's draw: a number in [0, 1) and whether it fell under the rate.
    public struct Draw: Sendable, Equatable, Codable {
        public var day: String
        public var value: Double
        public var rate: Double
        public var selected: Bool
        /// Which officer of the roster inspects, when selected (an index drawn from the same digest).
        public var officerIndex: Int?
    }

    /// The digest behind a draw.
    static func digest(seed: Data, customsNumber: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data(customsNumber.utf8), using: SymmetricKey(data: seed)))
    }

    static func uniform(_ bytes: ArraySlice<UInt8>) -> Double {
        // 53 bits, so every value is an exact double in [0, 1).
        let word = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(word >> 11) / Double(UInt64(1) << 53)
    }

    /// Draws for one declaration on `day` (YYYY-MM-DD, China time) at `rate`; `roster` is how many officers can be drawn.
    public static func draw(seed: Data, day: String, customsNumber: String, rate: Double, roster: Int) -> Draw {
        let bytes = digest(seed: seed, customsNumber: customsNumber)
        let value = uniform(bytes[0..<8])
        let selected = value < rate
        let officer = selected && roster > 0 ? Int(uniform(bytes[8..<16]) * Double(roster)) : nil
        return Draw(day: day, value: value, rate: rate, selected: selected, officerIndex: officer)
    }

    /// The officer, of a roster of `roster`, drawn for inspection order `order` (double random: the officer as well
    /// as the object), recomputable from the same seed.
    public static func officer(seed: Data, customsNumber: String, order: Int, roster: Int) -> Int? {
        guard roster > 0 else { return nil }
        let bytes = digest(seed: seed, customsNumber: "\(customsNumber)/officer/\(order)")
        return min(Int(uniform(bytes[0..<8]) * Double(roster)), roster - 1)
    }

    /// The public commitment to a seed: its SHA-256, hex.
    public static func commitment(_ seed: Data) -> String {
        Hex.encode(SHA256.hash(data: seed))
    }
}
