import ClearwayCore
import ClearwayStore
import Crypto
import Foundation
import SQLKit

extension Clearway {
    /// Runs a creating command once per `Idempotency-Key`: a retry with the same request gets the first result,
    /// the same key with a different request is refused. The key is recorded in the command's own transaction.
    func idempotent<Request: Encodable, Result: Codable & Sendable>(
        scope: String, key: String?, request: Request, contending hotRow: String? = nil,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        guard let key else { return try await store.transaction(contending: hotRow, body) }
        let encoder = CanonicalJSON.encoder()
        let fingerprint = try Self.fingerprint(of: request)
        for attempt in 0..<2 {
            do {
                return try await store.transaction(contending: hotRow) { db in
                    if let record = try await IdempotencyKeys.find(scope: scope, key: key, on: db) {
                        guard record.fingerprint == fingerprint else { throw ClearanceError.idempotencyKeyReused(key: key) }
                        return try CanonicalJSON.decoder().decode(Result.self, from: Data(record.response.utf8))
                    }
                    let result = try await body(db)
                    try await IdempotencyKeys.record(
                        scope: scope, key: key, fingerprint: fingerprint,
                        response: String(decoding: try encoder.encode(result), as: UTF8.self), at: self.environment.now(),
                        on: db)
                    return result
                }
            } catch StoreError.duplicate where attempt == 0 {
                continue  // a concurrent twin committed first; the retry finds its record
            }
        }
        throw ClearanceError.idempotencyKeyReused(key: key)
    }

    /// What tells two requests under one key apart: the hash of the request's canonical JSON.
    static func fingerprint<Request: Encodable>(of request: Request) throws -> String {
        Hex.encode(SHA256.hash(data: try CanonicalJSON.encoder().encode(request)))
    }

    /// Whether `key` was already used in `scope` with another request than this one (a replay would be refused).
    func keyTaken<Request: Encodable>(scope: String, key: String, by request: Request) async throws -> Bool {
        let fingerprint = try Self.fingerprint(of: request)
        let record = try await store.read { db in try await IdempotencyKeys.find(scope: scope, key: key, on: db) }
        return record.map { $0.fingerprint != fingerprint } ?? false
    }

    /// Forgets the answers kept for keys past `Environment.idempotencyLifetime`, a batch at a time so that no
    /// transaction holds the writer long; returns how many were forgotten. Safe on several nodes at once.
    @discardableResult
    public func expireIdempotencyKeys(batch: Int = 1_000) async throws -> Int {
        let before = environment.now().addingTimeInterval(-environment.idempotencyLifetime)
        var forgotten = 0
        while true {
            let removed = try await store.transaction { db in try await IdempotencyKeys.expire(before: before, limit: batch, on: db) }
            forgotten += removed
            if removed < batch || Task.isCancelled { return forgotten }
        }
    }
}
