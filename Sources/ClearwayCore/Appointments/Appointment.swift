import Foundation

/// An appointment for inspection or clearance at a site (预约通关, DOMAIN.md §3.5), bookable around the clock:
/// nights, weekends and holidays are slots like any other, with capacity from the officers rostered on them.
///
/// The SLA clock starts when the goods arrive (or at the slot, if they came early); finishing after it, or an
/// officer moving the slot, needs a stated reason from the published list (WTO TFA Art. 7.9).
public enum Appointment {
    public enum Purpose: String, Sendable, Codable, CaseIterable {
        case inspection
        case clearance
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        case booked
        case cancelled
        case completed
    }

    /// Booking terms from reference data (`Data/reference/appointment-rules.csv`, `delay-reasons.csv`).
    public struct Rules: Sendable, Equatable {
        /// Least minutes between booking (or moving) and the slot.
        public var leadMinutes: Int
        /// How many days ahead slots are offered.
        public var horizonDays: Int
        /// Minutes before the slot the reminder goes out.
        public var reminderMinutes: Int
        /// Minutes from arrival (or the slot, if later) to completion.
        public var slaMinutes: [Purpose: Int]
        /// Reason codes a delay may carry, with their wording.
        public var delayReasons: [String: String]

        public init(leadMinutes: Int = 60, horizonDays: Int = 14, reminderMinutes: Int = 120,
                    slaMinutes: [Purpose: Int] = [.inspection: 120, .clearance: 60], delayReasons: [String: String] = [:]) {
            self.leadMinutes = leadMinutes
            self.horizonDays = horizonDays
            self.reminderMinutes = reminderMinutes
            self.slaMinutes = slaMinutes
            self.delayReasons = delayReasons
        }
    }

    /// A bookable slot and how full it is.
    public struct Slot: Sendable, Equatable, Codable {
        public var site: String
        public var start: Date
        public var end: Date
        public var capacity: Int
        public var booked: Int
        public init(site: String, start: Date, end: Date, capacity: Int, booked: Int = 0) {
            self.site = site
            self.start = start
            self.end = end
            self.capacity = capacity
            self.booked = booked
        }
        public var available: Int { max(0, capacity - booked) }
    }

    /// The slots of a site in `[from, to)`: on its slot grid (China time, from midnight), while it is open, with the
    /// officers rostered over each slot as capacity. Slots with nobody rostered are not offered.
    public static func slots(at site: InspectionSite, roster: Roster, from: Date, to: Date) -> [Slot] {
        var result: [Slot] = []
        let length = Double(site.slotMinutes) * 60
        var start = Diversion.firstSlot(after: from, length: Double(site.slotMinutes))
        while start < to {
            let end = start.addingTimeInterval(length)
            if site.isOpen(from: start) {
                let capacity = roster.officers(at: site.id, from: start, to: end)
                if capacity > 0 { result.append(Slot(site: site.id, start: start, end: end, capacity: capacity)) }
            }
            start = end
        }
        return result
    }

    /// What a trader books.
    public struct Booking: Sendable, Equatable, Codable {
        public var party: String
        public var site: String
        public var start: Date
        public var end: Date
        public var purpose: Purpose
        public var declarationID: String?
        public var customsNumber: String?
        /// The vessel or flight the goods come on, and its expected arrival.
        public var means: String?
        public var eta: Date?

        public init(party: String, site: String, start: Date, end: Date, purpose: Purpose, declarationID: String? = nil,
                    customsNumber: String? = nil, means: String? = nil, eta: Date? = nil) {
            self.party = party
            self.site = site
            self.start = start
            self.end = end
            self.purpose = purpose
            self.declarationID = declarationID
            self.customsNumber = customsNumber
            self.means = means
            self.eta = eta
        }
    }

