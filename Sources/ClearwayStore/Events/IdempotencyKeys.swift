import Foundation
import SQLKit

/// Remembered answers to creating requests, so a retry with the same `Idempotency-Key` gets the first answer.
public enum IdempotencyKeys {
    /// What was recorded for a key.
    public struct Record: Sendable, Equatable {
        public var fingerprint: String
        public var response: String
    }

    public static func find(scope: String, key: String, on db: any SQLDatabase) async throws -> Record? {
        guard
            let row = try await db.raw(
                """
                SELECT fingerprint, response FROM idempotency_keys
                WHERE scope = \(bind: scope) AND idempotency_key = \(bind: key)
                """
            ).first()
        else { return nil }
        return Record(
            fingerprint: try row.decode(column: "fingerprint", as: String.self),
            response: try row.decode(column: "response", as: String.self))
    }

    /// Records the answer inside the transaction that produced it; a concurrent twin fails on the primary key.
    public static func record(
        scope: String, key: String, fingerprint: String, response: String, at date: Date, on db: any SQLDatabase
    ) async throws {
        do {
            try await db.raw(
                """
                INSERT INTO idempotency_keys (scope, idempotency_key, fingerprint, response, created_at)
                VALUES (\(bind: scope), \(bind: key), \(bind: fingerprint), \(bind: response), \(bind: date.timestamp))
                """
            ).run()
        } catch where Dialect.isUniqueViolation(error) {
            throw StoreError.duplicate("idempotency key \(key)")
        }
    }

    /// Deletes up to `limit` records made before `date`, oldest first; returns how many it deleted.
    public static func expire(before date: Date, limit: Int, on db: any SQLDatabase) async throws -> Int {
        let rows = try await db.raw(
            """
            DELETE FROM idempotency_keys WHERE (scope, idempotency_key) IN (
                SELECT scope, idempotency_key FROM idempotency_keys WHERE created_at < \(bind: date.timestamp)
                ORDER BY created_at LIMIT \(bind: limit))
            RETURNING scope
            """
        ).all()
        return rows.count
    }
}
