import Foundation
import Logging
import SQLKit
import SQLiteKit
import SQLiteNIO
import Synchronization

/// One SQLite file in WAL mode: a single writer connection taken in turn, and a few reader connections beside it.
///
/// Writes are group-committed: transactions that queue for the writer while one runs join its SQLite transaction,
/// each in its own savepoint (a failing one rolls back alone), and the last of the group commits for all. No caller
/// returns before the commit that holds its writes, so nothing acknowledged is lost; a failed commit fails them all.
public final class SQLiteStore: Store {
    public let dialect = Dialect.sqlite
    public let path: String
    private let writer: SQLiteHandle
    private let writerDatabase: any SQLDatabase
    private let checkpointer: SQLiteCheckpointer
    /// Idle reader handles. A read takes one (or opens one when none is idle) and gives it back, so reads never wait
    /// for each other, and a read within a read or a transaction cannot wait on itself; at most `idleReaders` are kept.
    private let idle: Mutex<[(handle: SQLiteHandle, database: any SQLDatabase)]>
    private let idleReaders: Int
    private let loop: any EventLoop
    private let writeLock = AsyncMutex()
    /// The open group: whether a transaction is open on the writer, and the members waiting for its commit.
    private let group = Mutex(Group())
    private struct Group {
        var open = false
        var size = 0
        var waiting: [CheckedContinuation<Void, any Error>] = []
    }
    /// Most transactions one commit carries, so the first of a long queue does not wait for all of it.
    private let maxGroup = 64
    private let logger: Logger
    public let changes = ChangeSignal()

    public init(path: String, readers readerCount: Int = 4, logger: Logger) async throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        self.path = url.path
        self.logger = logger
        let writer = try SQLiteHandle(path: url.path, logger: logger)
        // Savepoints journal in memory, not in a temporary file written on every transaction; checkpoints are the
        // checkpointer's, on its own thread, not a commit's that happens to cross the WAL's threshold.
        for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON", "PRAGMA temp_store = MEMORY",
                       "PRAGMA wal_autocheckpoint = 0"] {
            try writer.run(pragma, []) { _ in }
        }
        checkpointer = try SQLiteCheckpointer(path: url.path, logger: logger)
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        self.loop = loop
        idleReaders = readerCount
        self.writer = writer
        writerDatabase = writer.sql(eventLoop: loop)
        idle = Mutex([])
        for _ in 0..<readerCount {
            let reader = try openReader()
            idle.withLock { $0.append(reader) }
        }
    }

    private func openReader() throws -> (handle: SQLiteHandle, database: any SQLDatabase) {
        let reader = try SQLiteHandle(path: path, logger: logger)
        try reader.run("PRAGMA query_only = ON", []) { _ in }
        return (reader, reader.sql(eventLoop: loop))
    }

    public func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let reader = try idle.withLock { $0.popLast() } ?? openReader()
        defer {
            let kept = idle.withLock { readers -> Bool in
                guard readers.count < idleReaders else { return false }
                readers.append(reader)
                return true
            }
            if !kept { reader.handle.close() }
        }
        return try await body(reader.database)
    }

    /// Copies the database into a new file, consistently, on the writer connection between transactions.
    func vacuum(into file: String) async throws {
        await writeLock.lock()
        defer { writeLock.unlock() }
        let db = writerDatabase
        try await commitGroup(db)
        try await db.raw("VACUUM INTO \(bind: file)").run()
    }

    public func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        await writeLock.lock()
        let db = writerDatabase
        let opens = group.withLock { group -> Bool in
            defer { group.size += 1 }
            if group.open { return false }
            group.open = true
            group.size = 0
            return true
        }
        if opens {
            do { try await db.raw("\(unsafeRaw: dialect.beginTransaction)").run() } catch {
                group.withLock { $0 = Group() }
                writeLock.unlock()
                throw error
            }
        }
        let outcome: Result<T, any Error>
        do {
            try await db.raw("SAVEPOINT member").run()
            do {
                let value = try await body(db)
                try await db.raw("RELEASE member").run()
                outcome = .success(value)
            } catch {
                try await db.raw("ROLLBACK TO member").run()
                try await db.raw("RELEASE member").run()
                outcome = .failure(error)
            }
        } catch {
            // The savepoint itself failed: the group's transaction cannot be trusted; end it for everyone.
            let waiting = group.withLock { group in defer { group = Group() }; return group.waiting }
            try? await db.raw("ROLLBACK").run()
            writeLock.unlock()
            for member in waiting { member.resume(throwing: error) }
            throw error
        }
        // Someone is queued for the writer: let them join this transaction and commit for us.
        if writeLock.hasWaiters, group.withLock({ $0.size < maxGroup }) {
            guard case .success = outcome else {
                writeLock.unlock()
                return try outcome.get()
            }
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                group.withLock { $0.waiting.append(continuation) }
                writeLock.unlock()
            }
            return try outcome.get()
        }
        defer { writeLock.unlock() }
        try await commitGroup(db)
        return try outcome.get()
    }

    /// Commits the open group, if any, and tells its waiting members how it went.
    private func commitGroup(_ db: any SQLDatabase) async throws {
        let (open, waiting) = group.withLock { group in defer { group = Group() }; return (group.open, group.waiting) }
        guard open else { return }
        do {
            try await db.raw("COMMIT").run()
        } catch {
            try? await db.raw("ROLLBACK").run()
            for member in waiting { member.resume(throwing: error) }
            throw error
        }
        for member in waiting { member.resume() }
        changes.notify()
    }

    deinit { checkpointer.cancel() }

    public func close() async {
        checkpointer.stop()
        for reader in idle.withLock({ readers in defer { readers.removeAll() }; return readers }) { reader.handle.close() }
        await writeLock.lock()
        try? await commitGroup(writerDatabase)
        writer.close()
        writeLock.unlock()
    }
}

/// Checkpoints the WAL every quarter second on a thread of its own, with its own connection, so no writer waits on
/// the copy and its fsync.
final class SQLiteCheckpointer: Sendable {
    private let running = Atomic<Bool>(true)
    private let done = Mutex<Bool>(false)

    init(path: String, logger: Logger) throws {
        let connection = try SQLiteHandle(path: path, logger: logger)
        let thread = Thread { [self] in
            while running.load(ordering: .relaxed) {
                connection.checkpoint()
                Thread.sleep(forTimeInterval: 0.25)
            }
            connection.checkpoint()
            done.withLock { $0 = true }
        }
        thread.name = "sqlite-checkpoint"
        thread.start()
    }

    /// Stops after one last checkpoint, and waits for it.
    func stop() {
        cancel()
        while !done.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.01) }
    }

    /// Stops at the next turn, without waiting.
    func cancel() { running.store(false, ordering: .relaxed) }
}
