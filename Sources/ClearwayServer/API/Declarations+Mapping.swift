import ClearwayAPI
import ClearwayApp
import ClearwayCore
import Foundation

typealias Schemas = Components.Schemas

extension DeclarationForm {
    init(_ input: Schemas.DeclarationInput) {
        self.init(
            direction: input.direction, procedure: input.procedure, supervisionMode: input.supervisionMode,
            declarant: input.declarant,
            tradingParty: input.tradingParty, overseasParty: input.overseasParty,
            declarationOffice: input.declarationOffice, entryExitOffice: input.entryExitOffice,
            transport: TransportForm(mode: input.transport.mode, means: input.transport.means, voyage: input.transport.voyage),
            billOfLading: input.billOfLading, incoterm: input.incoterm,
            containers: (input.containers ?? []).map {
                ContainerForm(number: $0.number, seals: $0.seals ?? [], sizeType: $0.sizeType, imdgClass: $0.imdgClass)
            },
            items: input.items.map {
                ItemForm(
                    commodityCode: $0.commodityCode, description: $0.description, quantity: $0.quantity, unit: $0.unit,
                    value: $0.value, currency: $0.currency, origin: $0.origin)
            },
            destinationOffice: input.destinationOffice, producer: input.producer)
    }
}

extension Schemas.Declaration {
    /// `now` is the platform's clock, for the SLA flags.
    init(_ state: Declaration.State, currencies: [String: Int], now: Date) {
        let draft = state.draft!
        self.init(
            id: state.id, customsNumber: state.customsNumber?.rawValue ?? "",
            status: Schemas.DeclarationStatus(rawValue: state.status?.rawValue ?? "accepted")!,
            procedure: draft.procedure.rawValue, version: state.version, clearance: .init(state, now: now),
            boxes: state.boxes.sorted { $0.key < $1.key }.map { container, box in
                .init(
                    container: container, dischargedAt: box.dischargedAt, gatedInAt: box.gatedInAt, loadedAt: box.loadedAt,
                    gatedOutAt: box.gatedOutAt, shutOut: box.shutOut)
            },
            acceptedAt: state.acceptedAt ?? .distantPast, updatedAt: state.updatedAt ?? .distantPast,
            direction: draft.direction.rawValue, supervisionMode: draft.supervisionMode,
            declarant: .init(draft.declarant), tradingParty: .init(draft.tradingParty), overseasParty: draft.overseasParty,
            declarationOffice: draft.declarationOffice.rawValue, entryExitOffice: draft.entryExitOffice.rawValue,
            destinationOffice: draft.destinationOffice?.rawValue, producer: draft.producer.map(Components.Schemas.PartyRef.init),
            transport: .init(mode: draft.transport.mode, means: draft.transport.means, voyage: draft.transport.voyage),
            billOfLading: draft.billOfLading, incoterm: draft.incoterm,
            containers: draft.containers.map { .init(sizeType: $0.sizeType, imdgClass: $0.imdgClass, number: $0.number.rawValue, seals: $0.seals) },
            items: draft.items.map { item in
                .init(
                    number: item.number, commodityCode: item.commodityCode.rawValue, description: item.description,
                    quantity: item.quantity.text, unit: item.unit,
                    value: item.value.formatted(exponents: currencies),
                    currency: item.value.currency, origin: item.origin)
            })
    }
}

extension Schemas.PartyRef {
    init(_ party: PartyRef) { self.init(id: party.id, creditCode: party.creditCode.rawValue, name: party.name) }
}

