import ClearwayAPI
import ClearwayApp
import ClearwayCore
import ClearwayStore
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func listExportParcels(_ input: Operations.ListExportParcels.Input) async throws -> Operations.ListExportParcels.Output {
        let found = try await clearway.exportParcels(
            status: input.query.status.flatMap { ExportParcel.Status(rawValue: $0.rawValue) }, limit: input.query.limit ?? 200,
            by: try RequestPrincipal.required())
        return .ok(.init(body: .json(found.map { Schemas.ExportParcel($0.state, preNo: $0.preNo) })))
    }

    func listExportSummaries(_ input: Operations.ListExportSummaries.Input) async throws -> Operations.ListExportSummaries.Output {
        .ok(.init(body: .json(try await clearway.exportSummaries(by: try RequestPrincipal.required()).map(Schemas.ExportSummary.init))))
    }

    func getExportSummaryResult(_ input: Operations.GetExportSummaryResult.Input) async throws -> Operations.GetExportSummaryResult.Output {
        let result = try await clearway.exportSummaryResult(input.path.sumNo, by: try RequestPrincipal.required())
        return .ok(.init(body: .xml(HTTPBody(result))))
    }

    func listExportRecords(_ input: Operations.ListExportRecords.Input) async throws -> Operations.ListExportRecords.Output {
        let records = try await clearway.exportRecords(flagged: input.query.flagged ?? false, limit: input.query.limit ?? 200,
                                                       by: try RequestPrincipal.required())
        return .ok(.init(body: .json(records.map(Schemas.ExportRecord.init))))
    }

    func getExportRecord(_ input: Operations.GetExportRecord.Input) async throws -> Operations.GetExportRecord.Output {
        let view = try await clearway.exportRecord(input.path.recordId, field: input.query.field, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(view))))
    }

    func fileExportRebate(_ input: Operations.FileExportRebate.Input) async throws -> Operations.FileExportRebate.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.recordRebate(input.path.recordId, paid: false, amountFen: body.amountFen, reference: body.reference,
                                                    by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(state))))
    }

    func payExportRebate(_ input: Operations.PayExportRebate.Input) async throws -> Operations.PayExportRebate.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.recordRebate(input.path.recordId, paid: true, amountFen: body.amountFen, reference: body.reference,
                                                    by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(state))))
    }

    func recordExportReceipt(_ input: Operations.RecordExportReceipt.Input) async throws -> Operations.RecordExportReceipt.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.recordForexReceipt(input.path.recordId, amount: body.amount, currency: body.currency,
                                                          receivedAt: body.receivedAt, bankReference: body.bankReference,
                                                          by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(state))))
    }

    func listServiceAuthorisations(_ input: Operations.ListServiceAuthorisations.Input) async throws
        -> Operations.ListServiceAuthorisations.Output
    {
        let now = clearway.environment.now()
        return .ok(.init(body: .json(try await clearway.serviceAuthorisations(by: try RequestPrincipal.required()).map {
            Schemas.ServiceAuthorisation($0, now: now)
        })))
    }

    func authoriseServiceFirm(_ input: Operations.AuthoriseServiceFirm.Input) async throws -> Operations.AuthoriseServiceFirm.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let authorisation = try await clearway.authoriseServiceFirm(body.serviceParty, client: body.clientParty, validUntil: body.validUntil,
                                                                    by: try RequestPrincipal.required())
        return .created(.init(body: .json(.init(authorisation, now: authorisation.grantedAt))))
    }

    func revokeServiceFirm(_ input: Operations.RevokeServiceFirm.Input) async throws -> Operations.RevokeServiceFirm.Output {
        try await clearway.revokeServiceFirm(input.path.serviceParty, client: input.path.clientParty, by: try RequestPrincipal.required())
        return .noContent(.init())
    }

    func listServiceClients(_ input: Operations.ListServiceClients.Input) async throws -> Operations.ListServiceClients.Output {
        let now = clearway.environment.now()
        return .ok(.init(body: .json(try await clearway.serviceClients(by: try RequestPrincipal.required()).map { client in
            .init(clientParty: client.authorisation.clientParty, name: client.name, inForce: client.authorisation.inForce(at: now),
                  exportLists: client.exportLists, declarations: client.declarations, records: client.records,
                  rebatesFiled: client.rebatesFiled, rebatesPaid: client.rebatesPaid, moneyMatched: client.moneyMatched)
        })))
    }
}

extension Components.Schemas.ExportParcel {
    init(_ state: ExportParcel.State, preNo: String?) {
        let present = [state.order.map { _ in "order" }, state.collection.map { _ in "collection" }, state.waybill.map { _ in "waybill" },
                       state.inventory.map { _ in "list" }].compactMap { $0 }
        self.init(
            id: state.id, status: state.status.rawValue, cebStatus: state.status.cebCode,
            orderNo: state.order?.orderNo ?? state.inventory?.orderNo, invtNo: state.invtNo, preNo: preNo,
            logisticsNo: state.inventory?.logisticsNo ?? state.waybill?.logisticsNo, agentCode: state.inventory?.agentCode,
            ebcCode: state.inventory?.ebcCode ?? state.order?.ebcCode, ownerCode: state.inventory?.ownerCode,
            valueFen: state.inventory?.value.fen, present: present, missing: state.missing,
            findings: state.findings.map { .init(pointer: $0.pointer, code: $0.code, detail: $0.detail) },
            releasedAt: state.releasedAt, departedAt: state.departedAt, summary: state.summary)
    }
}

extension Components.Schemas.ExportSummary {
    init(_ summary: ExportChainTables.Summary) {
        self.init(
            sumNo: summary.sumNo, period: summary.period, agentCode: summary.agentCode, customsCode: summary.customsCode,
            deadline: summary.deadline, generatedAt: summary.generatedAt, requestedBy: summary.requestedBy,
            head: .init(additionalProperties: summary.group.head), invtNos: summary.group.invtNos,
            lines: summary.group.lines.map { line in
                .init(gseqno: line.gseqno, gcode: line.gcode, currency: line.currency, unit: line.unit, qty: line.qty.description,
                      value: line.value.description, lists: line.sources.count)
            })
    }
}

extension Components.Schemas.ExportRecord {
    init(_ state: ClearwayCore.ExportRecord.State) {
        self.init(id: state.id, source: state.recorded?.source.rawValue, reference: state.recorded?.reference, stage: state.stage.rawValue,
                  chain: state.chain.map { .init(stage: $0.stage.rawValue, at: $0.at) })
    }
}

extension Components.Schemas.ExportRecordView {
    init(_ view: ClearwayApp.ExportRecordView) {
        self.init(
            record: .init(view.state), fields: .init(additionalProperties: view.fields), withheld: view.withheld,
            reconciliation: view.reconciliation.map { result in
                .init(status: .init(rawValue: result.status.rawValue)!, declaredFen: result.declaredFen, receivedFen: result.receivedFen,
                      lateReceipts: result.lateReceipts, detail: result.detail)
            },
            reconciliationProblem: view.reconciliationProblem,
            reads: view.reads.map { .init(at: $0.at, username: $0.username, agency: $0.agency, fields: $0.fields) })
    }
}

extension Components.Schemas.ServiceAuthorisation {
    init(_ authorisation: ClearwayCore.ServiceAuthorisation, now: Date) {
        self.init(serviceParty: authorisation.serviceParty, clientParty: authorisation.clientParty, validFrom: authorisation.validFrom,
                  validUntil: authorisation.validUntil, grantedBy: authorisation.grantedBy, revokedAt: authorisation.revokedAt,
                  inForce: authorisation.inForce(at: now))
    }
}
