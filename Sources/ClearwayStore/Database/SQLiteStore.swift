import Foundation
import Logging
import SQLKit
import SQLiteKit
import SQLiteNIO
import Synchronization

/// One SQLite file in WAL mode: a single writer connection taken in turn, and a few reader connections beside it.
public final class SQLiteStore: Store {
    public let dialect = Dialect.sqlite
    public let path: String
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writeLock = AsyncMutex()
    private let nextReader = Atomic<Int>(0)
    private let logger: Logger

    public init(path: String, readers readerCount: Int = 4, logger: Logger) async throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        self.path = url.path
        self.logger = logger
        let writer = try await SQLiteConnection.open(storage: .file(path: url.path), logger: logger)
        var readers: [SQLiteConnection] = []
        do {
            for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON"] {
                _ = try await writer.query(pragma)
            }
            for _ in 0..<readerCount {
                let reader = try await SQLiteConnection.open(storage: .file(path: url.path), logger: logger)
                readers.append(reader)
                _ = try await reader.query("PRAGMA query_only = ON")
            }
        } catch {
            for reader in readers { try? await reader.close() }
            try? await writer.close()
            throw error
        }
        self.writer = writer
        self.readers = readers
    }

    public func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let index = nextReader.add(1, ordering: .relaxed).oldValue
        return try await body(readers[index % readers.count].sql(queryLogLevel: .trace))
    }

    /// Copies the database into a new file, consistently, on the writer connection between transactions.
    func vacuum(into file: String) async throws {
        try await writeLock.withLock {
            try await writer.sql(queryLogLevel: .trace).raw("VACUUM INTO \(bind: file)").run()
        }
    }

    public func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await writeLock.withLock {
            let db = writer.sql(queryLogLevel: .trace)
            return try await dialect.inTransaction(db, body)
        }
    }

    public func close() async {
        for reader in readers { try? await reader.close() }
        try? await writeLock.withLock { try await writer.close() }
    }
}
