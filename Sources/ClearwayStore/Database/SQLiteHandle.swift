import Foundation
import Logging
import SQLKit
import SQLiteKit
import SQLiteNIO
import Synchronization
import VaporCSQLite

/// One SQLite connection whose statements run on the calling thread, prepared once and kept, so a transaction or a
/// read costs its SQLite work and no thread hand-off per statement (the profile of `bench intake` showed the writer
/// waiting on those hand-offs most of the time). One task uses a handle at a time: `SQLiteStore` hands the writer out
/// under its write lock and each reader under a lock of its own. A statement blocks its thread only for SQLite's own
/// work, which in WAL mode with `synchronous = NORMAL` does not wait for the disk (checkpoints run on their own thread).
final class SQLiteHandle: @unchecked Sendable {
    private var handle: OpaquePointer?
    /// Prepared statements by SQL text; bounded so generated SQL cannot grow it without end.
    private var statements: [String: OpaquePointer] = [:]
    private let maxStatements = 512
    let logger: Logger

    init(path: String, logger: Logger) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let opened = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard opened == SQLITE_OK, let handle else {
            if let handle { sqlite_nio_sqlite3_close(handle) }
            throw SQLiteFailure(code: opened, message: "cannot open \(path)")
        }
        self.handle = handle
        self.logger = logger
        // Another process (an import beside a server) may hold the write lock for a moment.
        sqlite_nio_sqlite3_busy_timeout(handle, Self.lockPatience)
    }

    /// Milliseconds a statement waits for a lock another connection holds.
    static let lockPatience: Int32 = 10_000

    deinit { close() }

    /// Finalizes the statements and closes the connection; later statements fail.
    func close() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements.removeAll()
        if let handle { sqlite_nio_sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Copies the WAL's committed pages into the database file. PASSIVE never waits for or blocks the writer; RESTART
    /// waits for it, holds it off until every frame is copied and the readers are off the log, so the next commit
    /// writes from the start of the log again. Returns the frames in the log and how many are in the database file.
    @discardableResult
    func checkpoint(restart: Bool = false) -> SQLiteCheckpoint {
        guard let handle else { return SQLiteCheckpoint() }
        if restart {
            // Readers get a moment to leave the log, not the ten seconds a writer waits for a lock: a long report
            // must not stop every write. Not emptied now, the log is emptied at a later turn.
            sqlite_nio_sqlite3_busy_timeout(handle, 50)
        }
        defer { if restart { sqlite_nio_sqlite3_busy_timeout(handle, Self.lockPatience) } }
        var frames: Int32 = 0, copied: Int32 = 0
        let code = sqlite_nio_sqlite3_wal_checkpoint_v2(
            handle, nil, restart ? SQLITE_CHECKPOINT_RESTART : SQLITE_CHECKPOINT_PASSIVE, &frames, &copied)
        return SQLiteCheckpoint(frames: Int(frames), copied: Int(copied), restarted: restart && code == SQLITE_OK)
    }

    /// The SQLKit face of this connection.
    func sql(eventLoop: any EventLoop) -> any SQLDatabase { SQLiteHandleDatabase(handle: self, eventLoop: eventLoop) }

    private func failure(_ code: Int32) -> SQLiteFailure {
        SQLiteFailure(code: code, message: handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "the connection is closed")
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        guard let handle else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "the connection is closed") }
        var statement: OpaquePointer?
        let code = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw failure(code) }
        if statements.count >= maxStatements {
            for kept in statements.values { sqlite_nio_sqlite3_finalize(kept) }
            statements.removeAll(keepingCapacity: true)
        }
        statements[sql] = statement
        return statement
    }

    /// Runs one statement with its bound values, handing each row to `onRow`.
    func run(_ sql: String, _ binds: [SQLiteData], _ onRow: (SQLiteHandleRow) -> Void) throws {
        let statement = try prepared(sql)
        // Bindings are not cleared: every run binds every parameter again, and clearing would mark statements whose
        // plan looked at a bound value for re-preparation on every run.
        defer { sqlite_nio_sqlite3_reset(statement) }
        for (offset, bind) in binds.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch bind {
            case .integer(let value): code = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(value))
            case .float(let value): code = sqlite_nio_sqlite3_bind_double(statement, index, value)
            case .text(let value):
                code = sqlite_nio_sqlite3_bind_text64(statement, index, value, UInt64(value.utf8.count), SQLITE_TRANSIENT, UInt8(SQLITE_UTF8))
            case .blob(let value):
                code = value.withUnsafeReadableBytes {
                    sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), SQLITE_TRANSIENT)
                }
            case .null: code = sqlite_nio_sqlite3_bind_null(statement, index)
            }
            guard code == SQLITE_OK else { throw failure(code) }
        }
        var names: [String]?
        while true {
            let code = sqlite_nio_sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw failure(code) }
            let count = sqlite_nio_sqlite3_column_count(statement)
            if names == nil {
                names = (0..<count).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) }
            }
            var values: [SQLiteData] = []
            values.reserveCapacity(Int(count))
            for column in 0..<count {
                switch sqlite_nio_sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: values.append(.integer(Int(sqlite_nio_sqlite3_column_int64(statement, column))))
                case SQLITE_FLOAT: values.append(.float(sqlite_nio_sqlite3_column_double(statement, column)))
                case SQLITE_TEXT:
                    let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                    let text = sqlite_nio_sqlite3_column_text(statement, column).map {
                        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                    }
                    values.append(.text(text ?? ""))
                case SQLITE_BLOB:
                    let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                    var buffer = ByteBuffer()
                    if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                        buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: length))
                    }
                    values.append(.blob(buffer))
                default: values.append(.null)
                }
            }
            onRow(SQLiteHandleRow(names: names ?? [], values: values))
        }
    }
}

