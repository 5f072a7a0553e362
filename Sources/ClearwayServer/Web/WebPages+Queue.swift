import ClearwayApp
import ClearwayCore
import ClearwayStore
import Foundation
import Hummingbird

extension WebPages {
    /// The officer's queue: open document reviews and port inspections of their offices, oldest first.
    func queue(_ request: Request) async throws -> Response {
        try await workspace(request) { visit, principal in
            let orders = try await clearway.inspectionQueue(kind: nil, by: principal)
            let t = locales.table(visit.language)
            let rows: [[String: Any]] = orders.map { order in
                [
                    "declarationID": order.declarationID, "customsNumber": order.customsNumber, "number": order.number,
                    "kind": locales.text("kind_\(order.kind)", visit.language), "ordered": Self.display(order.orderedAt),
                    "greenChannel": order.greenChannel,
                ]
            }
            // Goods on hold in the officer's offices, longest held first, each with the reason and who must act.
            let held = try await clearway.declarations(DeclarationQuery(status: .accepted, limit: 200), by: principal).items
                + (try await clearway.declarations(DeclarationQuery(status: .released, limit: 200), by: principal).items)
            let holds: [[String: Any]] = held.filter { $0.clearance.holdReason != nil }
                .sorted { ($0.clearance.heldSince ?? .distantPast) < ($1.clearance.heldSince ?? .distantPast) }
                .map { state in
                    ["declarationID": state.id, "customsNumber": state.customsNumber?.rawValue ?? "", "reason": state.clearance.holdReason ?? "",
                     "since": state.clearance.heldSince.map(Self.display) ?? ""]
                }
            let outcomes = InspectionOutcome.allCases.map { ["value": $0.rawValue, "label": locales.text("outcome_\($0.rawValue)", visit.language)] }
            return render("queue", context(visit, title: t["queue_title"]!, [
                "rows": rows, "empty": rows.isEmpty, "outcomes": outcomes, "holds": holds, "noHolds": holds.isEmpty,
                "recorded": request.uri.queryParameters.get("recorded") != nil,
                "unheld": request.uri.queryParameters.get("unheld") != nil,
            ]))
        }
    }

    /// An officer lifts a hold from the queue.
    func unhold(_ request: Request, id: String) async throws -> Response {
        try await workspace(request) { visit, principal in
            try checkCSRF(try await WebForm.read(request), visit)
            _ = try await clearway.unhold(id, by: principal)
            return Self.redirect("/app/queue?unheld=1")
        }
    }

    /// An officer records the result of an order from the queue.
    func recordInspection(_ request: Request, id: String) async throws -> Response {
        try await workspace(request) { visit, principal in
            let form = try await WebForm.read(request)
            try checkCSRF(form, visit)
            guard let outcome = InspectionOutcome(rawValue: form["outcome"]) else {
                throw ClearanceError.invalid(ValidationFailure([FieldIssue("/outcome", "outcome-unknown", "choose an outcome")]))
            }
            _ = try await clearway.completeInspection(id, order: Int(form["order"]), outcome: outcome, findings: form["findings"],
                                                      by: principal)
            return Self.redirect("/app/queue?recorded=\(form["order"])")
        }
    }
}
