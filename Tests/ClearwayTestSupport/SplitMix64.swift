import Foundation

/// A small seeded generator, so a test's random cases are the same on every run and a failing one replays from its seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A seeded search's size and seed: the suite's own, or `CLEARWAY_<NAME>_MUTATIONS` and `CLEARWAY_<NAME>_SEED` for a
/// longer or another one.
public struct SeededSearch: Sendable {
    public var count: Int
    public var seed: UInt64
    public init(_ name: String, count: Int, seed: UInt64 = 2026) {
        let environment = ProcessInfo.processInfo.environment
        self.count = environment["CLEARWAY_\(name)_MUTATIONS"].flatMap { Int($0) } ?? count
        self.seed = environment["CLEARWAY_\(name)_SEED"].flatMap { UInt64($0) } ?? seed
    }
}
