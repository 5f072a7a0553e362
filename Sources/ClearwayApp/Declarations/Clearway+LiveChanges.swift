import ClearwayCore
import ClearwayStore
import Foundation

extension Clearway {
    /// Where the event log stands now; a live page starts following from here.
    public func latestEventPosition() async throws -> Int64 {
        try await store.read { db in try await EventStore.latestPosition(on: db) }
    }

    /// Declarations the principal may read that changed after `position` (each with the position of its latest
    /// event), as they stand now. Live pages poll this from a little behind their last position, so that a transaction
    /// that committed late is not missed, and skip what they have already shown.
    public func declarationChanges(after position: Int64, by principal: Principal) async throws
        -> [(declaration: Declaration.State, position: Int64)]
    {
        let policy = try await cached().policy
        return try await store.read { db in
            let changed = try await EventStore.changedStreams(type: Self.declarationStream, after: position, limit: 200, on: db)
            var found: [(Declaration.State, Int64)] = []
            for change in changed {
                guard let state = try await DeclarationTable.find(change.streamID, on: db), let draft = state.draft,
                      policy.allows(principal, .readDeclaration(draft)) else { continue }
                found.append((state, change.position))
            }
            return found
        }
    }

    /// How many commits this node has been told of (see `waitForChanges`).
    public var changeGeneration: Int { store.changes.generation }

    /// Waits until a commit on this node, or an append on any node of a PostgreSQL deployment, or `timeout`.
    public func waitForChanges(after generation: Int, timeout: Duration) async -> Int {
        await store.changes.wait(after: generation, timeout: timeout)
    }
}
