import ClearwayCore
import Foundation
import SQLKit

/// The quarantine approvals projection: one row per application, rewritten in the transaction that changed it.
public enum QuarantineApprovalTable {
    public static func upsert(_ state: QuarantineApproval.State, on db: any SQLDatabase) async throws {
        guard let application = state.application, let submitted = state.submittedAt, let status = state.status else { return }
        let json = try CanonicalJSON.encoder(sorted: false).encodeToString(state)
        try await db.raw(
            """
            INSERT INTO quarantine_approvals (id, applicant_id, status, submitted_at, state)
            VALUES (\(bind: state.id), \(bind: application.applicant.id), \(bind: status.rawValue), \(bind: submitted.timestamp), \(bind: json))
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, state = excluded.state
            """
        ).run()
    }

    public static func find(_ id: String, on db: any SQLDatabase) async throws -> QuarantineApproval.State? {
        try await db.raw("SELECT state FROM quarantine_approvals WHERE id = \(bind: id)").first().map(decode)
    }

    /// Applications, oldest first, of one applicant and/or status when given.
    public static func list(applicant: String?, status: QuarantineApproval.Status?, on db: any SQLDatabase) async throws
        -> [QuarantineApproval.State]
    {
        var sql = SQLQueryString("SELECT state FROM quarantine_approvals WHERE 1 = 1")
        if let applicant { sql += " AND applicant_id = \(bind: applicant)" }
        if let status { sql += " AND status = \(bind: status.rawValue)" }
        sql += " ORDER BY submitted_at, id"
        return try await db.raw(sql).all().map(decode)
    }

    static func decode(_ row: any SQLRow) throws -> QuarantineApproval.State {
        try CanonicalJSON.decoder().decode(QuarantineApproval.State.self, from: Data(try row.decode(column: "state", as: String.self).utf8))
    }
}
