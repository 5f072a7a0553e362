import ClearwayCore
import ClearwayStore
import SQLKit

extension Clearway {
    /// Recomputes every event stream's hash chain: the number of events checked and the first broken link, if any.
    public func verifyAudit() async throws -> (events: Int, break: EventChain.Break?) {
        try await store.read { db in try await EventStore.verifyAll(on: db) }
    }
}

extension Clearway {
    /// Throws unless the database answers a trivial query.
    public func checkStore() async throws {
        _ = try await store.read { db in try await db.raw("SELECT 1 AS one").first() }
    }
}
