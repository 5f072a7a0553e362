import Foundation

/// A customs declaration (报关单) as a stream of events: accepted, amended, transport bound, cancelled, rejected.
public enum Declaration {
    /// Where a declaration stands.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case accepted
        case cancelled
        case rejected
    }

    /// What is known about one declaration now.
    public struct State: Sendable, Equatable, Codable {
        public var id: String
        public var version: Int = 0
        public var status: Status?
        public var customsNumber: CustomsNumber?
        public var draft: DeclarationDraft?
        public var acceptedAt: Date?
        public var updatedAt: Date?

        public init(id: String) { self.id = id }
        public var exists: Bool { status != nil }
    }

    /// What someone asks of a declaration.
    public enum Command: Sendable {
        /// Lodge a checked draft; `sequence` is the next gapless number of the accepting office's counter.
        case lodge(DeclarationDraft, sequence: Int)
        case amend(DeclarationDraft)
        case bindTransport(means: String, voyage: String?)
        case cancel(reason: String)
        case reject(reason: String)
    }

    /// The time and the principal every command is decided with.
    public struct Context: Sendable {
        public var now: Date
        public var principal: Principal
        public init(now: Date, principal: Principal) {
            self.now = now
            self.principal = principal
        }
    }

    /// The calendar that customs numbers count years in (China Standard Time).
    static let chinaCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        return calendar
    }()

    /// The counter a lodgement at `date` draws its customs number sequence from.
    public static func numberingCounter(for draft: DeclarationDraft, at date: Date) -> String {
        CustomsNumber.counterName(office: draft.declarationOffice, year: chinaCalendar.component(.year, from: date))
    }

    public static func decide(_ command: Command, _ state: State, _ context: Context) throws(ClearanceError) -> [Event] {
        let stamp = Event.Stamp(at: context.now, by: context.principal)
        switch command {
        case .lodge(let draft, let sequence):
            guard !state.exists else { throw .notAllowedInState(action: "lodge", state: state.status!.rawValue) }
            guard (1...CustomsNumber.maxSequence).contains(sequence) else {
                throw .forbidden(reason: "the customs number sequence of office \(draft.declarationOffice) is exhausted")
            }
            let number = CustomsNumber(
                office: draft.declarationOffice, year: chinaCalendar.component(.year, from: context.now),
                direction: draft.direction, sequence: sequence)
            return [.accepted(.init(stamp: stamp, customsNumber: number, draft: draft))]
        case .amend(let draft):
            let current = try requireAccepted(state, "amend")
            var issues = IssueCollector()
            if draft.direction != current.direction {
                issues.add("/direction", "unchangeable", "the direction of an accepted declaration cannot change")
            }
            if draft.declarationOffice != current.declarationOffice {
                issues.add("/declarationOffice", "unchangeable", "the office of declaration is part of the customs number")
            }
            if draft.declarant != current.declarant {
                issues.add("/declarant", "unchangeable", "the declarant of an accepted declaration cannot change")
            }
            do { try issues.finish() } catch { throw .invalid(error) }
            guard draft != current else { return [] }
            return [.amended(.init(stamp: stamp, draft: draft))]
        case .bindTransport(let means, let voyage):
            _ = try requireAccepted(state, "bind transport to")
            return [.transportBound(.init(stamp: stamp, means: means, voyage: voyage))]
        case .cancel(let reason):
            _ = try requireAccepted(state, "cancel")
            return [.cancelled(.init(stamp: stamp, reason: reason))]
        case .reject(let reason):
            _ = try requireAccepted(state, "reject")
            return [.rejected(.init(stamp: stamp, reason: reason))]
        }
    }

    private static func requireAccepted(_ state: State, _ action: String) throws(ClearanceError) -> DeclarationDraft {
        guard let status = state.status, let draft = state.draft else {
            throw .notFound(kind: "declaration", id: state.id)
        }
        guard status == .accepted else { throw .notAllowedInState(action: action, state: status.rawValue) }
        return draft
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var next = state
        next.version += 1
        next.updatedAt = event.stamp.at
        switch event {
        case .accepted(let accepted):
            next.status = .accepted
            next.customsNumber = accepted.customsNumber
            next.draft = accepted.draft
            next.acceptedAt = accepted.stamp.at
        case .amended(let amended):
            next.draft = amended.draft
        case .transportBound(let bound):
            next.draft?.transport.means = bound.means
            next.draft?.transport.voyage = bound.voyage
        case .cancelled:
            next.status = .cancelled
        case .rejected:
            next.status = .rejected
        }
        return next
    }

    /// Rebuilds the state of one declaration from its whole stream.
    public static func replay(id: String, _ events: [Event]) -> State {
        events.reduce(State(id: id), evolve)
    }
}
