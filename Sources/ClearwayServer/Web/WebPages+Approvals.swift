import ClearwayApp
import ClearwayCore
import ClearwayStore
import Foundation
import Hummingbird

extension WebPages {
    /// The approvals an agency owes (licences, quarantine approvals), green channel first then the earliest due, each
    /// approved or refused with a note; release follows by itself when nothing else waits.
    func approvals(_ request: Request) async throws -> Response {
        try await workspace(request) { visit, principal in
            let language = visit.language
            let entries = try await clearway.agencyQueue(status: .pending, by: principal).map { entry -> [String: Any] in
                ["declarationID": entry.declarationID, "customsNumber": entry.customsNumber, "agency": entry.approval.agency,
                 "kind": entry.approval.kind, "due": Self.display(entry.approval.dueAt), "green": entry.greenChannel,
                 "items": entry.approval.items.map(String.init).joined(separator: ", ")]
            }
            // Quarantine officers also decide the applications the system referred, with the reasons it gave.
            var referred: [[String: Any]] = []
            if principal.role == .quarantineOfficer || principal.role == .admin {
                referred = try await clearway.quarantineApplications(status: .referred, by: principal).compactMap { state in
                    guard let application = state.application else { return nil }
                    return ["id": state.id, "product": application.product, "origin": application.originCountry,
                            "applicant": application.applicant.name, "kg": String(format: "%.0f", application.quantityKg),
                            "submitted": state.submittedAt.map(Self.display) ?? "",
                            "reasons": state.reasons.map(\.detail).joined(separator: "; ")]
                }
            }
            return render("approvals", context(visit, title: locales.text("approvals_title", language), [
                "entries": entries, "empty": entries.isEmpty && referred.isEmpty, "referred": referred, "hasReferred": !referred.isEmpty,
                "decided": request.uri.queryParameters.get("decided") != nil,
            ]))
        }
    }

    func decideQuarantineApplication(_ request: Request, id: String) async throws -> Response {
        try await workspace(request) { visit, principal in
            let form = try await WebForm.read(request)
            try checkCSRF(form, visit)
            _ = try await clearway.decideQuarantineApplication(id, approve: form["decision"] == "approve", note: form["note"], by: principal)
            return Self.redirect("/app/approvals?decided=1")
        }
    }

    func decideApproval(_ request: Request, id: String) async throws -> Response {
        try await workspace(request) { visit, principal in
            let form = try await WebForm.read(request)
            try checkCSRF(form, visit)
            _ = try await clearway.decideAgencyApproval(
                id, agency: form["agency"], kind: form["kind"], approve: form["decision"] == "approve", note: form["note"],
                reference: form.optional("reference"), by: principal)
            return Self.redirect("/app/approvals?decided=1")
        }
    }
}
