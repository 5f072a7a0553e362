import ClearwayCore
import Foundation
import SQLKit

/// The time-release projection: one record per declaration, rewritten in the transaction that changes it.
public enum TimeReleaseTable {
    public static func upsert(_ record: TimeRelease.Record, acceptedAt: Date, on db: any SQLDatabase) async throws {
        let json = try CanonicalJSON.encoder(sorted: false).encodeToString(record)
        try await db.raw(
            """
            INSERT INTO time_release (declaration_id, accepted_at, record)
            VALUES (\(bind: record.declarationID), \(bind: acceptedAt.timestamp), \(bind: json))
            ON CONFLICT (declaration_id) DO UPDATE SET record = excluded.record
            """
        ).run()
    }

    /// The records of declarations accepted in [from, to).
    public static func records(from: Date?, to: Date?, on db: any SQLDatabase) async throws -> [TimeRelease.Record] {
        var sql = SQLQueryString("SELECT record FROM time_release WHERE 1 = 1")
        if let from { sql += " AND accepted_at >= \(bind: from.timestamp)" }
        if let to { sql += " AND accepted_at < \(bind: to.timestamp)" }
        sql += " ORDER BY accepted_at, declaration_id"
        let decoder = CanonicalJSON.decoder()
        return try await db.raw(sql).all().map {
            try decoder.decode(TimeRelease.Record.self, from: Data(try $0.decode(column: "record", as: String.self).utf8))
        }
    }
}
