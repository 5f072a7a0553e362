import ClearwayAPI
import ClearwayApp
import ClearwayCore
import ClearwayStore
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func receiveCEBMessage(_ input: Operations.ReceiveCEBMessage.Input) async throws -> Operations.ReceiveCEBMessage.Output {
        let body: HTTPBody
        switch input.body {
        case .xml(let b): body = b
        case .textXml(let b): body = b
        }
        let data = try await Data(collecting: body, upTo: 4 << 20)
        let answer = try await clearway.receiveCEB(data, by: try RequestPrincipal.required())
        if answer.receiptType == "CEB900Message" { return .badRequest(.init(body: .xml(HTTPBody(answer.receipt)))) }
        return .ok(.init(body: .xml(HTTPBody(answer.receipt))))
    }

    func listParcels(_ input: Operations.ListParcels.Input) async throws -> Operations.ListParcels.Output {
        let parcels = try await clearway.parcels(
            status: input.query.status.flatMap { Parcel.Status(rawValue: $0.rawValue) }, limit: input.query.limit ?? 200,
            by: try RequestPrincipal.required())
        return .ok(.init(body: .json(parcels.map { Schemas.Parcel($0, preNo: nil) })))
    }

    func getParcel(_ input: Operations.GetParcel.Input) async throws -> Operations.GetParcel.Output {
        let found = try await clearway.parcel(input.path.parcelId, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(Schemas.Parcel(found.state, preNo: found.preNo))))
    }

    func reviewParcel(_ input: Operations.ReviewParcel.Input) async throws -> Operations.ReviewParcel.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.decideParcel(input.path.parcelId, review: body.approved, inspectionPassed: nil,
                                                    note: body.note ?? "", by: try RequestPrincipal.required())
        return .ok(.init(body: .json(Schemas.Parcel(state, preNo: nil))))
    }

    func recordParcelInspection(_ input: Operations.RecordParcelInspection.Input) async throws
        -> Operations.RecordParcelInspection.Output
    {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.decideParcel(input.path.parcelId, review: nil, inspectionPassed: body.approved,
                                                    note: body.note ?? "", by: try RequestPrincipal.required())
        return .ok(.init(body: .json(Schemas.Parcel(state, preNo: nil))))
    }

    func getParcelTaxBill(_ input: Operations.GetParcelTaxBill.Input) async throws -> Operations.GetParcelTaxBill.Output {
        let bill = try await clearway.parcelTaxBill(input.path.parcelId, by: try RequestPrincipal.required())
        return .ok(.init(body: .xml(HTTPBody(bill))))
    }
}

extension Components.Schemas.Parcel {
    init(_ state: Parcel.State, preNo: String?) {
        let assessment = state.assessment
        self.init(
            id: state.id, status: .init(rawValue: state.status.rawValue)!, cebStatus: state.status.cebCode,
            orderNo: state.order?.orderNo ?? state.inventory?.orderNo ?? state.payment?.orderNo,
            ebpCode: state.order?.ebpCode ?? state.inventory?.ebpCode ?? state.payment?.ebpCode, invtNo: state.invtNo, preNo: preNo,
            logisticsNo: state.inventory?.logisticsNo ?? state.waybill?.logisticsNo, present: state.present.map(\.rawValue),
            missing: state.missing.map(\.rawValue), missingReported: state.missingReported != nil, valueFen: assessment?.valueFen,
            treatment: assessment.flatMap { .init(rawValue: $0.treatment.rawValue) }, dutyFen: assessment?.dutyFen,
            vatFen: assessment?.vatFen, consumptionTaxFen: assessment?.consumptionFen, taxWithheldFen: state.order?.taxTotal.fen,
            findings: state.findings.map { .init(pointer: $0.pointer, code: $0.code, detail: $0.detail) },
            firstReceivedAt: state.firstReceivedAt, decidedAt: state.decidedAt, releasedAt: state.releasedAt)
    }
}

extension APIHandlers {
    func listTaxGuarantees(_ input: Operations.ListTaxGuarantees.Input) async throws -> Operations.ListTaxGuarantees.Output {
        .ok(.init(body: .json(try await clearway.taxGuarantees(by: try RequestPrincipal.required()).map(Schemas.TaxGuarantee.init))))
    }

    func setTaxGuarantee(_ input: Operations.SetTaxGuarantee.Input) async throws -> Operations.SetTaxGuarantee.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let guarantee = try await clearway.setTaxGuarantee(
            GuaranteeForm(assureCode: input.path.assureCode, bank: body.bank, amountFen: body.amountFen, validUntil: body.validUntil),
            by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(guarantee))))
    }

    func listTaxBills(_ input: Operations.ListTaxBills.Input) async throws -> Operations.ListTaxBills.Output {
        .ok(.init(body: .json(try await clearway.taxBills(by: try RequestPrincipal.required()).map(Schemas.TaxBill.init))))
    }

    func getTaxBill(_ input: Operations.GetTaxBill.Input) async throws -> Operations.GetTaxBill.Output {
        .ok(.init(body: .json(.init(try await clearway.taxBill(input.path.billId, by: try RequestPrincipal.required())))))
    }

    func payTaxBill(_ input: Operations.PayTaxBill.Input) async throws -> Operations.PayTaxBill.Output {
        .accepted(.init(body: .json(.init(try await clearway.payTaxBill(input.path.billId, by: try RequestPrincipal.required())))))
    }

    func receiveBankCallback(_ input: Operations.ReceiveBankCallback.Input) async throws -> Operations.ReceiveBankCallback.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        // The signature covers the bytes the bank sent, which re-encoding the decoded body would not reproduce.
        _ = body
        let raw = try RawBody.current()
        return .ok(.init(body: .json(.init(try await clearway.settleBankCallback(raw, signature: input.headers.bankSignature)))))
    }
}

extension Components.Schemas.TaxGuarantee {
    init(_ g: TaxBillTables.Guarantee) {
        self.init(assureCode: g.assureCode, bank: g.bank, amountFen: g.amountFen, frozenFen: g.frozenFen, availableFen: g.availableFen,
                  validUntil: g.validUntil)
    }
}

extension Components.Schemas.TaxBill {
    init(_ bill: ClearwayCore.TaxBill.State) {
        self.init(
            id: bill.id, assureCode: bill.assureCode, period: bill.period?.description ?? "", status: .init(rawValue: bill.status.rawValue)!,
            totalFen: bill.totalFen, issuedAt: bill.issuedAt, bank: bill.bank, bankPayment: bill.bankPayment, paidAt: bill.paidAt,
            failures: bill.failures,
            items: bill.items.map { .init(parcelId: $0.parcelID, invtNo: $0.invtNo, dutyFen: $0.dutyFen, vatFen: $0.vatFen,
                                          consumptionTaxFen: $0.consumptionFen) })
    }
}
