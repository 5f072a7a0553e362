import ClearwayApp
import ClearwayCore
import Foundation
import Hummingbird

extension WebPages {
    /// What a planned shipment will cost at a port under the fee lists in force: for traders before they book, open to all.
    func feeEstimate(_ request: Request) async throws -> Response {
        let visit = try await visit(request)
        let language = visit.language
        let query = request.uri.queryParameters
        func number(_ key: String, _ fallback: Int) -> Int { query.get(key).flatMap { Int($0) }.map { max(0, min($0, 100_000)) } ?? fallback }
        let port = query.get("port").map { String($0).uppercased() } ?? "CNSHA"
        let procedure = query.get("procedure").flatMap { Procedure(rawValue: String($0)) } ?? .serial
        let plan = ShipmentPlan(
            containers: ["20": number("c20", 0), "40": number("c40", 1), "45": number("c45", 0)].filter { $0.value > 0 },
            tonnes: number("tonnes", 0), declarations: 1, hours: number("hours", 48), inspectionLikely: query.get("inspection") == "1",
            procedure: procedure)
        var values: [String: Any] = ["port": port, "c20": number("c20", 0), "c40": number("c40", 1), "c45": number("c45", 0),
                                     "tonnes": number("tonnes", 0), "hours": number("hours", 48), "inspection": plan.inspectionLikely]
        values["procedures"] = Procedure.allCases.map {
            ["value": $0.rawValue, "label": locales.text("procedure_\($0.rawValue)", language), "selected": $0 == procedure]
        }
        do {
            let estimates = try await clearway.estimateFees(port: port, plan: plan)
            func amount(_ money: Money) -> String { String(format: "%.2f", Double(money.minor) / 100) }
            let parties: [[String: Any]] = estimates.map { estimate in
                let certain = estimate.lines.filter { !$0.onlyIfInspectionFinds }
                let total = Money.sum(certain.lazy.map(\.amount.minor))
                return [
                    "party": estimate.catalog.chargingParty, "version": estimate.catalog.version,
                    "total": String(format: "%.2f", Double(total) / 100),
                    "lines": estimate.lines.map { line -> [String: Any] in
                        ["code": line.itemCode, "name": language == "en" ? line.nameEn : line.nameZh, "payer": line.payer,
                         "quantity": line.quantity, "rate": amount(line.unitRate), "amount": amount(line.amount),
                         "currency": line.amount.currency, "conditional": line.onlyIfInspectionFinds]
                    },
                ]
            }
            return render("fee-estimate", context(visit, title: locales.text("estimate_title", language), [
                "values": values, "parties": parties, "none": parties.isEmpty,
            ]))
        } catch { return self.error(visit, error) }
    }
}
