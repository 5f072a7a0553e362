import ClearwayCore
import Foundation
import SQLKit

/// The agencies' queues: every approval a declaration owes, rewritten in the transaction that changed it.
public enum AgencyApprovalTable {
    public static func record(_ state: Declaration.State, on db: any SQLDatabase) async throws {
        guard let draft = state.draft, let number = state.customsNumber?.rawValue else { return }
        let offices = Set([draft.declarationOffice, draft.entryExitOffice]).map(\.rawValue).sorted().joined(separator: " ")
        let encoder = CanonicalJSON.encoder()
        for approval in state.clearance.agencyApprovals ?? [] {
            let json = String(decoding: try encoder.encode(approval), as: UTF8.self)
            try await db.raw(
                """
                INSERT INTO agency_approvals (declaration_id, agency, kind, customs_number, offices, status, green_channel, due_at, approval)
                VALUES (\(bind: state.id), \(bind: approval.agency), \(bind: approval.kind), \(bind: number), \(bind: offices),
                    \(bind: approval.status.rawValue), \(bind: state.clearance.selection?.greenChannel == true ? 1 : 0),
                    \(bind: approval.dueAt.timestamp), \(bind: json))
                ON CONFLICT (declaration_id, agency, kind) DO UPDATE SET status = excluded.status,
                    green_channel = excluded.green_channel, approval = excluded.approval
                """
            ).run()
        }
    }

    /// One queue entry.
    public struct Entry: Sendable, Equatable {
        public var declarationID: String
        public var customsNumber: String
        public var offices: [String]
        public var greenChannel: Bool
        public var approval: AgencyApproval
    }

    /// An agency's approvals (all agencies' when nil), green channel first, then the earliest SLA.
    public static func queue(agency: String?, status: AgencyApproval.Status?, limit: Int, on db: any SQLDatabase) async throws
        -> [Entry]
    {
        var sql = SQLQueryString(
            "SELECT declaration_id, customs_number, offices, green_channel, approval FROM agency_approvals WHERE 1 = 1")
        if let agency { sql += " AND agency = \(bind: agency)" }
        if let status { sql += " AND status = \(bind: status.rawValue)" }
        sql += " ORDER BY green_channel DESC, due_at, declaration_id, kind LIMIT \(bind: limit)"
        let decoder = CanonicalJSON.decoder()
        return try await db.raw(sql).all().map { row in
            Entry(
                declarationID: try row.decode(column: "declaration_id", as: String.self),
                customsNumber: try row.decode(column: "customs_number", as: String.self),
                offices: try row.decode(column: "offices", as: String.self).split(separator: " ").map(String.init),
                greenChannel: try row.decode(column: "green_channel", as: Int.self) == 1,
                approval: try decoder.decode(AgencyApproval.self, from: Data(try row.decode(column: "approval", as: String.self).utf8)))
        }
    }
}
