import ClearwayAPI
import ClearwayApp
import ClearwayCore
import ClearwayStore
import ClearwayInterop
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func decideRisk(_ input: Operations.DecideRisk.Input) async throws -> Operations.DecideRisk.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.decideRisk(
            input.path.declarationId, lane: Declaration.Lane(rawValue: body.lane.rawValue)!,
            inspection: body.inspection.map(Selection.Requested.init), by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try await declaration(state))))
    }

    func completeInspection(_ input: Operations.CompleteInspection.Input) async throws -> Operations.CompleteInspection.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let outcome: InspectionOutcome
        switch (body.outcome, body.compliant) {
        case (let given?, _): outcome = InspectionOutcome(rawValue: given.rawValue)!
        case (nil, let compliant?): outcome = compliant ? .noDiscrepancy : .discrepancy
        case (nil, nil):
            throw ClearanceError.invalid(ValidationFailure([FieldIssue("/outcome", "required", "the result needs an outcome")]))
        }
        let state = try await clearway.completeInspection(
            input.path.declarationId, order: body.order, outcome: outcome, findings: body.findings,
            evidence: body.evidence ?? [], by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try await declaration(state))))
    }

    func settleDuties(_ input: Operations.SettleDuties.Input) async throws -> Operations.SettleDuties.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.settleDuties(
            input.path.declarationId, Declaration.Settlement(rawValue: body.settlement.rawValue)!,
            by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try await declaration(state))))
    }

    func holdDeclaration(_ input: Operations.HoldDeclaration.Input) async throws -> Operations.HoldDeclaration.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.hold(input.path.declarationId, reason: body.reason, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try await declaration(state))))
    }

    func unholdDeclaration(_ input: Operations.UnholdDeclaration.Input) async throws -> Operations.UnholdDeclaration.Output {
        let state = try await clearway.unhold(input.path.declarationId, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try await declaration(state))))
    }

    func confirmDeparture(_ input: Operations.ConfirmDeparture.Input) async throws -> Operations.ConfirmDeparture.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.confirmDeparture(
            input.path.declarationId, means: body.means, voyage: body.voyage, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try await declaration(state))))
    }

    func completeDeclaration(_ input: Operations.CompleteDeclaration.Input) async throws
        -> Operations.CompleteDeclaration.Output
    {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.completeDeclaration(
            input.path.declarationId, DeclarationForm(body), by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try await declaration(state))))
    }

    func rebookDeclaration(_ input: Operations.RebookDeclaration.Input) async throws -> Operations.RebookDeclaration.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.rebook(
            input.path.declarationId, means: body.means, voyage: body.voyage, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try await declaration(state))))
    }

    func recordException(_ input: Operations.RecordException.Input) async throws -> Operations.RecordException.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.recordException(
            input.path.declarationId, container: body.container, description: body.description,
            by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try await declaration(state))))
    }

    func getDeclarationWaiting(_ input: Operations.GetDeclarationWaiting.Input) async throws
        -> Operations.GetDeclarationWaiting.Output
    {
        let (state, waits) = try await clearway.waiting(input.path.declarationId, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(
            declarationId: state.id, status: .init(rawValue: state.status!.rawValue)!, waits: waits.map(Components.Schemas.Wait.init)))))
    }

    func listOpenExports(_ input: Operations.ListOpenExports.Input) async throws -> Operations.ListOpenExports.Output {
        let days = input.query.olderThanDays ?? 7
        guard (0...3650).contains(days) else {
            throw ClearanceError.invalid(ValidationFailure([FieldIssue("/query/olderThanDays", "range", "0 to 3650 days")]))
        }
        let now = clearway.environment.now()
        let open = try await clearway.openExports(olderThan: days, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(open.map { state in
            .init(
                id: state.id, customsNumber: state.customsNumber?.rawValue ?? "", status: .init(rawValue: state.status!.rawValue)!,
                acceptedAt: state.acceptedAt!, ageDays: now.timeIntervalSince(state.acceptedAt!) / 86_400,
                waits: Declaration.waiting(state).map(Components.Schemas.Wait.init))
        })))
    }

    func timeReleaseReport(_ input: Operations.TimeReleaseReport.Input) async throws -> Operations.TimeReleaseReport.Output {
        var dimension: TimeRelease.Dimension?
        if let by = input.query.by {
            dimension = TimeRelease.Dimension(rawValue: by)
            if dimension == nil {
                throw ClearanceError.invalid(ValidationFailure([FieldIssue(
                    "/query/by", "dimension-unknown",
                    "by is one of \(TimeRelease.Dimension.allCases.map(\.rawValue).joined(separator: ", "))")]))
            }
        }
        let rows = try await clearway.timeReleaseReport(
            from: input.query.from, to: input.query.to, by: dimension, principal: try RequestPrincipal.required())
        return .ok(.init(body: .json(rows.map { row in
            .init(
                group: row.group,
                segments: TimeRelease.Segment.allCases.compactMap { segment in
                    row.segments[segment].map {
                        .init(
                            segment: segment.rawValue, count: $0.count, meanHours: $0.mean / 3600, p50Hours: $0.p50 / 3600,
                            p90Hours: $0.p90 / 3600, p99Hours: $0.p99 / 3600)
                    }
                })
        })))
    }

    func reportPortEvent(_ input: Operations.ReportPortEvent.Input) async throws -> Operations.ReportPortEvent.Output {
        let principal = try RequestPrincipal.required()
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        var issues = IssueCollector()
        let kind = PortEvent.Kind(rawValue: body.kind)
        if kind == nil {
            issues.add("/kind", "kind-unknown", "kind is one of \(PortEvent.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let container = body.container.flatMap { number in
            issues.check("/container") { () throws(IdentifierError) in try ContainerNumber(number) }
        }
        let manifest = body.manifest.flatMap { text in
            let parsed = PortEvent.Manifest(rawValue: text)
            if parsed == nil { issues.add("/manifest", "manifest-unknown", "manifest is pre-stowage, loaded or clean") }
            return parsed
        }
        if let kind {
            if [.discharged, .gatedIn, .gatedOut, .loaded].contains(kind) && body.container == nil {
                issues.add("/container", "container-required", "a \(kind.rawValue) event names its container")
            }
            if [.conveyanceArrived, .conveyanceDeparted, .tallied, .manifestFiled].contains(kind)
                && body.means == nil && body.billOfLading == nil
            {
                issues.add("/means", "conveyance-required", "a \(kind.rawValue) event names the vessel and voyage or a bill of lading")
            }
            if kind == .tallied && body.tallyNormal == nil {
                issues.add("/tallyNormal", "tally-required", "a tally event says whether it matched the manifest")
            }
            if kind == .manifestFiled && manifest == nil { issues.add("/manifest", "manifest-required", "which manifest was filed") }
        }
        if let id = body.externalId, !(1...200).contains(id.count) {
            issues.add("/externalId", "text-length", "an event id has 1 to 200 characters")
        }
        do { try issues.finish() } catch { throw ClearanceError.invalid(error) }
        let event = PortEvent(
            kind: kind!, at: body.at, container: container, means: body.means, voyage: body.voyage,
            billOfLading: body.billOfLading, location: body.location, atShipSide: body.atShipSide ?? false,
            tallyNormal: body.tallyNormal, manifest: manifest, source: "api", externalID: body.externalId)
        let outcome = try await clearway.recordPortEvent(event, by: principal)
        if !outcome.refused.isEmpty { throw PortEventRefused(outcome: outcome) }
        return .accepted(.init(body: .json(.init(outcome))))
    }

    func reportDCSAEvents(_ input: Operations.ReportDCSAEvents.Input) async throws -> Operations.ReportDCSAEvents.Output {
        let principal = try RequestPrincipal.required()
        guard case .json(let container) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let data = try JSONEncoder().encode(container)
        let rules = try await clearway.dcsaRules()
        let result: DCSAEvents.Result
        do {
            result = try DCSAEvents.read(data, rules: rules, now: clearway.environment.now())
        } catch {
            throw ClearanceError.invalid(ValidationFailure(error.problems.map {
                FieldIssue($0.pointer, "dcsa-invalid", $0.reason)
            }))
        }
        let outcomes = try await clearway.recordPortEvents(result.reports, by: principal)
        return .accepted(.init(body: .json(outcomes.map(Components.Schemas.PortEventOutcome.init))))
    }
}

