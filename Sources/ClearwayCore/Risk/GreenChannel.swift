import Foundation

/// The green channel (绿色通道, DOMAIN.md §3.4): fresh agricultural products whose inspections go first.
///
/// Which products qualify is reference data by HS chapter or heading, each entry effective from a day.
public struct GreenChannel: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var prefix: String
        public var effectiveFrom: Date
        public var effectiveUntil: Date?
        public init(prefix: String, effectiveFrom: Date, effectiveUntil: Date? = nil) {
            self.prefix = prefix
            self.effectiveFrom = effectiveFrom
            self.effectiveUntil = effectiveUntil
        }
    }

    public var entries: [Entry]
    public init(entries: [Entry]) { self.entries = entries }

    /// True when any goods line is a fresh product on the list in force at `date`.
    public func covers(_ draft: DeclarationDraft, at date: Date) -> Bool {
        let inForce = entries.filter { $0.effectiveFrom <= date && ($0.effectiveUntil.map { date < $0 } ?? true) }
        return draft.items.contains { item in inForce.contains { item.commodityCode.rawValue.hasPrefix($0.prefix) } }
    }
}