extension Schemas.TimelineEvent {
    init(_ entry: TimelineEntry) {
        var reason: String?
        let details: String
        switch entry.event {
        case .accepted(let e): details = "accepted as \(e.customsNumber) at office \(e.draft.declarationOffice)"
        case .amended(let e): details = "amended: \(e.draft.items.count) goods item(s), \(e.draft.containers.count) container(s)"
        case .transportBound(let e): details = "transport bound: \(e.means)\(e.voyage.map { " voyage \($0)" } ?? "")"
        case .cancelled(let e):
            reason = e.reason
            details = "cancelled"
        case .rejected(let e):
            reason = e.reason
            details = e.returnToShipper.isEmpty
                ? "rejected" : "rejected; return to shipper: \(e.returnToShipper.joined(separator: ", "))"
        case .riskDecided(let e):
            let hits = e.selection?.ruleHits.map(\.name) ?? []
            let random = e.selection?.random?.selected == true ? ["random selection"] : []
            reason = (hits + random).isEmpty ? nil : (hits + random).joined(separator: "; ")
            details = "risk decided: \(e.lane.rawValue) lane\(e.selection?.decidedBy == .officer ? " by an officer" : "")"
        case .transferStarted(let e):
            details = "sealed for transfer: vehicle \(e.vehicle), seal \(e.seal), due \(Timestamp.format(e.due))"
        case .checkpointRecorded(let e):
            reason = e.alerts.isEmpty ? nil : e.alerts.map(\.detail).joined(separator: "; ")
            details = "custody \(e.checkpoint.arrived ? "arrived" : "checkpoint") at \(e.checkpoint.position)"
                + (e.alerts.isEmpty ? "" : ": " + e.alerts.map(\.kind.rawValue).joined(separator: ", "))
        case .phytosanitaryChecked(let e):
            reason = e.check.findings.isEmpty ? nil : e.check.findings.joined(separator: "; ")
            details = "phytosanitary certificate \(e.check.certificateID) checked: " + (e.check.passed ? "matches" : "\(e.check.findings.count) finding(s)")
        case .custodyAlerted(let e):
            reason = e.alert.detail
            details = "custody alert: \(e.alert.kind.rawValue)"
        case .inspectionOrdered(let e):
            details = "inspection ordered: \(e.request.kind.rawValue) at \(e.request.place.rawValue)"
                + (e.request.officer.map { " by \($0)" } ?? "")
        case .inspectionCompleted(let e):
            reason = e.findings
            let outcome = e.outcome ?? (e.compliant ? .noDiscrepancy : .discrepancy)
            details = "inspection\(e.order.map { " \($0)" } ?? "") completed: \(outcome.rawValue)"
        case .dutiesSettled(let e): details = "duties \(e.settlement.rawValue)"
        case .released: details = "released"
        case .agencyDecided(let e):
            reason = e.note
            details = "\(e.kind) \(e.approved ? "approved" : "refused") by \(e.agency)" + (e.reference.map { " (\($0))" } ?? "")
        case .held(let e):
            reason = e.reason
            details = "customs hold"
        case .unheld: details = "hold lifted"
        case .portEventRecorded(let e):
            details = "\(e.event.kind.rawValue)\(e.event.container.map { " \($0)" } ?? "")"
                + "\(e.event.atShipSide ? " at ship side" : "") (\(e.event.source))"
        case .portEventRetracted(let e):
            details = "\(e.event.kind.rawValue)\(e.event.container.map { " \($0)" } ?? "") retracted by its sender (\(e.event.source))"
        case .movementRefused(let e):
            reason = e.unmet.map { "hold: \($0.hold)" }.joined(separator: "; ")
            details = "\(e.movement.rawValue)\(e.container.map { " of \($0)" } ?? "") refused"
        case .departureApproved(let e): details = "departure approved on \(e.means)\(e.voyage.map { " \($0)" } ?? "")"
        case .completed(let e): details = e.late ? "complete declaration filed late" : "complete declaration filed"
        case .rebooked(let e):
            details = "re-booked to \(e.means)\(e.voyage.map { " \($0)" } ?? ""); shut out: \(e.shutOut.joined(separator: ", "))"
        case .exceptionRecorded(let e):
            reason = e.description
            details = "exception on \(e.container)"
        case .closed: details = "closed (结关)"
        case .documentAttached(let e): details = "document attached: \(e.document.name) (\(e.document.mediaType), sha256 \(e.document.hash.prefix(12))…)"
        }
        self.init(
            version: entry.version, position: entry.position, name: entry.name, occurredAt: entry.occurredAt,
            actor: entry.actor.map(Schemas.Principal.init), hash: entry.hash, reason: reason, details: details)
    }
}

extension Schemas.Principal {
    init(_ principal: Principal) {
        self.init(
            userId: principal.userID, username: principal.username, role: Schemas.Role(rawValue: principal.role.rawValue)!,
            partyId: principal.partyID, office: principal.office?.rawValue, agencyId: principal.agencyID)
    }
}

extension Schemas.Party {
    init(_ party: Party, now: Date) {
        self.init(
            id: party.id, name: party.name, creditCode: party.creditCode.rawValue, customsCode: party.customsCode?.rawValue,
            creditTier: Schemas.CreditTier(rawValue: party.creditTier(at: now).rawValue)!,
            creditHistory: party.creditHistory.map {
                .init(tier: Schemas.CreditTier(rawValue: $0.tier.rawValue)!, effectiveFrom: $0.effectiveFrom)
            })
    }
}