/// A port event whose movement the rules refused, answered as 409 with the reasons.
struct PortEventRefused: Error {
    var outcome: PortEventOutcome
}

extension APIHandlers {
    func listEDIMessages(_ input: Operations.ListEDIMessages.Input) async throws -> Operations.ListEDIMessages.Output {
        let messages = try await clearway.ediMessages(after: input.query.after ?? 0, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(messages.map {
            .init(id: $0.id, declarationId: $0.declarationID, kind: .init(rawValue: $0.kind)!, createdAt: $0.createdAt,
                  interchange: $0.interchange)
        })))
    }

    func receiveInterchange(_ input: Operations.ReceiveInterchange.Input) async throws -> Operations.ReceiveInterchange.Output {
        let body: HTTPBody
        switch input.body {
        case .applicationEdifact(let b): body = b
        case .plainText(let b): body = b
        }
        let data = try await Data(collecting: body, upTo: 1 << 20)
        switch try await clearway.receiveInterchange(data, by: try RequestPrincipal.required()) {
        case .portEvents(let outcomes):
            return .accepted(.init(body: .json(outcomes.map(Components.Schemas.PortEventOutcome.init))))
        case .responses(let text, _, _):
            return .ok(.init(body: .applicationEdifact(HTTPBody(text))))
        }
    }
}
