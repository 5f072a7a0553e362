import Foundation

extension Declaration {
    public static func evolve(_ state: State, _ event: Event) -> State {
        var next = state
        next.version += 1
        next.updatedAt = event.stamp.at
        let at = event.at
        switch event {
        case .accepted(let e):
            next.status = .accepted
            next.customsNumber = e.customsNumber
            next.draft = e.draft
            next.acceptedAt = at
            next.clearance.completionDue = e.completionDue
            next.clearance.agencyApprovals = e.agencyApprovals
            for container in e.draft.containers { next.boxes[container.number.rawValue] = Box() }
        case .amended(let e):
            next.draft = e.draft
            next.boxes = Dictionary(uniqueKeysWithValues: e.draft.containers.map {
                ($0.number.rawValue, state.boxes[$0.number.rawValue] ?? Box())
            })
        case .transportBound(let e):
            next.draft?.transport.means = e.means
            next.draft?.transport.voyage = e.voyage
        case .cancelled:
            next.status = .cancelled
            next.clearance.finalAt = at
        case .rejected:
            next.status = .rejected
            next.clearance.finalAt = at
        case .riskDecided(let e):
            let selection = e.selection ?? .byOfficer(e.lane)
            next.clearance.lane = e.lane
            next.clearance.riskDecidedAt = at
            next.clearance.selection = selection
            // A new decision replaces the orders still open; results already recorded stay.
            next.clearance.inspections.removeAll(where: \.isOpen)
            for requested in selection.inspections { order(requested, at: at, in: &next) }
            settleInspections(at: at, in: &next)
        case .transferStarted(let e):
            next.clearance.transfer = SupervisedTransfer(vehicle: e.vehicle, seal: e.seal, corridor: e.corridor, due: e.due,
                                                         startedAt: at)
        case .checkpointRecorded(let e):
            next.clearance.transfer?.checkpoints.append(e.checkpoint)
            if e.checkpoint.arrived { next.clearance.transfer?.arrivedAt = e.checkpoint.at }
            raise(e.alerts, in: &next)
        case .phytosanitaryChecked(let e):
            next.clearance.phytosanitary = e.check
        case .custodyAlerted(let e):
            raise([e.alert], in: &next)
        case .inspectionOrdered(let e):
            order(e.request, at: at, in: &next)
            if e.request.kind == .documentReview {
                if next.clearance.lane == .green || next.clearance.lane == nil { next.clearance.lane = .documentary }
            } else {
                next.clearance.lane = .inspection
            }
            settleInspections(at: at, in: &next)
        case .inspectionCompleted(let e):
            let outcome = e.outcome ?? (e.compliant ? .noDiscrepancy : .discrepancy)
            let index = e.order.flatMap { number in next.clearance.inspections.firstIndex { $0.number == number } }
                ?? next.clearance.inspections.firstIndex(where: \.isOpen)
            if let index {
                next.clearance.inspections[index].outcome = outcome
                next.clearance.inspections[index].findings = e.findings
                next.clearance.inspections[index].evidence = e.evidence ?? []
                next.clearance.inspections[index].completedAt = at
                settleInspections(at: at, in: &next)
            } else {
                next.clearance.inspectionCompletedAt = at
                next.clearance.inspectionCompliant = e.compliant
            }
            if outcome == .seizure {
                next.clearance.holdReason = "goods seized: \(e.findings)"
                next.clearance.heldSince = at
            }
        case .dutiesSettled(let e):
            next.clearance.dutiesSettledAt = at
            next.clearance.settlement = e.settlement
        case .released(let e):
            next.status = .released
            next.clearance.releasedAt = at
            next.clearance.provisionalFor = e.provisionalFor
        case .held(let e):
            next.clearance.holdReason = e.reason
            next.clearance.heldSince = at
        case .unheld:
            next.clearance.holdReason = nil
            next.clearance.heldSince = nil
        case .portEventRecorded(let e):
            apply(e.event, to: &next)
        case .portEventRetracted(let e):
            retract(e.event, from: &next)
        case .movementRefused(let e):
            next.refusals.append(Refusal(movement: e.movement, container: e.container, unmet: e.unmet, at: at))
        case .departureApproved(let e):
            next.clearance.departureApprovedAt = at
            next.draft?.transport.means = e.means
            next.draft?.transport.voyage = e.voyage
        case .completed(let e):
            next.draft = e.draft
            next.clearance.completedAt = at
        case .rebooked(let e):
            next.draft?.transport.means = e.means
            next.draft?.transport.voyage = e.voyage
            next.conveyance = Conveyance()
            for container in e.shutOut { next.boxes[container]?.shutOut = true }
        case .exceptionRecorded(let e):
            next.exceptions.append("\(e.container): \(e.description)")
        case .documentAttached(let e):
            next.documents.append(e.document)
        case .agencyDecided(let e):
            if let index = next.clearance.agencyApprovals?.firstIndex(where: { $0.agency == e.agency && $0.kind == e.kind }) {
                next.clearance.agencyApprovals?[index].status = e.approved ? .approved : .rejected
                next.clearance.agencyApprovals?[index].decidedAt = at
                next.clearance.agencyApprovals?[index].decidedBy = e.stamp.by.username
                next.clearance.agencyApprovals?[index].note = e.note
                next.clearance.agencyApprovals?[index].reference = e.reference
            }
        case .closed:
            next.status = .closed
            next.clearance.closedAt = at
            next.clearance.finalAt = at
        }
        return next
    }

