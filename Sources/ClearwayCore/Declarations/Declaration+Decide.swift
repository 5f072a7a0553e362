import Foundation

extension Declaration {
    /// Decides a command: the events it causes, followed by any release or closure that those events make due.
    public static func decide(_ command: Command, _ state: State, _ context: Context) throws(ClearanceError) -> [Event] {
        let events = try decideOwn(command, state, context)
        if events.contains(where: \.isRefusal) { return events }
        return events + consequences(of: events, from: state, context)
    }

    private static func decideOwn(_ command: Command, _ state: State, _ context: Context) throws(ClearanceError) -> [Event] {
        let stamp = context.stamp
        switch command {
        case .lodge(let draft, let sequence):
            guard !state.exists else { throw .notAllowedInState(action: "lodge", state: state.status!.rawValue) }
            guard (1...CustomsNumber.maxSequence).contains(sequence) else {
                throw .forbidden(reason: "the customs number sequence of office \(draft.declarationOffice) is exhausted")
            }
            let number = CustomsNumber(
                office: draft.declarationOffice, year: ChinaTime.calendar.component(.year, from: context.now),
                direction: draft.direction, sequence: sequence)
            let due = draft.procedure == .twoStep
                ? context.now.addingTimeInterval(TimeInterval(context.rules.completionDays) * 86_400) : nil
            let approvals = context.rules.agencyRouting.requirements(for: draft, at: context.now)
            return [.accepted(.init(stamp: stamp, customsNumber: number, draft: draft, completionDue: due,
                                    agencyApprovals: approvals.isEmpty ? nil : approvals))]
        case .amend(let draft):
            let current = try require(state, "amend", in: [.accepted])
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
            if draft.procedure != current.procedure {
                issues.add("/procedure", "unchangeable", "the procedure of an accepted declaration cannot change")
            }
            do { try issues.finish() } catch { throw .invalid(error) }
            guard draft != current else { return [] }
            return [.amended(.init(stamp: stamp, draft: draft))]
        case .bindTransport(let means, let voyage):
            _ = try require(state, "bind transport to", in: [.accepted, .released])
            return [.transportBound(.init(stamp: stamp, means: means, voyage: voyage))]
        case .cancel(let reason):
            _ = try require(state, "cancel", in: [.accepted])
            return [.cancelled(.init(stamp: stamp, reason: reason))]
        case .reject(let reason):
            _ = try require(state, "reject", in: [.accepted])
            let returning = state.direction == .export
                ? state.boxes.filter { $0.value.gatedInAt != nil && $0.value.loadedAt == nil }.keys.sorted() : []
            return [.rejected(.init(stamp: stamp, reason: reason, returnToShipper: returning))]
        case .decideRisk(let selection):
            _ = try require(state, "decide the risk of", in: [.accepted])
            if state.clearance.riskDecidedAt != nil {
                // The system decides once; an officer may decide again until a result is recorded.
                guard selection.decidedBy == .officer, !state.clearance.inspections.contains(where: { !$0.isOpen }) else {
                    throw .notAllowedInState(action: "decide the risk of", state: "already risk-decided")
                }
            }
            return [.riskDecided(.init(stamp: stamp, lane: selection.lane, selection: selection))]
        case .startTransfer(let vehicle, let seal, let corridor, let due):
            _ = try require(state, "seal for transfer", in: [.accepted, .released])
            guard state.clearance.destinationInspection == .pending else {
                throw .notAllowedInState(action: "start a supervised transfer of", state: "no destination inspection pending")
            }
            guard state.clearance.transfer == nil else {
                throw .notAllowedInState(action: "start a supervised transfer of", state: "already under transfer")
            }
            var issues = IssueCollector()
            if vehicle.trimmingWhitespaces().isEmpty || vehicle.count > 20 {
                issues.add("/vehicle", "text-length", "a vehicle plate has 1 to 20 characters")
            }
            if seal.trimmingWhitespaces().isEmpty || seal.count > 35 {
                issues.add("/seal", "text-length", "a seal number has 1 to 35 characters")
            }
            if due <= context.now { issues.add("/due", "date-future", "a transfer is due after it starts") }
            do { try issues.finish() } catch { throw .invalid(error) }
            return [.transferStarted(.init(stamp: stamp, vehicle: vehicle, seal: seal, corridor: corridor, due: due))]
        case .recordCheckpoint(let checkpoint):
            _ = try require(state, "record custody of", in: [.accepted, .released])
            // A seal operator retrying a report it already made changes nothing.
            if state.clearance.transfer?.checkpoints.contains(checkpoint) == true { return [] }
            guard let transfer = state.clearance.transfer, transfer.arrivedAt == nil else {
                throw .notAllowedInState(action: "record a custody checkpoint of", state: "not under supervised transfer")
            }
            return [.checkpointRecorded(.init(stamp: stamp, checkpoint: checkpoint, alerts: transfer.alerts(for: checkpoint)))]
        case .checkPhytosanitary(let certificate, let document):
            let draft = try require(state, "check a phytosanitary certificate of", in: [.accepted, .released])
            guard state.documents.contains(where: { $0.hash == document }) else {
                throw .invalid(ValidationFailure([FieldIssue("/document", "evidence-not-attached",
                                                             "attach the certificate to the declaration first")]))
            }
            return [.phytosanitaryChecked(.init(stamp: stamp, check: PhytosanitaryCheck(certificate, document: document, against: draft)))]
        case .checkCustody:
            guard let transfer = state.clearance.transfer, transfer.arrivedAt == nil, context.now > transfer.due,
                  !transfer.alerts.contains(where: { $0.kind == .deadlineMissed }) else { return [] }
            return [.custodyAlerted(.init(stamp: stamp, alert: .init(
                kind: .deadlineMissed, detail: "not arrived by \(Timestamp.format(transfer.due))", at: context.now)))]
        case .orderInspection(let requested):
            _ = try require(state, "order an inspection of", in: requested.place.isDestination ? [.accepted, .released] : [.accepted])
            guard state.clearance.riskDecidedAt != nil else {
                throw .notAllowedInState(action: "order an inspection of", state: "risk not yet decided")
            }
            return [.inspectionOrdered(.init(stamp: stamp, request: requested))]
        case .completeInspection(let number, let outcome, let findings, let evidence):
            _ = try require(state, "complete the inspection of", in: [.accepted, .released])
            let open = state.clearance.inspections.filter(\.isOpen)
            let order: InspectionOrder?
            if let number {
                guard let found = state.clearance.inspections.first(where: { $0.number == number }) else {
                    throw .notFound(kind: "inspection order", id: "\(state.id)/\(number)")
                }
                guard found.isOpen else {
                    throw .notAllowedInState(action: "record a result for inspection \(number)", state: "already completed")
                }
                order = found
            } else if open.count == 1 {
                order = open[0]
            } else if open.isEmpty, state.clearance.inspections.isEmpty, state.clearance.lane == .inspection,
                      state.clearance.inspectionCompletedAt == nil {
                order = nil  // an inspection decided before orders were recorded
            } else {
                throw open.isEmpty
                    ? .notAllowedInState(action: "complete an inspection of", state: "not awaiting inspection")
                    : .invalid(ValidationFailure([FieldIssue("/order", "order-required",
                        "\(open.count) inspections are open (\(open.map { String($0.number) }.joined(separator: ", "))); name the order")]))
            }
            var issues = IssueCollector()
            let attached = Set(state.documents.map(\.hash))
            for (i, hash) in evidence.enumerated() where !attached.contains(hash) {
                issues.add("/evidence/\(i)", "evidence-not-attached",
                           "\(hash) is not a document attached to this declaration; attach the evidence first")
            }
            do { try issues.finish() } catch { throw .invalid(error) }
            if let order, order.place.isDestination, let transfer = state.clearance.transfer {
                guard transfer.arrivedAt != nil else {
                    throw .notAllowedInState(action: "inspect at the destination", state: "goods not arrived under seal")
                }
                guard state.clearance.holdReason == nil else {
                    throw .notAllowedInState(action: "inspect at the destination", state: "held: \(state.clearance.holdReason!)")
                }
            }
            if let order, !order.place.isDestination, state.status != .accepted {
                throw .notAllowedInState(action: "complete a port inspection of", state: state.status!.rawValue)
            }
            return [.inspectionCompleted(.init(stamp: stamp, compliant: outcome == .noDiscrepancy, findings: findings,
                                               order: order?.number, outcome: outcome, evidence: evidence))]
        case .decideAgencyApproval(let agency, let kind, let approve, let note, let reference):
            // After a provisional release the waived agencies still decide; that is how degraded mode reconciles.
            _ = try require(state, "decide an agency approval of", in: [.accepted, .released])
            if state.status == .released, state.clearance.provisionalFor?.contains(agency) != true {
                throw .notAllowedInState(action: "decide an agency approval of", state: "released")
            }
            guard let approval = (state.clearance.agencyApprovals ?? []).first(where: { $0.agency == agency && $0.kind == kind }) else {
                throw .notFound(kind: "\(kind) approval by \(agency) on declaration", id: state.id)
            }
            guard approval.status == .pending else { throw .notAllowedInState(action: "decide the \(kind) approval of", state: approval.status.rawValue) }
            if note.trimmingWhitespaces().isEmpty {
                throw .invalid(ValidationFailure([FieldIssue("/note", "reason-required", "an agency's decision says why")]))
            }
            return [.agencyDecided(.init(stamp: stamp, agency: agency, kind: kind, approved: approve, note: note, reference: reference))]
        case .releaseProvisionally(let down, let tier):
            if let refusal = provisionalReleaseRefusal(state, agenciesDown: down, tradingPartyTier: tier) {
                throw .notAllowedInState(action: "release provisionally", state: refusal)
            }
            let waived = (state.clearance.agencyApprovals ?? []).filter { $0.status == .pending }.map(\.agency)
            return [.released(.init(stamp: stamp, provisionalFor: Array(Set(waived)).sorted()))]
        case .settleDuties(let settlement):
            _ = try require(state, "settle duties of", in: [.accepted, .released])
            guard state.clearance.dutiesSettledAt == nil else { return [] }
            return [.dutiesSettled(.init(stamp: stamp, settlement: settlement))]
        case .hold(let reason):
            _ = try require(state, "hold", in: [.accepted, .released])
            return [.held(.init(stamp: stamp, reason: reason))]
        case .unhold:
            _ = try require(state, "release the hold on", in: [.accepted, .released])
            guard state.clearance.holdReason != nil else { return [] }
            return [.unheld(.init(stamp: stamp))]
        case .recordPortEvent(let event):
            return try decidePortEvent(event, state, stamp)
        case .retractPortEvent(let event):
            return try decideRetraction(event, state, stamp)
        case .confirmDeparture(let means, let voyage):
            _ = try require(state, "confirm the departure of", in: [.accepted, .released])
            guard state.procedure == .departureConfirmation else {
                throw .notAllowedInState(action: "confirm departure under", state: state.procedure.rawValue)
            }
            guard state.clearance.departureApprovedAt == nil else { return [] }
            var bound = state
            bound.draft?.transport.means = means
            bound.draft?.transport.voyage = voyage
            let unmet = unmetConditions(.departureApproval, container: nil, in: bound)
            let binding = Event.transportBound(.init(stamp: stamp, means: means, voyage: voyage))
            guard unmet.isEmpty else {
                return [binding, .movementRefused(.init(stamp: stamp, movement: .departureApproval, container: nil, unmet: unmet))]
            }
            return [binding, .departureApproved(.init(stamp: stamp, means: means, voyage: voyage))]
        case .completeDeclaration(let draft):
            let current = try require(state, "complete", in: [.accepted, .released])
            guard state.procedure == .twoStep, state.clearance.completedAt == nil else {
                throw .notAllowedInState(action: "complete", state: "not an open two-step summary declaration")
            }
            guard draft.direction == current.direction, draft.declarationOffice == current.declarationOffice,
                draft.declarant == current.declarant
            else {
                throw .invalid(ValidationFailure([
                    FieldIssue("/", "unchangeable", "the complete declaration keeps the direction, office and declarant")
                ]))
            }
            let late = state.clearance.completionDue.map { context.now > $0 } ?? false
            return [.completed(.init(stamp: stamp, draft: draft, late: late))]
        case .rebook(let means, let voyage):
            _ = try require(state, "re-book", in: [.accepted, .released])
            guard state.direction == .export else { throw .notAllowedInState(action: "re-book", state: "an import") }
            let shutOut = state.boxes.filter { $0.value.loadedAt == nil }.keys.sorted()
            guard !shutOut.isEmpty || state.boxes.isEmpty else {
                throw .notAllowedInState(action: "re-book", state: "fully loaded")
            }
            return [.rebooked(.init(stamp: stamp, means: means, voyage: voyage, shutOut: shutOut))]
        case .attachDocument(let document):
            _ = try require(state, "attach a document to", in: Set(Status.allCases))
            guard !state.documents.contains(where: { $0.hash == document.hash }) else { return [] }
            return [.documentAttached(.init(stamp: stamp, document: document))]
        case .recordException(let container, let description):
            _ = try require(state, "record an exception on", in: [.released, .closed])
            guard state.boxes[container]?.loadedAt != nil else {
                throw .notFound(kind: "loaded container", id: container)
            }
            return [.exceptionRecorded(.init(stamp: stamp, container: container, description: description))]
        }
    }

