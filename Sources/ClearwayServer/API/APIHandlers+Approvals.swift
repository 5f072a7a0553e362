import ClearwayAPI
import ClearwayApp
import ClearwayCore
import ClearwayStore
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func listQuarantineApprovals(_ input: Operations.ListQuarantineApprovals.Input) async throws
        -> Operations.ListQuarantineApprovals.Output
    {
        let states = try await clearway.quarantineApplications(
            status: input.query.status.map { QuarantineApproval.Status(rawValue: $0.rawValue)! }, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(states.map(Schemas.QuarantineApproval.init))))
    }

    func submitQuarantineApproval(_ input: Operations.SubmitQuarantineApproval.Input) async throws
        -> Operations.SubmitQuarantineApproval.Output
    {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.submitQuarantineApplication(
            QuarantineApplicationForm(
                commodityCode: body.commodityCode, product: body.product, originCountry: body.originCountry,
                producerRegistration: body.producerRegistration, quantityKg: body.quantityKg, portOfEntry: body.portOfEntry,
                documents: body.documents?.additionalProperties ?? [:]),
            by: try RequestPrincipal.required())
        return .created(.init(body: .json(.init(state))))
    }

    func getQuarantineApproval(_ input: Operations.GetQuarantineApproval.Input) async throws -> Operations.GetQuarantineApproval.Output {
        .ok(.init(body: .json(.init(try await clearway.quarantineApplication(input.path.approvalId, by: try RequestPrincipal.required())))))
    }

    func decideQuarantineApproval(_ input: Operations.DecideQuarantineApproval.Input) async throws
        -> Operations.DecideQuarantineApproval.Output
    {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.decideQuarantineApplication(
            input.path.approvalId, approve: body.approve, note: body.note, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(state))))
    }

    func writeOffQuarantineApproval(_ input: Operations.WriteOffQuarantineApproval.Input) async throws
        -> Operations.WriteOffQuarantineApproval.Output
    {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.writeOffQuarantineApproval(
            input.path.approvalId, declaration: body.declaration, quantityKg: body.quantityKg, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(state))))
    }

    func quarantineApprovalReport(_ input: Operations.QuarantineApprovalReport.Input) async throws
        -> Operations.QuarantineApprovalReport.Output
    {
        let report = try await clearway.quarantineApprovalReport(by: try RequestPrincipal.required())
        func path(_ p: QuarantineApproval.Report.Path) -> Schemas.ApprovalPath {
            .init(count: p.count, medianSeconds: p.medianSeconds, p90Seconds: p.p90Seconds)
        }
        return .ok(.init(body: .json(.init(automatic: path(report.automatic), manual: path(report.manual), referred: report.referred))))
    }
}

extension Schemas.QuarantineApproval {
    init(_ state: QuarantineApproval.State) {
        let a = state.application!
        self.init(
            id: state.id, status: .init(rawValue: state.status?.rawValue ?? "referred")!, applicant: .init(a.applicant),
            commodityCode: a.commodityCode.rawValue, product: a.product, originCountry: a.originCountry,
            producerRegistration: a.producerRegistration, quantityKg: a.quantityKg, remainingKg: state.remainingKg,
            portOfEntry: a.portOfEntry.rawValue, submittedAt: state.submittedAt ?? .distantPast, decidedAt: state.decidedAt,
            secondsToDecision: state.secondsToDecision, automatic: state.automatic, validUntil: state.validUntil,
            reasons: state.reasons.map { .init(code: $0.code, detail: $0.detail) },
            writeOffs: .init(additionalProperties: state.writeOffs), note: state.decisionNote)
    }
}

extension APIHandlers {
    func listAgencyApprovals(_ input: Operations.ListAgencyApprovals.Input) async throws -> Operations.ListAgencyApprovals.Output {
        let queue = try await clearway.agencyQueue(
            status: input.query.status.flatMap { AgencyApproval.Status(rawValue: $0.rawValue) }, by: try RequestPrincipal.required())
        let now = clearway.environment.now()
        return .ok(.init(body: .json(queue.map {
            .init(declarationId: $0.declarationID, customsNumber: $0.customsNumber, greenChannel: $0.greenChannel,
                  approval: Schemas.AgencyApproval($0.approval, now: now))
        })))
    }

    func decideAgencyApproval(_ input: Operations.DecideAgencyApproval.Input) async throws -> Operations.DecideAgencyApproval.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.decideAgencyApproval(
            input.path.declarationId, agency: input.path.agency, kind: body.kind, approve: body.approve, note: body.note,
            reference: body.reference, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try await declaration(state))))
    }
}

extension APIHandlers {
    func listDependencies(_ input: Operations.ListDependencies.Input) async throws -> Operations.ListDependencies.Output {
        let statuses = try await clearway.dependencies(by: try RequestPrincipal.required())
        return .ok(.init(body: .json(statuses.map {
            .init(name: $0.name, down: $0.down, reason: $0.reason, since: $0.since, changedBy: $0.changedBy)
        })))
    }

    func setDependency(_ input: Operations.SetDependency.Input) async throws -> Operations.SetDependency.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let released = try await clearway.setDependency(input.path.name, down: body.down, reason: body.reason, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(provisionallyReleased: released))))
    }
}