extension Schemas.ClearanceSummary {
    init(_ state: Declaration.State, now: Date) {
        let c = state.clearance
        self.init(
            lane: c.lane?.rawValue, riskDecidedAt: c.riskDecidedAt, inspectionCompletedAt: c.inspectionCompletedAt,
            inspectionCompliant: c.inspectionCompliant, dutiesSettledAt: c.dutiesSettledAt, settlement: c.settlement?.rawValue,
            releasedAt: c.releasedAt, holdReason: c.holdReason, departureApprovedAt: c.departureApprovedAt,
            completionDue: c.completionDue, completedAt: c.completedAt, closedAt: c.closedAt,
            conveyanceArrivedAt: state.conveyance.arrivedAt, conveyanceDepartedAt: state.conveyance.departedAt,
            tallyNormal: state.conveyance.tallyNormal,
            selection: c.selection.map(Schemas.Selection.init),
            inspections: c.inspections.map(Schemas.InspectionOrder.init),
            portInspection: .init(rawValue: c.portInspection.rawValue)!,
            destinationInspection: .init(rawValue: c.destinationInspection.rawValue)!,
            transfer: c.transfer.map(Schemas.SupervisedTransfer.init),
            phytosanitary: c.phytosanitary.map(Schemas.PhytosanitaryCheck.init),
            agencyApprovals: c.agencyApprovals?.map { Schemas.AgencyApproval($0, now: now) },
            provisionalFor: c.provisionalFor)
    }
}

extension Schemas.AgencyApproval {
    init(_ approval: AgencyApproval, now: Date) {
        self.init(
            agency: approval.agency, kind: approval.kind, items: approval.items, requiredAt: approval.requiredAt, dueAt: approval.dueAt,
            status: .init(rawValue: approval.status.rawValue)!, overdue: approval.isOverdue(at: now), decidedAt: approval.decidedAt,
            decidedBy: approval.decidedBy, note: approval.note, reference: approval.reference)
    }
}

extension Schemas.PhytosanitaryCheck {
    init(_ check: PhytosanitaryCheck) {
        self.init(certificateId: check.certificateID, document: check.document, passed: check.passed, findings: check.findings)
    }
}

extension Schemas.SupervisedTransfer {
    init(_ t: SupervisedTransfer) {
        self.init(
            vehicle: t.vehicle, seal: t.seal, corridor: t.corridor, due: t.due, startedAt: t.startedAt, arrivedAt: t.arrivedAt,
            checkpoints: t.checkpoints.map {
                .init(seal: $0.seal, position: $0.position, at: $0.at, sealIntact: $0.sealIntact, arrived: $0.arrived)
            },
            alerts: t.alerts.map(Schemas.CustodyAlert.init))
    }
}

extension Schemas.CustodyAlert {
    init(_ a: SupervisedTransfer.CustodyAlert) {
        self.init(kind: .init(rawValue: a.kind.rawValue)!, detail: a.detail, at: a.at)
    }
}

extension Schemas.Selection {
    init(_ s: Selection) {
        self.init(
            lane: s.lane.rawValue, decidedBy: .init(rawValue: s.decidedBy.rawValue)!, creditTier: s.creditTier?.rawValue,
            ruleHits: s.ruleHits.map { .init(rule: $0.rule, version: $0.version, name: $0.name, lane: $0.lane.rawValue) },
            random: s.random.map { .init(day: $0.day, value: $0.value, rate: $0.rate, selected: $0.selected) },
            score: s.score,
            greenChannel: s.greenChannel,
            reasons: s.reasons.map { .init(feature: $0.feature, value: $0.value, contribution: $0.contribution) })
    }
}

extension Schemas.InspectionOrder {
    init(_ o: InspectionOrder) {
        self.init(
            number: o.number, kind: .init(rawValue: o.kind.rawValue)!, place: .init(rawValue: o.place.rawValue)!,
            officer: o.officer, orderedAt: o.orderedAt, outcome: o.outcome.map { .init(rawValue: $0.rawValue)! },
            findings: o.findings, evidence: o.evidence, completedAt: o.completedAt)
    }
}

extension Selection.Requested {
    init(_ r: Schemas.InspectionRequest) {
        self.init(kind: InspectionKind(rawValue: r.kind.rawValue)!, place: InspectionPlace(rawValue: r.place.rawValue)!,
                  officer: r.officer)
    }
}

extension Schemas.Wait {
    init(_ wait: Declaration.Wait) {
        self.init(
            movement: wait.movement.rawValue, condition: wait.condition.rawValue, container: wait.container,
            party: wait.party, since: wait.since, detail: wait.detail, code: wait.code)
    }
}

extension Schemas.PortEventOutcome {
    init(_ outcome: PortEventOutcome) {
        self.init(
            logId: outcome.logID,
            outcome: outcome.retracted != nil ? "retracted" : outcome.outdatedBy != nil ? "outdated" : outcome.unmatched ? "unmatched" : outcome.refused.isEmpty ? "applied" : "refused",
            applied: outcome.applied, retracted: outcome.retracted,
            refused: outcome.refused.sorted { $0.key < $1.key }.map { .init(declarationId: $0.key, reason: $0.value) })
    }
}
