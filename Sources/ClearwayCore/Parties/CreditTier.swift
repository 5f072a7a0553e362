import Foundation

/// Enterprise credit tier under GAC Order 282 (in force 1 Apr 2026); the rates that follow from a tier are reference data.
public enum CreditTier: String, Sendable, Codable, CaseIterable {
    case advancedCertified = "advanced-certified"
    case certified
    case normal
    case dishonest
    case seriouslyDishonest = "seriously-dishonest"
}

/// One credit tier decision with the day it takes effect.
public struct CreditTierPeriod: Sendable, Equatable, Codable {
    public var tier: CreditTier
    public var effectiveFrom: Date
    public init(tier: CreditTier, effectiveFrom: Date) {
        self.tier = tier
        self.effectiveFrom = effectiveFrom
    }
}

extension Array where Element == CreditTierPeriod {
    /// The tier in force at `date`: the latest decision effective on or before it; `normal` before any decision.
    public func tier(at date: Date) -> CreditTier {
        self.filter { $0.effectiveFrom <= date }.max { $0.effectiveFrom < $1.effectiveFrom }?.tier ?? .normal
    }
}