    private static func decidePortEvent(_ event: PortEvent, _ state: State, _ stamp: Event.Stamp) throws(ClearanceError)
        -> [Event]
    {
        guard let status = state.status else { throw .notFound(kind: "declaration", id: state.id) }
        if let container = event.container?.rawValue {
            guard state.boxes[container] != nil else { throw .notFound(kind: "container on this declaration", id: container) }
            if isDuplicate(event, state.boxes[container]!) { return [] }
        }
        if let movement = event.movement(direction: state.direction) {
            let unmet = status == .accepted || status == .released
                ? unmetConditions(movement, container: event.container?.rawValue, in: state) : [Condition.declarationOpen]
            if !unmet.isEmpty {
                return [.movementRefused(.init(
                    stamp: stamp, movement: movement, container: event.container?.rawValue, unmet: unmet))]
            }
        }
        return [.portEventRecorded(.init(stamp: stamp, event: event))]
    }

    /// A retraction undoes what the event recorded while the declaration is open. A closed declaration's record
    /// stands (its closure has been acted on: the exit, the rebate's certificate); the retraction is recorded as an
    /// exception for an officer to look into. An event of which nothing stands (refused, or overtaken) changes nothing.
    private static func decideRetraction(_ event: PortEvent, _ state: State, _ stamp: Event.Stamp) throws(ClearanceError)
        -> [Event]
    {
        guard let status = state.status else { throw .notFound(kind: "declaration", id: state.id) }
        var undone = state
        retract(event, from: &undone)
        guard undone != state else { return [] }
        guard status != .closed else {
            let subject = event.container?.rawValue ?? event.means ?? event.billOfLading ?? ""
            return [.exceptionRecorded(.init(
                stamp: stamp, container: subject,
                description: "\(event.kind.rawValue) of \(Timestamp.format(event.at)) retracted by its sender (\(event.source)) after the declaration closed on it"))]
        }
        return [.portEventRetracted(.init(stamp: stamp, event: event))]
    }

