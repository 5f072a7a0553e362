import Foundation
import Synchronization

/// Identifiers that sort by the time they were made: UUID version 7 (RFC 9562 §5.7), lowercase text.
///
/// New rows keyed by them land at the right-hand edge of every index on the key, so the rows a commit writes share
/// a few pages instead of touching one random page each, as version-4 UUIDs do. The time they carry (to the
/// millisecond) is no secret here: every record keyed by one also stores when it was made.
public enum TimeOrderedID {
    private static let shared = Sequence()

    /// A new identifier, later in sort order than every one this process made before.
    public static func make() -> String { shared.next(at: Date()) }

    /// Identifiers each later in sort order than the one before it (RFC 9562 §6.2, method 1: a 12-bit counter within
    /// the millisecond, seeded at random, that borrows the next millisecond when it runs out or the clock steps back).
    public final class Sequence: Sendable {
        private let last = Mutex<(milliseconds: UInt64, counter: UInt16)>((0, 0))

        public init() {}

        public func next(at now: Date) -> String {
            var generator = SystemRandomNumberGenerator()
            let wall = UInt64(max(0, now.timeIntervalSince1970 * 1000))
            let (milliseconds, counter) = last.withLock { last in
                if wall > last.milliseconds {
                    // Seeded in the lower half so a burst within one millisecond has room to count up.
                    last = (wall, UInt16.random(in: 0..<0x800, using: &generator))
                } else if last.counter < 0xFFF {
                    last.counter += 1
                } else {
                    last = (last.milliseconds + 1, 0)
                }
                return last
            }
            let random = generator.next() as UInt64
            var bytes = [UInt8](repeating: 0, count: 16)
            for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * UInt64(index))) }
            bytes[6] = 0x70 | UInt8(counter >> 8)
            bytes[7] = UInt8(truncatingIfNeeded: counter)
            bytes[8] = 0x80 | UInt8(truncatingIfNeeded: random >> 56) & 0x3F
            for index in 9..<16 { bytes[index] = UInt8(truncatingIfNeeded: random >> (8 * UInt64(15 - index))) }
            return TimeOrderedID.format(bytes)
        }
    }

    /// The millisecond a version-7 identifier was made, or nil when the text is not one.
    public static func milliseconds(of id: String) -> UInt64? {
        let hex = id.replacingOccurrences(of: "-", with: "")
        guard id.count == 36, hex.count == 32, let version = hex.dropFirst(12).first, version == "7",
            let value = UInt64(hex.prefix(12), radix: 16)
        else { return nil }
        return value
    }

    /// The usual 8-4-4-4-12 grouping of the sixteen bytes in lower-case hex.
    static func format(_ bytes: [UInt8]) -> String {
        [0..<4, 4..<6, 6..<8, 8..<10, 10..<16].map { Hex.encode(bytes[$0]) }.joined(separator: "-")
    }
}
