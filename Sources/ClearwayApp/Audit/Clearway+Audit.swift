import ClearwayCore
import ClearwayStore

extension Clearway {
    /// Recomputes every event stream's hash chain: the number of events checked and the first broken link, if any.
    public func verifyAudit() async throws -> (events: Int, break: EventChain.Break?) {
        try await store.read { db in try await EventStore.verifyAll(on: db) }
    }
}
