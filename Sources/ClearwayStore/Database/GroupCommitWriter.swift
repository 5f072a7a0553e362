import Foundation
import Logging
import SQLKit
import Synchronization

/// A node's writes, run by a task of its own in groups that share one database transaction and one commit.
///
/// Callers queue their transaction and wait; the writer takes everything queued at once and runs it back to back in
/// one transaction, each member in its own savepoint when it has company (a failing one rolls back alone), then
/// commits and answers them all. No caller returns before the commit that holds its writes, so nothing acknowledged
/// is lost; a failed commit fails them all. On SQLite, running the bodies on one task instead of handing a lock from
/// caller to caller keeps the one writer busy (the hand-offs, not the writes, had become the limit); on PostgreSQL a
/// group takes a hot row's lock (a customs office's counter) and waits for the WAL flush once for all its members
/// instead of once each.
final class GroupCommitWriter: Sendable {
    /// One queued piece of work: its body (dropped before its caller is answered, since it may be the caller's
    /// non-escaping closure), its failure, and the caller waiting for it.
    final class Pending: @unchecked Sendable {
        private var body: ((any SQLDatabase) async throws -> Void)?
        /// Runs outside any transaction, after the open group is committed (a copy of the file, the last commit).
        let exclusive: Bool
        /// The hot row the work locks (an office's counter), if any; a group holds at most one.
        let contending: String?
        private(set) var failure: (any Error)?
        /// Times the body has been run; a member the database chose as a deadlock's victim runs again.
        fileprivate private(set) var attempts = 0
        private let state = Mutex<(finished: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

        init(exclusive: Bool = false, contending: String? = nil, _ body: @escaping (any SQLDatabase) async throws -> Void) {
            self.exclusive = exclusive
            self.contending = contending
            self.body = body
        }

        fileprivate func run(on db: any SQLDatabase) async throws {
            guard let body else { return }
            attempts += 1
            try await GroupCommitWriter.$runningMember.withValue(true) { try await body(db) }
        }

        fileprivate func fail(_ error: any Error) {
            body = nil
            if failure == nil { failure = error }
        }

        fileprivate var isFinished: Bool { state.withLock { $0.finished } }

        fileprivate func finish() {
            body = nil
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

    /// The calling thread's CPU time so far.
    private static func threadCPU() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }

    /// Set while a writer runs a member's body, on the writer's task.
    @TaskLocal private static var runningMember = false

    private struct Queue {
        var pending: [Pending] = []
        var writerWaiting: CheckedContinuation<[Pending]?, Never>?
        var closed = false
    }

    private let queue = Mutex(Queue())
    private let counted: Mutex<WriterStatistics>

    /// What this writer has done so far.
    var statistics: WriterStatistics { counted.withLock { $0 } }
    private let stopped = Mutex<(done: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))
    /// Most transactions one commit carries, so the first of a long queue does not wait for all of it.
    private let maxGroup: Int