    /// A stated reason for a delay or an officer's change.
    public struct Delay: Sendable, Equatable, Codable {
        public var code: String
        public var detail: String
        public var at: Date
        public var by: String
        public init(code: String, detail: String, at: Date, by: String) {
            self.code = code
            self.detail = detail
            self.at = at
            self.by = by
        }
    }

    public struct State: Sendable, Equatable, Codable {
        public var id: String
        public var version = 0
        public var booking: Booking?
        public var status: Status = .booked
        public var bookedAt: Date?
        public var arrivedAt: Date?
        public var remindedAt: Date?
        public var completedAt: Date?
        public var cancelReason: String?
        public var moves = 0
        public var delays: [Delay] = []
        public init(id: String) { self.id = id }

        /// When the service is due: SLA minutes after arrival, or after the slot's start if the goods came early.
        public func slaDue(_ rules: Rules) -> Date? {
            guard let booking, let arrivedAt else { return nil }
            return max(arrivedAt, booking.start).addingTimeInterval(Double(rules.slaMinutes[booking.purpose] ?? 0) * 60)
        }
    }

    public enum Command: Sendable {
        case book(Booking)
        case move(start: Date, end: Date, reason: Delay?)
        case cancel(reason: String)
        case arrive
        case remind
        case complete(reason: Delay?)
    }

    public enum Event: Sendable, Equatable, DomainEvent {
        case booked(Booked)
        case moved(Moved)
        case cancelled(Cancelled)
        case arrived(Declaration.Event.Stamp)
        case reminded(Declaration.Event.Stamp)
        case completed(Completed)

