import ClearwayCore
import ClearwayStore
import Foundation
import SQLKit

extension Clearway {
    /// An agency's decision on the approval it owes a declaration; release follows by itself when nothing else waits.
    public func decideAgencyApproval(_ declaration: String, agency: String, kind: String, approve: Bool, note: String,
                                     reference: String?, by principal: Principal) async throws -> Declaration.State
    {
        try await change(declaration, by: principal, expectedVersion: nil, permission: { .decideAgencyApproval(agency: agency, $0) }) { _ in
            .decideAgencyApproval(agency: agency, kind: kind, approve: approve, note: note, reference: reference)
        }
    }

    /// The approvals an agency owes, most urgent first: an agency officer's own agency, quarantine officers the
    /// quarantine approvals of their offices, admins every agency's.
    public func agencyQueue(status: AgencyApproval.Status?, by principal: Principal) async throws -> [AgencyApprovalTable.Entry] {
        let policy = try await cached().policy
        guard policy.allows(principal, .readAgencyQueue) else {
            throw ClearanceError.forbidden(reason: "agency queues are for agency and quarantine officers")
        }
        let agency: String? = switch principal.role {
        case .agencyOfficer: principal.agencyID ?? "-"
        case .quarantineOfficer: Policy.quarantineAgency
        default: nil
        }
        var entries = try await store.read { db in try await AgencyApprovalTable.queue(agency: agency, status: status, limit: 5_000, on: db) }
        if principal.role == .quarantineOfficer, let visible = policy.declarationScope(of: principal)?.offices?.map(\.rawValue) {
            let offices = Set(visible)
            entries = entries.filter { !offices.isDisjoint(with: $0.offices) }
        }
        return entries
    }
}
