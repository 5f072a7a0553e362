import Foundation
import Logging
import SQLKit
import SQLiteKit
import SQLiteNIO
import Synchronization

/// One SQLite file in WAL mode: a single writer connection taken in turn, and a few reader connections beside it.
///
/// Writes are group-committed by a `GroupCommitWriter` on the one writer connection.
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
    private let queue: GroupCommitWriter
    private let logger: Logger
    public let changes = ChangeSignal()
    public var writerStatistics: WriterStatistics { queue.statistics }
    /// What the last checkpoint found: how long the write-ahead log is and how much of it is in the database file.
    public var lastCheckpoint: SQLiteCheckpoint { checkpointer.last }

    /// - Parameter logLimit: frames (of one page each) the write-ahead log may hold before the writer stops between two
    ///   groups to empty it. Passive checkpoints never catch up with a writer that never
    ///   pauses, and without this the log grew by 75 MB a second under `bench intake`.
    public init(path: String, readers readerCount: Int = 4, logLimit: Int = 8_192, logger: Logger) async throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        self.path = url.path
        self.logger = logger
        let writer = try SQLiteHandle(path: url.path, logger: logger)
        // Savepoints journal in memory, not in a temporary file written on every transaction; checkpoints are the
        // checkpointer's, on its own thread, not a commit's that happens to cross the WAL's threshold.
        // An emptied log is cut back to the size it may reach, so a burst does not leave it large for ever.
        for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON", "PRAGMA temp_store = MEMORY",
                       "PRAGMA wal_autocheckpoint = 0", "PRAGMA journal_size_limit = \(logLimit * SQLiteCheckpoint.frameBytes)"] {
            try writer.run(pragma, []) { _ in }
        }
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        self.loop = loop
        idleReaders = readerCount
        self.writer = writer
        writerDatabase = writer.sql(eventLoop: loop)
        let (changes, database) = (changes, writerDatabase)
        let queue = GroupCommitWriter(
            dialect: dialect, timesCPU: true, connection: { work in await work(database) }, committed: { changes.notify() })
        self.queue = queue
        // The writer empties the log itself, between two groups: it need not wait for a lock nor sleep in SQLite's
        // busy handler, and the frames left to copy are only those since the last passive checkpoint.
        checkpointer = try SQLiteCheckpointer(path: url.path, logLimit: logLimit, logger: logger) {
            let outcome = Mutex<SQLiteCheckpoint?>(nil)
            let finished = DispatchSemaphore(value: 0)
            Task {
                try? await queue.exclusive { _ in
                    let checkpoint = writer.checkpoint(restart: true)
                    outcome.withLock { $0 = checkpoint }
                }
                finished.signal()
            }
            finished.wait()
            return outcome.withLock { $0 }
        }
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
        try await queue.exclusive { db in try await db.raw("VACUUM INTO \(bind: file)").run() }
    }

    /// One writer for everything: every transaction is in the same queue whatever it contends for.
    public func transaction<T: Sendable>(contending key: String?, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await queue.transaction(body)
    }

    deinit {
        checkpointer.cancel()
        queue.cancel()
    }

    public func close() async {
        checkpointer.stop()
        for reader in idle.withLock({ readers in defer { readers.removeAll() }; return readers }) { reader.handle.close() }
        await queue.close()
        writer.close()
    }
}


/// Checkpoints the WAL every quarter second on a thread of its own, with its own connection, so no writer waits on
/// the copy and its fsync; when the log has passed its limit, the writer then empties it.
final class SQLiteCheckpointer: Sendable {
    private let running = Atomic<Bool>(true)
    private let done = Mutex<Bool>(false)
    private let result = Mutex(SQLiteCheckpoint())

    var last: SQLiteCheckpoint { result.withLock { $0 } }

    /// - Parameter restart: empties the log on the writer's connection and returns what that checkpoint did, or nil
    ///   when the writer has closed.
    init(path: String, logLimit: Int, logger: Logger, restart: @escaping @Sendable () -> SQLiteCheckpoint?) throws {
        let connection = try SQLiteHandle(path: path, logger: logger)
        // A connection learns that the file is in WAL mode when it first reads it; until then its checkpoints do
        // nothing at all.
        try connection.run("SELECT count(*) FROM sqlite_schema", []) { _ in }
        let thread = Thread { [self] in
            while running.load(ordering: .relaxed) {
                var checkpoint = connection.checkpoint()
                if checkpoint.frames >= logLimit {
                    // The writer stops while it empties the log, for as long as it takes to copy what is not yet in
                    // the file (with two fsyncs). A pass copies what the writer added during the pass before it, a
                    // few hundred frames, then tens: the writer is left a small tail, and stops 2-6 ms rather than 6-12.
                    for _ in 0..<Self.catchUpPasses {
                        let before = checkpoint.frames
                        checkpoint = connection.checkpoint()
                        if checkpoint.frames - before < Self.smallTail { break }
                    }
                    if var restarted = restart() {
                        restarted.tail = max(0, restarted.frames - checkpoint.frames)
                        checkpoint = restarted
                    }
                }
                result.withLock {
                    checkpoint.turn = $0.turn + 1
                    checkpoint.restarts = $0.restarts + (checkpoint.restarted ? 1 : 0)
                    checkpoint.longest = max($0.longest, checkpoint.frames)
                    checkpoint.longestTail = max($0.longestTail, checkpoint.tail)
                    $0 = checkpoint
                }
                Thread.sleep(forTimeInterval: 0.25)
            }
            connection.checkpoint()
            done.withLock { $0 = true }
        }
        thread.name = "sqlite-checkpoint"
        thread.start()
    }

    /// Passes that copy what the writer added during the one before, at most, before the writer empties the log.
    static let catchUpPasses = 3
    /// Frames few enough for the writer to copy itself.
    static let smallTail = 64

    /// Stops after one last checkpoint, and waits for it.
    func stop() {
        cancel()
        while !done.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.01) }
    }

    /// Stops at the next turn, without waiting.
    func cancel() { running.store(false, ordering: .relaxed) }
}
