import Foundation

/// One container picked for inspection, as the diversion board follows it: queued, given a slot (and moved again
/// when the plan changes), inspected, and back in the flow. Its circulation time is the segment issue 5 measures.
public enum DiversionBox {
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Waiting for a slot, or with no slot for a stated reason.
        case awaiting
        case planned
        case started
        case inspected
        /// Back on its block (or released onward): circulation ends.
        case returned
        /// The inspection order it served was withdrawn.
        case withdrawn

        /// Whether the planner still places this box.
        public var isOpen: Bool { self == .awaiting || self == .planned }
    }

    /// What queues a box: the order it serves and the box's needs.
    public struct Queued: Sendable, Equatable, Codable {
        public var declarationID: String
        public var customsNumber: String
        public var order: Int
        public var container: ContainerNumber
        public var port: String
        public var kind: InspectionKind
        public var needs: [InspectionSite.Facility]
        public var greenChannel: Bool
        public init(declarationID: String, customsNumber: String, order: Int, container: ContainerNumber, port: String,
                    kind: InspectionKind, needs: [InspectionSite.Facility], greenChannel: Bool) {
            self.declarationID = declarationID
            self.customsNumber = customsNumber
            self.order = order
            self.container = container
            self.port = port
            self.kind = kind
            self.needs = needs
            self.greenChannel = greenChannel
        }
    }

    /// The id of the box serving one order for one container.
    public static func id(declaration: String, order: Int, container: ContainerNumber) -> String {
        "\(declaration)-\(order)-\(container.rawValue)"
    }

    /// The facilities a container needs of a site: power for a reefer (ISO 6346 type group R), the dangerous-goods
    /// bay for goods with an IMDG class.
    public static func needs(of container: Container) -> [InspectionSite.Facility] {
        var needs: [InspectionSite.Facility] = []
        if let type = container.sizeType, type.count >= 3, type[type.index(type.startIndex, offsetBy: 2)] == "R" {
            needs.append(.reeferPower)
        }
        if container.imdgClass != nil { needs.append(.dangerousGoods) }
        return needs
    }

    public struct State: Sendable, Equatable, Codable {
        public var id: String
        public var version = 0
        public var queued: Queued?
        public var status: Status = .awaiting
        public var slot: Diversion.Slot?
        public var unplaced: Diversion.Unplaced?
        /// Slots given so far: each re-plan that moved the box adds one.
        public var moves = 0
        public var officer: String?
        public var queuedAt: Date?
        public var startedAt: Date?
        public var inspectedAt: Date?
        public var returnedAt: Date?
        public init(id: String) { self.id = id }

        /// Selected → inspected → back in the flow, in seconds.
        public var circulationSeconds: Double? { returnedAt.flatMap { r in queuedAt.map { r.timeIntervalSince($0) } } }
    }

    public enum Command: Sendable {
        case queue(Queued)
        /// A planning round's answer for this box: a slot, or why there is none.
        case plan(Diversion.Slot?, Diversion.Unplaced?)
        case start(officer: String)
        case inspected
        case returned(location: String?)
        case withdraw(reason: String)
    }

    public enum Event: Sendable, Equatable, DomainEvent {
        case queued(QueuedEvent)
        case scheduled(Scheduled)
        case unscheduled(Unscheduled)
        case started(Started)
        case inspected(Declaration.Event.Stamp)
        case returned(Returned)
        case withdrawn(Withdrawn)

        public struct QueuedEvent: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var box: Queued
        }
        public struct Scheduled: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var slot: Diversion.Slot
        }
        public struct Unscheduled: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var reason: Diversion.Unplaced
        }
        public struct Started: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var officer: String
        }
        public struct Returned: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var location: String?
        }
        public struct Withdrawn: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var reason: String
        }

        public var name: String {
            switch self {
            case .queued: "queued"
            case .scheduled: "scheduled"
            case .unscheduled: "unscheduled"
            case .started: "started"
            case .inspected: "inspected"
            case .returned: "returned"
            case .withdrawn: "withdrawn"
            }
        }
        public var stamp: Declaration.Event.Stamp {
            switch self {
            case .queued(let e): e.stamp
            case .scheduled(let e): e.stamp
            case .unscheduled(let e): e.stamp
            case .started(let e): e.stamp
            case .inspected(let stamp): stamp
            case .returned(let e): e.stamp
            case .withdrawn(let e): e.stamp
            }
        }
        public var at: Date { stamp.at }
        public var by: Principal { stamp.by }

        public func encodePayload(with encoder: some JSONEncoding) throws -> Data {
            switch self {
            case .queued(let e): try encoder.encode(e)
            case .scheduled(let e): try encoder.encode(e)
            case .unscheduled(let e): try encoder.encode(e)
            case .started(let e): try encoder.encode(e)
            case .inspected(let stamp): try encoder.encode(stamp)
            case .returned(let e): try encoder.encode(e)
            case .withdrawn(let e): try encoder.encode(e)
            }
        }

        public init(name: String, payload: Data, decoder: JSONDecoder) throws {
            switch name {
            case "queued": self = .queued(try decoder.decode(QueuedEvent.self, from: payload))
            case "scheduled": self = .scheduled(try decoder.decode(Scheduled.self, from: payload))
            case "unscheduled": self = .unscheduled(try decoder.decode(Unscheduled.self, from: payload))
            case "started": self = .started(try decoder.decode(Started.self, from: payload))
            case "inspected": self = .inspected(try decoder.decode(Declaration.Event.Stamp.self, from: payload))
            case "returned": self = .returned(try decoder.decode(Returned.self, from: payload))
            case "withdrawn": self = .withdrawn(try decoder.decode(Withdrawn.self, from: payload))
            default: throw UnknownEventError(stream: "diversion-box", name: name)
            }
        }
    }

    public static func decide(_ command: Command, _ state: State, _ context: Declaration.Context) throws(ClearanceError)
        -> [Event]
    {
        let stamp = Declaration.Event.Stamp(at: context.now, by: context.principal)
        func refuse(_ action: String) -> ClearanceError { .notAllowedInState(action: action, state: state.status.rawValue) }
        switch command {
        case .queue(let box):
            guard state.queued == nil else { return [] }
            return [.queued(.init(stamp: stamp, box: box))]
        case .plan(let slot, let reason):
            guard state.status.isOpen else { return [] }
            if let slot {
                return slot == state.slot ? [] : [.scheduled(.init(stamp: stamp, slot: slot))]
            }
            guard let reason, reason != state.unplaced || state.slot != nil else { return [] }
            return [.unscheduled(.init(stamp: stamp, reason: reason))]
        case .start(let officer):
            guard state.status == .planned, state.slot != nil else { throw refuse("start an inspection of") }
            return [.started(.init(stamp: stamp, officer: officer))]
        case .inspected:
            guard state.status == .started || state.status.isOpen else { throw refuse("record the inspection of") }
            return [.inspected(stamp)]
        case .returned(let location):
            guard state.status == .inspected else { throw refuse("return") }
            return [.returned(.init(stamp: stamp, location: location))]
        case .withdraw(let reason):
            guard state.status.isOpen else { return [] }
            return [.withdrawn(.init(stamp: stamp, reason: reason))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var next = state
        next.version += 1
        switch event {
        case .queued(let e):
            next.queued = e.box
            next.queuedAt = e.stamp.at
            next.status = .awaiting
        case .scheduled(let e):
            if next.slot != nil { next.moves += 1 }
            next.slot = e.slot
            next.unplaced = nil
            next.status = .planned
        case .unscheduled(let e):
            next.slot = nil
            next.unplaced = e.reason
            next.status = .awaiting
        case .started(let e):
            next.officer = e.officer
            next.startedAt = e.stamp.at
            next.status = .started
        case .inspected(let stamp):
            next.inspectedAt = stamp.at
            next.status = .inspected
        case .returned(let e):
            next.returnedAt = e.stamp.at
            next.status = .returned
        case .withdrawn:
            next.status = .withdrawn
        }
        return next
    }
}
