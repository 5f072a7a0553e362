import Foundation

extension Declaration {
    /// One thing a declaration waits for now: the condition, the movement it blocks, who must act, since when.
    public struct Wait: Sendable, Equatable, Codable {
        public var movement: Movement
        public var condition: Condition
        public var container: String?
        public var party: String
        public var since: Date
        public var detail: String
        /// A stable name of the wait for people's screens to translate: the unmet condition's name, or one of
        /// `confirm-departure`, `free-to-load`, `free-to-pick-up`, `vessel-departure`, `clean-manifest`, `completion-due`.
        public var code: String
    }

    /// Exactly what the declaration waits for now; empty when nothing is pending (closed, cancelled, fully out).
    public static func waiting(_ state: State) -> [Wait] {
        guard let status = state.status, let accepted = state.acceptedAt else { return [] }
        switch status {
        case .cancelled, .rejected, .closed: return []
        case .accepted:
            var waits = waits(for: .release, container: nil, in: state, from: accepted)
            if state.procedure == .twoStep, let due = state.clearance.completionDue, state.clearance.completedAt == nil {
                waits.append(completionWait(due: due, since: accepted))
            }
            return waits
        case .released:
            return releasedWaits(state, since: state.clearance.releasedAt ?? accepted)
        }
    }

    private static func releasedWaits(_ state: State, since released: Date) -> [Wait] {
        var waits: [Wait] = []
        if state.procedure == .departureConfirmation && state.clearance.departureApprovedAt == nil {
            waits += Self.waits(for: .departureApproval, container: nil, in: state, from: released)
            if waits.isEmpty {
                waits.append(Wait(
                    movement: .departureApproval, condition: .departureApproved, container: nil, party: "declarant",
                    since: released, detail: "confirm departure with the barge or vessel and voyage", code: "confirm-departure"))
            }
            return waits
        }
        let movement: Movement = state.direction == .export || state.procedure == .departureConfirmation ? .load : .pickUp
        for (container, box) in state.boxes.sorted(by: { $0.key < $1.key }) {
            let done = movement == .load ? box.loadedAt != nil : box.gatedOutAt != nil
            guard !done else { continue }
            let blockers = Self.waits(for: movement, container: container, in: state, from: released)
            waits += blockers.isEmpty
                ? [Wait(
                    movement: movement, condition: .released, container: container, party: "terminal",
                    since: max(released, box.gatedInAt ?? box.dischargedAt ?? released),
                    detail: movement == .load ? "free to load: waiting for the terminal to load it"
                        : "free to pick up: waiting for the consignee's truck",
                    code: movement == .load ? "free-to-load" : "free-to-pick-up")]
                : blockers
        }
        if state.procedure == .twoStep, let due = state.clearance.completionDue, state.clearance.completedAt == nil {
            waits.append(completionWait(due: due, since: released))
        }
        if waits.isEmpty && (state.direction == .export || state.procedure == .departureConfirmation) {
            let loaded = state.boxes.values.compactMap(\.loadedAt).max() ?? released
            if state.conveyance.departedAt == nil {
                waits.append(Wait(
                    movement: .load, condition: .released, container: nil, party: "carrier", since: loaded,
                    detail: "closure waits for the vessel's departure", code: "vessel-departure"))
            }
            if state.conveyance.manifests[PortEvent.Manifest.clean.rawValue] == nil {
                waits.append(Wait(
                    movement: .load, condition: .released, container: nil, party: "carrier", since: loaded,
                    detail: "closure waits for the clean manifest", code: "clean-manifest"))
            }
        }
        return waits
    }

    private static func waits(for movement: Movement, container: String?, in state: State, from start: Date) -> [Wait] {
        let conditions = conditions(for: movement, in: state)
        let met = conditions.filter { holds($0, container: container, in: state) }
        let since = ([start] + met.compactMap { Self.since($0, in: state) }).max()!
        return conditions.filter { !holds($0, container: container, in: state) }.map { condition in
            let held = condition == .notHeld ? state.clearance.heldSince ?? since : since
            let detail = switch condition {
            case .notHeld: "customs hold: \(state.clearance.holdReason ?? "")"
            case .agenciesApproved:
                "waiting for " + (state.clearance.agencyApprovals ?? []).filter { $0.status != .approved }.map {
                    "\($0.agency) \($0.kind) (\($0.status == .rejected ? "refused" : "due \(Timestamp.format($0.dueAt))"))"
                }.joined(separator: ", ")
            default: condition.hold
            }
            return Wait(
                movement: movement, condition: condition, container: container, party: condition.party, since: held,
                detail: detail, code: condition.rawValue)
        }
    }

    private static func completionWait(due: Date, since: Date) -> Wait {
        Wait(
            movement: .release, condition: .released, container: nil, party: "declarant", since: since,
            detail: "complete declaration due by \(Timestamp.format(due))", code: "completion-due")
    }
}