        public struct Booked: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var booking: Booking
        }
        public struct Moved: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var start: Date
            public var end: Date
            public var reason: Delay?
        }
        public struct Cancelled: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var reason: String
        }
        public struct Completed: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var reason: Delay?
        }

        public var name: String {
            switch self {
            case .booked: "booked"
            case .moved: "moved"
            case .cancelled: "cancelled"
            case .arrived: "arrived"
            case .reminded: "reminded"
            case .completed: "completed"
            }
        }
        public var stamp: Declaration.Event.Stamp {
            switch self {
            case .booked(let e): e.stamp
            case .moved(let e): e.stamp
            case .cancelled(let e): e.stamp
            case .arrived(let stamp), .reminded(let stamp): stamp
            case .completed(let e): e.stamp
            }
        }
        public var at: Date { stamp.at }
        public var by: Principal { stamp.by }

        public func encodePayload(with encoder: some JSONEncoding) throws -> Data {
            switch self {
            case .booked(let e): try encoder.encode(e)
            case .moved(let e): try encoder.encode(e)
            case .cancelled(let e): try encoder.encode(e)
            case .arrived(let stamp), .reminded(let stamp): try encoder.encode(stamp)
            case .completed(let e): try encoder.encode(e)
            }
        }

        public init(name: String, payload: Data, decoder: JSONDecoder) throws {
            switch name {
            case "booked": self = .booked(try decoder.decode(Booked.self, from: payload))
            case "moved": self = .moved(try decoder.decode(Moved.self, from: payload))
            case "cancelled": self = .cancelled(try decoder.decode(Cancelled.self, from: payload))
            case "arrived": self = .arrived(try decoder.decode(Declaration.Event.Stamp.self, from: payload))
            case "reminded": self = .reminded(try decoder.decode(Declaration.Event.Stamp.self, from: payload))
            case "completed": self = .completed(try decoder.decode(Completed.self, from: payload))
            default: throw UnknownEventError(stream: "appointment", name: name)
            }
        }
    }

    /// Whether a slot may be taken now: far enough ahead, within the horizon, and not before the goods' ETA.
    static func checkTiming(start: Date, eta: Date?, now: Date, rules: Rules, issues: inout IssueCollector) {
        if start < now.addingTimeInterval(Double(rules.leadMinutes) * 60) {
            issues.add("/start", "appointment-too-soon", "book at least \(rules.leadMinutes) minutes ahead")
        }
        if start > now.addingTimeInterval(Double(rules.horizonDays) * 86_400) {
            issues.add("/start", "appointment-too-far", "slots are offered \(rules.horizonDays) days ahead")
        }
        if let eta, start < eta {
            issues.add("/start", "appointment-before-arrival", "the slot starts before the goods' expected arrival")
        }
    }

    static func checkReason(_ reason: Delay?, rules: Rules, required: Bool, issues: inout IssueCollector) {
        guard let reason else {
            if required { issues.add("/reason", "delay-reason-required", "a delay or an officer's change carries a stated reason") }
            return
        }
        if rules.delayReasons[reason.code] == nil {
            issues.add("/reason/code", "delay-reason-unknown",
                       "'\(reason.code)' is not a published reason (\(rules.delayReasons.keys.sorted().joined(separator: ", ")))")
        }
    }

    public static func decide(_ command: Command, _ state: State, now: Date, principal: Principal, rules: Rules)
        throws(ClearanceError) -> [Event]
    {
        let stamp = Declaration.Event.Stamp(at: now, by: principal)
        var issues = IssueCollector()
        func refuse(_ action: String) -> ClearanceError { .notAllowedInState(action: action, state: state.status.rawValue) }
        func finish() throws(ClearanceError) {
            do { try issues.finish() } catch { throw .invalid(error) }
        }
        switch command {
        case .book(let booking):
            guard state.booking == nil else { throw refuse("book") }
            checkTiming(start: booking.start, eta: booking.eta, now: now, rules: rules, issues: &issues)
            try finish()
            return [.booked(.init(stamp: stamp, booking: booking))]
        case .move(let start, let end, let reason):
            guard state.status == .booked, state.arrivedAt == nil, let booking = state.booking else { throw refuse("move") }
            checkTiming(start: start, eta: booking.eta, now: now, rules: rules, issues: &issues)
            // A trader moves its own slot freely; an officer moving it is a delay the trader is told the reason for.
            checkReason(reason, rules: rules, required: principal.role.actsForOffice, issues: &issues)
            try finish()
            return [.moved(.init(stamp: stamp, start: start, end: end, reason: reason))]
        case .cancel(let reason):
            guard state.status == .booked, state.arrivedAt == nil else { throw refuse("cancel") }
            if reason.trimmingWhitespaces().isEmpty {
                issues.add("/reason", "reason-required", "say why the appointment is cancelled")
            }
            try finish()
            return [.cancelled(.init(stamp: stamp, reason: reason))]
        case .arrive:
            guard state.status == .booked, state.arrivedAt == nil else { throw refuse("record arrival for") }
            return [.arrived(stamp)]
        case .remind:
            guard state.status == .booked, state.remindedAt == nil else { return [] }
            return [.reminded(stamp)]
        case .complete(let reason):
            guard state.status == .booked, state.arrivedAt != nil, let due = state.slaDue(rules) else { throw refuse("complete") }
            checkReason(reason, rules: rules, required: now > due, issues: &issues)
            try finish()
            return [.completed(.init(stamp: stamp, reason: reason))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var next = state
        next.version += 1
        switch event {
        case .booked(let e):
            next.booking = e.booking
            next.bookedAt = e.stamp.at
            next.status = .booked
        case .moved(let e):
            next.booking?.start = e.start
            next.booking?.end = e.end
            next.moves += 1
            next.remindedAt = nil
            if let reason = e.reason { next.delays.append(reason) }
        case .cancelled(let e):
            next.status = .cancelled
            next.cancelReason = e.reason
        case .arrived(let stamp):
            next.arrivedAt = stamp.at
        case .reminded(let stamp):
            next.remindedAt = stamp.at
        case .completed(let e):
            next.status = .completed
            next.completedAt = e.stamp.at
            if let reason = e.reason { next.delays.append(reason) }
        }
        return next
    }
}