    static func apply(_ event: PortEvent, to state: inout State) {
        let at = event.at
        if let container = event.container?.rawValue {
            var box = state.boxes[container] ?? Box()
            switch event.kind {
            case .discharged: box.dischargedAt = at
            case .gatedIn: box.gatedInAt = at
            case .loaded: box.loadedAt = at
            case .gatedOut: box.gatedOutAt = at
            default: break
            }
            state.boxes[container] = box
        }
        switch event.kind {
        case .conveyanceArrived: state.conveyance.arrivedAt = at
        case .conveyanceDeparted: state.conveyance.departedAt = at
        case .tallied:
            state.conveyance.tallyNormal = event.tallyNormal
            state.conveyance.talliedAt = at
        case .manifestFiled:
            if let manifest = event.manifest { state.conveyance.manifests[manifest.rawValue] = at }
        default: break
        }
    }

    /// Undoes what `event` recorded, fact by fact: a fact a later event has since set again is left as it is.
    static func retract(_ event: PortEvent, from state: inout State) {
        let at = event.at
        if let container = event.container?.rawValue, var box = state.boxes[container] {
            switch event.kind {
            case .discharged: if box.dischargedAt.isSame(at) { box.dischargedAt = nil }
            case .gatedIn: if box.gatedInAt.isSame(at) { box.gatedInAt = nil }
            case .loaded: if box.loadedAt.isSame(at) { box.loadedAt = nil }
            case .gatedOut: if box.gatedOutAt.isSame(at) { box.gatedOutAt = nil }
            default: break
            }
            state.boxes[container] = box
        }
        switch event.kind {
        case .conveyanceArrived: if state.conveyance.arrivedAt.isSame(at) { state.conveyance.arrivedAt = nil }
        case .conveyanceDeparted: if state.conveyance.departedAt.isSame(at) { state.conveyance.departedAt = nil }
        case .tallied:
            if state.conveyance.talliedAt.isSame(at) {
                state.conveyance.talliedAt = nil
                state.conveyance.tallyNormal = nil
            }
        case .manifestFiled:
            if let manifest = event.manifest?.rawValue, state.conveyance.manifests[manifest].isSame(at) {
                state.conveyance.manifests[manifest] = nil
            }
        default: break
        }
    }

    private static func order(_ requested: Selection.Requested, at: Date, in state: inout State) {
        let number = (state.clearance.inspections.map(\.number).max() ?? 0) + 1
        state.clearance.inspections.append(
            InspectionOrder(number: number, kind: requested.kind, place: requested.place, officer: requested.officer, orderedAt: at))
    }

    /// Port inspections decide release: done when none is open, compliant when none found a discrepancy.
    private static func settleInspections(at: Date, in state: inout State) {
        let port = state.clearance.inspections.filter { !$0.place.isDestination }
        if port.contains(where: \.isOpen) {
            state.clearance.inspectionCompletedAt = nil
            state.clearance.inspectionCompliant = nil
        } else if !port.isEmpty {
            state.clearance.inspectionCompletedAt = port.compactMap(\.completedAt).max() ?? at
            state.clearance.inspectionCompliant = port.allSatisfy { $0.outcome == .noDiscrepancy }
        }
    }

    /// Custody alerts hold the goods: nothing moves and the destination cannot release until an officer lifts it.
    private static func raise(_ alerts: [SupervisedTransfer.CustodyAlert], in state: inout State) {
        guard let first = alerts.first else { return }
        state.clearance.transfer?.alerts += alerts
        if state.clearance.holdReason == nil {
            state.clearance.holdReason = "custody alert: " + alerts.map { "\($0.kind.rawValue) (\($0.detail))" }.joined(separator: "; ")
            state.clearance.heldSince = first.at
        }
    }
}

extension Optional where Wrapped == Date {
    /// The same instant as `date` to the millisecond, the precision times are stored with.
    fileprivate func isSame(_ date: Date) -> Bool {
        guard let self else { return false }
        return abs(self.timeIntervalSince(date)) < 0.001
    }
}
