import Logging
import SQLKit
import Synchronization

/// A node's writes, run by a task of its own in groups that share one database transaction and one commit.
///
/// Callers queue their transaction and wait; the writer takes everything queued at once and runs it back to back in
/// one transaction, each member in its own savepoint (a failing one rolls back alone), then commits and answers them
/// all. No caller returns before the commit that holds its writes, so nothing acknowledged is lost; a failed commit
/// fails them all. On SQLite, running the bodies on one task instead of handing a lock from caller to caller keeps
/// the one writer busy (the hand-offs, not the writes, had become the limit); on PostgreSQL a group takes a hot row's
/// lock (a customs office's counter) and waits for the WAL flush once for all its members instead of once each.
final class GroupCommitWriter: Sendable {
    /// One queued piece of work: its body (dropped as soon as it has run, since it may be a caller's non-escaping
    /// closure), its failure, and the caller waiting for it.
    final class Pending: @unchecked Sendable {
        private var body: ((any SQLDatabase) async throws -> Void)?
        /// Runs outside any transaction, after the open group is committed (a copy of the file, the last commit).
        let exclusive: Bool
        private(set) var failure: (any Error)?
        private let state = Mutex<(finished: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

        init(exclusive: Bool = false, _ body: @escaping (any SQLDatabase) async throws -> Void) {
            self.exclusive = exclusive
            self.body = body
        }

        fileprivate func run(on db: any SQLDatabase) async throws {
            guard let body else { return }
            self.body = nil
            try await GroupCommitWriter.$runningMember.withValue(true) { try await body(db) }
        }

        fileprivate func fail(_ error: any Error) {
            body = nil
            if failure == nil { failure = error }
        }

        fileprivate var isFinished: Bool { state.withLock { $0.finished } }

        fileprivate func finish() {
            let waiter = state.withLock { state in
                state.finished = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        func wait() async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let finished = state.withLock { state in
                    if !state.finished { state.waiter = continuation }
                    return state.finished
                }
                if finished { continuation.resume() }
            }
        }
    }

    /// Set while a writer runs a member's body, on the writer's task.
    @TaskLocal private static var runningMember = false

    private struct Queue {
        var pending: [Pending] = []
        var writerWaiting: CheckedContinuation<[Pending]?, Never>?
        var closed = false
    }

    private let queue = Mutex(Queue())
    private let stopped = Mutex<(done: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))
    /// Most transactions one commit carries, so the first of a long queue does not wait for all of it.
    private let maxGroup: Int

    /// - Parameter connection: lends a connection for one group (the SQLite writer's, or one from the pool).
    init(
        dialect: Dialect, maxGroup: Int = 64,
        connection: @escaping @Sendable (_ work: @Sendable (any SQLDatabase) async -> Void) async throws -> Void,
        committed: @escaping @Sendable () -> Void
    ) {
        self.maxGroup = maxGroup
        Task.detached { [self] in
            while let batch = await next() {
                do {
                    try await connection { db in await self.run(batch, on: db, dialect: dialect, committed: committed) }
                } catch {
                    // No connection for the group: every member not yet answered fails with that.
                    for pending in batch where !pending.isFinished {
                        pending.fail(error)
                        pending.finish()
                    }
                }
            }
            let waiter = stopped.withLock { stopped in
                stopped.done = true
                defer { stopped.waiter = nil }
                return stopped.waiter
            }
            waiter?.resume()
        }
    }

