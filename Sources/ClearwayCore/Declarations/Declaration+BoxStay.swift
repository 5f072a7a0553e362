import Foundation

// Box numbers are reused: the same container comes back under another shipment weeks later. A declaration hears of a
// box only while the box's stay under it lasts, so that a later shipment's events never land on an earlier one.
extension Declaration.State {
    /// Whether events about conveyances and bills still concern this declaration: while it is open.
    public var awaitsPortEvents: Bool { status == .accepted || status == .released }

    /// Whether events about `container` still concern this declaration: it is open and the box's stay under it has
    /// not ended. A stay ends when the box is loaded onto a conveyance, or, on an import, when it leaves by the gate
    /// (an export's box out of the gate is shut out and may come back for another vessel).
    public func awaitsEvents(forBox container: String) -> Bool {
        guard awaitsPortEvents else { return false }
        guard let box = boxes[container] else { return true }
        return box.loadedAt == nil && (direction == .export || box.gatedOutAt == nil)
    }
}

/// A port event as the log holds it, and whether it was recorded on a declaration when it came.
public struct LoggedPortEvent: Sendable, Equatable {
    public var event: PortEvent
    public var matched: Bool
    public init(_ event: PortEvent, matched: Bool) {
        self.event = event
        self.matched = matched
    }
}

extension Declaration {
    /// The oldest a port event reported before a declaration may be and still concern its goods: goods lie
    /// undeclared at most `rules.undeclaredDays` before customs may sell them off.
    public static func earliestEarlierEvent(lodgedAt now: Date, rules: Rules) -> Date {
        now.addingTimeInterval(-Double(rules.undeclaredDays) * 86_400)
    }

    /// Of the events logged before a declaration was lodged (in the order they came), the unmatched ones that may be
    /// its goods': within the undeclared days, and for a box, after it last left the port (gated out or loaded, on
    /// whatever declaration or none), since what came before that was an earlier shipment's in the same box.
    public static func earlierEvents(_ logged: [LoggedPortEvent], lodgedAt now: Date, rules: Rules) -> [PortEvent] {
        let since = earliestEarlierEvent(lodgedAt: now, rules: rules)
        var left: [String: Date] = [:]
        for entry in logged where entry.event.kind == .gatedOut || entry.event.kind == .loaded {
            guard let box = entry.event.container?.rawValue else { continue }
            left[box] = max(left[box] ?? .distantPast, entry.event.at)
        }
        return logged.filter { entry in
            guard !entry.matched, entry.event.at >= since else { return false }
            guard let box = entry.event.container?.rawValue, let exit = left[box] else { return true }
            return entry.event.at > exit
        }.map(\.event)
    }
}
