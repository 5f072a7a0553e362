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
        let (changes, database) = (changes, writerDatabase)
        queue = GroupCommitWriter(dialect: dialect, connection: { work in await work(database) }, committed: { changes.notify() })
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