    /// Runs `body` as one member of a group and returns once the group's commit holds its writes.
    func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        // A transaction begun inside a member would wait for the writer that is running it, for ever.
        guard !Self.runningMember else { throw StoreError.nestedTransaction }
        return try await withoutActuallyEscaping(body) { body in
            let result = Outcome<T>()
            let pending = Pending { db in result.value = try await body(db) }
            try submit(pending)
            // The writer has run and dropped the body before it answers, so the closure does not outlive this call.
            await pending.wait()
            if let failure = pending.failure { throw failure }
            return result.value!
        }
    }

    /// Runs `body` between groups, outside any transaction (a copy of the whole file).
    func exclusive(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Void) async throws {
        let pending = Pending(exclusive: true, body)
        try submit(pending)
        await pending.wait()
        if let failure = pending.failure { throw failure }
    }

    /// Queues work for the writer; refused once the writer is closing.
    private func submit(_ pending: Pending) throws {
        let wake = try queue.withLock { queue -> (CheckedContinuation<[Pending]?, Never>, [Pending])? in
            guard !queue.closed else { throw StoreError.closed }
            queue.pending.append(pending)
            guard let waiting = queue.writerWaiting else { return nil }
            queue.writerWaiting = nil
            return (waiting, take(&queue))
        }
        if let (writer, batch) = wake { writer.resume(returning: batch) }
    }

    /// Runs what is queued, then stops; returns when the last commit is done.
    func close() async {
        cancel()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = stopped.withLock { stopped in
                if !stopped.done { stopped.waiter = continuation }
                return stopped.done
            }
            if done { continuation.resume() }
        }
    }

    /// Takes no more work; what is queued still runs, and then the writer's task ends. Does not wait.
    func cancel() {
        let wake = queue.withLock { queue -> CheckedContinuation<[Pending]?, Never>? in
            queue.closed = true
            defer { queue.writerWaiting = nil }
            return queue.writerWaiting
        }
        wake?.resume(returning: nil)
    }

    private func take(_ queue: inout Queue) -> [Pending] {
        let batch = Array(queue.pending.prefix(maxGroup))
        queue.pending.removeFirst(batch.count)
        return batch
    }

    /// The next batch, waiting for one when nothing is queued; nil once closed and drained.
    private func next() async -> [Pending]? {
        await withCheckedContinuation { (continuation: CheckedContinuation<[Pending]?, Never>) in
            let ready = queue.withLock { queue -> [Pending]?? in
                if !queue.pending.isEmpty { return .some(take(&queue)) }
                if queue.closed { return .some(nil) }
                queue.writerWaiting = continuation
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func run(_ batch: [Pending], on db: any SQLDatabase, dialect: Dialect, committed: @Sendable () -> Void) async {
        var group: [Pending] = []
        var open = false
        for pending in batch {
            if pending.exclusive {
                if open { await commit(&group, on: db, committed: committed); open = false }
                do { try await pending.run(on: db) } catch { pending.fail(error) }
                pending.finish()
                continue
            }
            do {
                if !open {
                    try await db.raw("\(unsafeRaw: dialect.beginTransaction)").run()
                    open = true
                }
                try await db.raw("SAVEPOINT member").run()
            } catch {
                // The transaction could not be begun or marked: nothing in it can be trusted; end it for everyone.
                await abandon(&group, and: pending, open: open, error: error, on: db)
                open = false
                continue
            }
            do {
                try await pending.run(on: db)
                try await db.raw("RELEASE member").run()
                group.append(pending)
            } catch {
                // A refused member rolls back alone and is answered at once; the rest of the group goes on.
                pending.fail(error)
                do {
                    try await db.raw("ROLLBACK TO member").run()
                    try await db.raw("RELEASE member").run()
                    pending.finish()
                } catch {
                    await abandon(&group, and: pending, open: true, error: error, on: db)
                    open = false
                }
            }
        }
        if open { await commit(&group, on: db, committed: committed) }
    }

    private func commit(_ group: inout [Pending], on db: any SQLDatabase, committed: @Sendable () -> Void) async {
        do {
            try await db.raw("COMMIT").run()
            committed()
        } catch {
            try? await db.raw("ROLLBACK").run()
            for member in group { member.fail(error) }
        }
        for member in group { member.finish() }
        group = []
    }

    private func abandon(_ group: inout [Pending], and pending: Pending, open: Bool, error: any Error, on db: any SQLDatabase) async {
        if open { try? await db.raw("ROLLBACK").run() }
        for member in group + [pending] {
            member.fail(error)
            member.finish()
        }
        group = []
    }
}

/// A transaction's value, written by the writer's task and read by the caller once the writer has answered.
private final class Outcome<T>: @unchecked Sendable {
    var value: T?
}