    private static func isDuplicate(_ event: PortEvent, _ box: Box) -> Bool {
        switch event.kind {
        case .discharged: box.dischargedAt != nil
        case .gatedIn: box.gatedInAt != nil
        case .loaded: box.loadedAt != nil
        case .gatedOut: box.gatedOutAt != nil
        default: false
        }
    }

    static func require(_ state: State, _ action: String, in allowed: Set<Status>) throws(ClearanceError)
        -> DeclarationDraft
    {
        guard let status = state.status, let draft = state.draft else {
            throw .notFound(kind: "declaration", id: state.id)
        }
        guard allowed.contains(status) else { throw .notAllowedInState(action: action, state: status.rawValue) }
        return draft
    }

    /// Release and closure are not asked for: they happen, by the system, as soon as their conditions hold.
    static func consequences(of events: [Event], from state: State, _ context: Context) -> [Event] {
        var current = events.reduce(state, evolve)
        var derived: [Event] = []
        let stamp = Event.Stamp(at: context.now, by: .system)
        if current.status == .accepted, unmetConditions(.release, container: nil, in: current).isEmpty {
            let released = Event.released(.init(stamp: stamp))
            derived.append(released)
            current = evolve(current, released)
        }
        // Degraded mode reconciled: an agency that refuses after a provisional release puts the goods on hold.
        if let refused = events.lazy.compactMap({ event -> Event.AgencyDecided? in
            if case .agencyDecided(let e) = event, !e.approved { return e } else { return nil }
        }).first, current.clearance.provisionalFor?.contains(refused.agency) == true, current.clearance.holdReason == nil {
            let held = Event.held(.init(stamp: stamp, reason: "\(refused.agency) refused \(refused.kind) after the provisional release: \(refused.note)"))
            derived.append(held)
            current = evolve(current, held)
        }
        if current.status == .released, isReadyToClose(current) {
            derived.append(.closed(.init(stamp: stamp)))
        }
        return derived
    }

    /// An export or transit closes (结关) once every box is loaded, the clean manifest is filed and the conveyance left.
    static func isReadyToClose(_ state: State) -> Bool {
        guard state.direction == .export || state.procedure == .departureConfirmation else { return false }
        return state.boxes.values.allSatisfy { $0.loadedAt != nil } && state.conveyance.departedAt != nil
            && state.conveyance.manifests[PortEvent.Manifest.clean.rawValue] != nil
    }
}