    /// - Parameters:
    ///   - connection: lends a connection for one group (the SQLite writer's, or one from the pool).
    ///   - timesCPU: the groups run on one thread without suspending (SQLite's statements run on the calling thread),
    ///     so that thread's CPU clock measures them; a writer that waits on a server says nothing that way.
    init(
        dialect: Dialect, maxGroup: Int = 64, timesCPU: Bool = false,
        connection: @escaping @Sendable (_ work: @Sendable (any SQLDatabase) async -> Void) async throws -> Void,
        committed: @escaping @Sendable () -> Void
    ) {
        self.maxGroup = maxGroup
        var statistics = WriterStatistics()
        if timesCPU { statistics.cpu = .zero }
        counted = Mutex(statistics)
        Task.detached { [self] in
            while let batch = await next() {
                // Counted before any member is answered; the time once the group is done, before the next one.
                counted.withLock { $0.add(group: batch.count) }
                let began = ContinuousClock.now
                let thread = pthread_self(), cpuBegan = timesCPU ? Self.threadCPU() : .zero
                defer {
                    let cpuEnded = timesCPU ? Self.threadCPU() : .zero
                    let busy = ContinuousClock.now - began
                    // A group that moved to another thread suspended after all: from then on the figure is unknown.
                    let sameThread = pthread_equal(thread, pthread_self()) != 0
                    counted.withLock {
                        $0.busy += busy
                        if sameThread { $0.cpu? += cpuEnded - cpuBegan } else { $0.cpu = nil }
                    }
                }
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
    ///
    /// - Parameter contending: the hot row `body` locks, if any. A group takes members of one such row only (and
    ///   members that name none): a group holding two, on one node, and another holding the same two in the other
    ///   order, on another node, would each wait for the other until PostgreSQL broke the deadlock by failing one.
    func transaction<T: Sendable>(contending: String? = nil, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        // A transaction begun inside a member would wait for the writer that is running it, for ever.
        guard !Self.runningMember else { throw StoreError.nestedTransaction }
        return try await withoutActuallyEscaping(body) { body in
            let result = Outcome<T>()
            let pending = Pending(contending: contending) { db in result.value = try await body(db) }
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

    /// The next group, in the order queued: up to `maxGroup` members, of at most one hot row (those of another row
    /// wait, in their order, for a later group).
    private func take(_ queue: inout Queue) -> [Pending] {
        var batch: [Pending] = [], left: [Pending] = []
        var row: String?
        for pending in queue.pending {
            if batch.count == maxGroup || (pending.contending != nil && row != nil && pending.contending != row) {
                left.append(pending)
                continue
            }
            row = row ?? pending.contending
            batch.append(pending)
        }
        queue.pending = left
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

    /// Times a member is run before a deadlock that keeps choosing it is its caller's error.
    static let attemptsAtDeadlock = 3

    private func run(_ batch: [Pending], on db: any SQLDatabase, dialect: Dialect, committed: @Sendable () -> Void) async {
        var group: [Pending] = []
        var again: [Pending] = []
        var open = false
        // Run again in a later group, once this one has committed and let go of what it locked.
        defer { if !again.isEmpty { queue.withLock { $0.pending.insert(contentsOf: again, at: 0) } } }
        // A member alone in its transaction needs no savepoint: if it fails, the transaction is rolled back whole. On
        // PostgreSQL that is two round trips fewer for every group of one.
        let marked = batch.lazy.filter { !$0.exclusive }.count > 1
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
                if marked { try await db.raw("SAVEPOINT member").run() }
            } catch {
                // The transaction could not be begun or marked: nothing in it can be trusted; end it for everyone.
                await abandon(&group, and: pending, open: open, error: error, on: db)
                open = false
                continue
            }
            do {
                try await pending.run(on: db)
                if marked { try await db.raw("RELEASE member").run() }
                group.append(pending)
            } catch {
                // A refused member rolls back alone and is answered at once; the rest of the group goes on. One the
                // database picked as a deadlock's victim did nothing wrong: it runs again, in a later group.
                let retry = Dialect.isDeadlockVictim(error) && pending.attempts < Self.attemptsAtDeadlock
                if !retry { pending.fail(error) }
                guard marked else {
                    // Alone in the transaction: rolling it back undoes exactly this member.
                    try? await db.raw("ROLLBACK").run()
                    open = false
                    if retry { again.append(pending) } else { pending.finish() }
                    continue
                }
                do {
                    try await db.raw("ROLLBACK TO member").run()
                    try await db.raw("RELEASE member").run()
                    if retry { again.append(pending) } else { pending.finish() }
                } catch {
                    if retry { pending.fail(error) }
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

/// How busy a store's writer has been: the time it spent running groups, how many groups and transactions it ran.
/// Two readings taken around a load give its share of the load and what one transaction cost it.
public struct WriterStatistics: Sendable, Equatable {
    public var busy: Duration = .zero
    /// Of `busy`, the time the writer's thread ran on a CPU, where that can be known (SQLite); the rest it waited for
    /// a CPU. Nil where groups wait on a database server.
    public var cpu: Duration?
    public var groups = 0
    public var transactions = 0
    /// Writers the figures add up (PostgreSQL's lanes run side by side).
    public var writers = 1

    public init() {}

    mutating func add(group count: Int) {
        groups += 1
        transactions += count
    }

    /// What happened between an earlier reading and this one.
    public func since(_ earlier: WriterStatistics) -> WriterStatistics {
        var delta = WriterStatistics()
        delta.busy = busy - earlier.busy
        if let cpu, let before = earlier.cpu { delta.cpu = cpu - before }
        delta.groups = groups - earlier.groups
        delta.transactions = transactions - earlier.transactions
        delta.writers = writers
        return delta
    }

    /// One line for a benchmark: the writers' share of `elapsed`, the time a transaction took them (and of it on a
    /// CPU, where known), and how many transactions a commit carried.
    public func summary(over elapsed: Duration) -> String {
        let share = elapsed > .zero ? busy / elapsed / Double(writers) : 0
        let perTransaction = { (time: Duration) in transactions > 0 ? time / .microseconds(1) / Double(transactions) : 0 }
        let perCommit = groups > 0 ? Double(transactions) / Double(groups) : 0
        let onCPU = cpu.map { String(format: " (%.0f µs of it on a CPU)", perTransaction($0)) } ?? ""
        return String(format: "writer: busy %.0f%% of the load%@, %.0f µs a transaction%@, %.1f transactions a commit",
                      share * 100, writers > 1 ? " (\(writers) lanes)" : "", perTransaction(busy), onCPU, perCommit)
    }
}