/// What a checkpoint found and did.
public struct SQLiteCheckpoint: Sendable, Equatable {
    /// Frames in the write-ahead log.
    public var frames = 0
    /// Of those, the frames now copied into the database file.
    public var copied = 0
    /// True when the log was emptied, so the next commit writes from its start.
    public var restarted = false
    /// Which of the store's checkpoints this was, from 1.
    public var turn = 0
    /// How many of the store's checkpoints so far emptied the log.
    public var restarts = 0
    /// The most frames any of the store's checkpoints so far found in the log.
    public var longest = 0
    /// Frames the writer copied itself when it emptied the log (the rest were copied beside it): what it stopped for.
    public var tail = 0
    /// The most frames the writer so far copied itself to empty the log.
    public var longestTail = 0

    /// Bytes a frame takes in the log: a 4 KB page and a 24-byte header.
    public static let frameBytes = 4_096 + 24

    /// One line for a benchmark's report: how long the log grew and how often it was emptied.
    public var summary: String {
        "log: at most \(longest) pages (\(longest * Self.frameBytes / 1_048_576) MB), emptied \(restarts) times, the writer copying at most \(longestTail) pages itself"
    }
}

/// An SQLite error from a handle, with SQLite's extended result code.
public struct SQLiteFailure: Error, Sendable, CustomStringConvertible {
    public var code: Int32
    public var message: String
    public var description: String { "SQLite error \(code): \(message)" }
    /// A UNIQUE or PRIMARY KEY constraint refused the row.
    public var isUniqueViolation: Bool {
        // SQLITE_CONSTRAINT_PRIMARYKEY, _UNIQUE, _ROWID
        [1555, 2067, 2579].contains(code) || (code & 0xFF == SQLITE_CONSTRAINT && message.contains("UNIQUE"))
    }
}

/// A row read through a handle.
struct SQLiteHandleRow: SQLRow, Sendable {
    let names: [String]
    let values: [SQLiteData]
    static let decoder = SQLiteDataDecoder()

    var allColumns: [String] { names }
    func contains(column: String) -> Bool { names.contains(column) }
    private func value(_ column: String) -> SQLiteData? { names.firstIndex(of: column).map { values[$0] } }
    func decodeNil(column: String) throws -> Bool { (value(column) ?? .null) == .null }
    func decode<D: Decodable>(column: String, as: D.Type) throws -> D {
        guard let data = value(column) else {
            throw DecodingError.keyNotFound(SQLiteColumnKey(column), .init(codingPath: [], debugDescription: "no column \(column)"))
        }
        // The common cases read directly, as SQLiteNIO would convert them; SQLiteKit's decoder finds that conversion
        // by a protocol cast, a conformance lookup per value.
        switch data {
        case .text(let text) where D.self == String.self: return text as! D
        case .integer(let number) where D.self == Int.self: return number as! D
        case .integer(let number) where D.self == Int64.self: return Int64(number) as! D
        default: return try Self.decoder.decode(D.self, from: data)
        }
    }
}

private struct SQLiteColumnKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// `SQLDatabase` over a handle: SQLKit's builders and raw queries, run at once on the calling thread.
struct SQLiteHandleDatabase: SQLDatabase {
    let handle: SQLiteHandle
    let eventLoop: any EventLoop
    static let encoder = SQLiteDataEncoder()

    var logger: Logger { handle.logger }
    var version: (any SQLDatabaseReportedVersion)? { nil }
    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { .trace }

    /// A bound value as SQLite takes it. Text and integers, nearly every value bound, are converted directly, as
    /// SQLiteNIO would (an optional holding one casts to it too); SQLiteKit's encoder, which takes the rest, finds
    /// that conversion by a protocol cast, a conformance lookup for every value.
    static func data(_ value: any Encodable & Sendable) throws -> SQLiteData {
        switch value {
        case let text as String: .text(text)
        case let number as Int: .integer(number)
        case let number as Int64: .integer(Int(number))
        default: try encoder.encode(value)
        }
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> Void) throws {
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        let binds = try serializer.binds.map(Self.data)
        try handle.run(serializer.sql, binds) { onRow($0) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededFuture(())
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try run(query, onRow)
    }
}

/// SQLite copies bound text and blobs before the bind call returns.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
