import ClearwayApp
import ClearwayCore
import ClearwayStore
import Foundation
import Hummingbird

extension WebPages {
    /// Export records of the customs–tax–forex chain: the exporter's own, the tax agency's rebate view, the forex
    /// agency's view of money received (flagged first when asked), each opening on its chain.
    func exports(_ request: Request) async throws -> Response {
        try await workspace(request) { visit, principal in
            let language = visit.language
            let flagged = request.uri.queryParameters.get("flagged") != nil
            let records = try await clearway.exportRecords(flagged: flagged, by: principal)
            let rows = records.compactMap { state -> [String: Any]? in
                guard let recorded = state.recorded else { return nil }
                return [
                    "id": state.id, "reference": recorded.reference, "source": locales.text("export_source_\(recorded.source.rawValue)", language),
                    "exporter": recorded.exporter, "producer": recorded.producer,
                    "value": recorded.value.map { "\($0.currency) \($0.formatted(exponent: 2))" }.joined(separator: ", "),
                    "closed": Self.display(recorded.closedAt), "stage": locales.text("stage_" + state.stage.rawValue.replacingOccurrences(of: "-", with: "_"), language),
                    "stageCode": state.stage.rawValue,
                    "rebate": state.rebatePaid.map { yuan($0.amountFen) } ?? state.rebateFiled.map { yuan($0.amountFen) } ?? "",
                    "received": state.receipts.map { "\($0.amount.currency) \($0.amount.formatted(exponent: 2))" }.joined(separator: ", "),
                ]
            }
            return render("exports", context(visit, title: locales.text(Self.exportsTitle(principal.role), language), [
                "records": rows, "empty": rows.isEmpty, "flagged": flagged, "forex": principal.role == .forexAgency,
                "intro": locales.text(Self.exportsTitle(principal.role) + "_intro", language),
            ]))
        }
    }

    static func exportsTitle(_ role: Role) -> String {
        switch role {
        case .taxAgency: "rebates_title"
        case .forexAgency: "forex_title"
        default: "exports_title"
        }
    }

    /// One export's chain: declared → released → departed → closed → rebate filed → rebate paid → money received, the
    /// fields the reader may see, the reconciliation, who read it; the tax and forex agencies record their steps here.
    func exportRecord(_ request: Request, id: String, posted: Bool = false) async throws -> Response {
        try await workspace(request) { visit, principal in
            // Read inside the workspace, so a form past the limit is answered with a page.
            let form = posted ? try await WebForm.read(request) : nil
            let language = visit.language
            var done: String?
            if let form {
                try checkCSRF(form, visit)
                switch form["action"] {
                case "file", "pay":
                    guard let amount = Decimal(string: form["amount"]), amount > 0 else {
                        throw ClearanceError.invalid(ValidationFailure([FieldIssue("/amount", "amount-not-positive", "the amount in CNY, above zero")]))
                    }
                    let fen = NSDecimalNumber(decimal: amount * 100).int64Value
                    _ = try await clearway.recordRebate(id, paid: form["action"] == "pay", amountFen: fen, reference: form["reference"], by: principal)
                case "receipt":
                    guard var day = ChinaTime.startOfDay(form["receivedOn"]) else {
                        throw ClearanceError.invalid(ValidationFailure([FieldIssue("/receivedOn", "date-format", "the day the money came, YYYY-MM-DD")]))
                    }
                    // Money recorded on the day it came is stamped with the moment, not that day's midnight.
                    let now = clearway.environment.now()
                    if ChinaTime.day(now) == form["receivedOn"] { day = now }
                    _ = try await clearway.recordForexReceipt(id, amount: form["amount"], currency: form["currency"].uppercased(),
                                                              receivedAt: day, bankReference: form["bankReference"], by: principal)
                default:
                    throw ClearanceError.invalid(ValidationFailure([FieldIssue("/action", "unknown", "file, pay or receipt")]))
                }
                done = locales.text("export_recorded", language)
            }
            let view = try await clearway.exportRecord(id, by: principal)
            let chain = view.state.chain.map { step -> [String: Any] in
                ["label": locales.text("stage_" + step.stage.rawValue.replacingOccurrences(of: "-", with: "_"), language), "at": step.at.map(Self.display) ?? "—", "done": step.at != nil,
                 "code": step.stage.rawValue]
            }
            let fields = view.fields.sorted { $0.key < $1.key }.filter { !$0.value.isEmpty }.map { ["name": $0.key, "value": $0.value] }
            let reconciliation: [String: Any]? = view.reconciliation.map { result in
                ["status": locales.text("forex_\(result.status.rawValue)", language), "code": result.status.rawValue, "detail": result.detail]
            }
            return render("export-record", context(visit, title: "\(locales.text("export_record_title", language)) \(view.state.recorded?.reference ?? id)", [
                "id": view.state.id, "chain": chain, "fields": fields, "withheld": view.withheld.joined(separator: ", "),
                "hasWithheld": !view.withheld.isEmpty, "reconciliation": reconciliation as Any,
                "problem": view.reconciliationProblem as Any, "reads": view.reads.map { read -> [String: Any] in
                    ["at": Self.display(read.at), "who": read.username, "agency": read.agency, "fields": read.fields.joined(separator: ", ")]
                }, "hasReads": !view.reads.isEmpty, "done": done as Any,
                "tax": [.taxAgency, .admin].contains(principal.role), "forex": [.forexAgency, .admin].contains(principal.role),
                "today": ChinaTime.day(clearway.environment.now()),
            ]))
        }
    }

    /// A foreign-trade service enterprise's clients: what it declared for each, and where rebates and money stand.
    func clients(_ request: Request) async throws -> Response {
        try await workspace(request) { visit, principal in
            let language = visit.language
            let now = clearway.environment.now()
            let rows = try await clearway.serviceClients(by: principal).map { client -> [String: Any] in
                ["party": client.authorisation.clientParty, "name": client.name ?? client.authorisation.clientParty,
                 "until": Self.display(client.authorisation.validUntil), "inForce": client.authorisation.inForce(at: now),
                 "lists": client.exportLists, "records": client.records, "filed": client.rebatesFiled, "paid": client.rebatesPaid,
                 "matched": client.moneyMatched]
            }
            return render("clients", context(visit, title: locales.text("clients_title", language), ["clients": rows, "empty": rows.isEmpty]))
        }
    }
}
