import PostgresNIO
import SQLKit
import SQLiteNIO

/// The few places where SQLite and PostgreSQL need different SQL; nothing else in the code may branch on the engine.
public enum Dialect: String, Sendable {
    case sqlite
    case postgres

    /// The engine a connection speaks.
    init(of db: any SQLDatabase) { self = db.dialect.name == "postgresql" ? .postgres : .sqlite }

    /// Column definition of an ever-increasing 64-bit row position.
    public var autoIncrementPrimaryKey: String {
        switch self {
        case .sqlite: "INTEGER PRIMARY KEY AUTOINCREMENT"
        case .postgres: "BIGSERIAL PRIMARY KEY"
        }
    }

    /// Column type for raw bytes.
    public var binaryType: String {
        switch self {
        case .sqlite: "BLOB"
        case .postgres: "BYTEA"
        }
    }

    /// The clause that makes a worker's `SELECT` skip rows another node's worker holds: PostgreSQL only (SQLite has one
    /// writer, so nothing is ever held by another).
    static func skipLocked(_ db: any SQLDatabase) -> SQLQueryString {
        Dialect(of: db) == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
    }

    /// An events insert (`INSERT INTO events … RETURNING position, version`) made into one statement that also queues
    /// each event in the outbox, in position order, and notifies the nodes listening on `PostgresStore.channel` when the
    /// transaction commits (and not at all if it rolls back): PostgreSQL, where each statement is a round trip made
    /// while the transaction holds its locks. Nil on SQLite, which has no such statement and no trip to save: there the
    /// outbox rows are a statement of their own and nothing listens.
    static func appendingWithOutbox(_ insert: SQLQueryString, on db: any SQLDatabase) -> SQLQueryString? {
        guard Dialect(of: db) == .postgres else { return nil }
        var statement = SQLQueryString("WITH appended AS (")
        statement += insert
        statement.appendLiteral("""
            , stream_id, stream_type, name, occurred_at),
            queued AS (INSERT INTO outbox (event_position, stream_id, topic, created_at)
                SELECT position, stream_id, stream_type || '.' || name, occurred_at FROM appended ORDER BY position)
            SELECT position, version FROM appended CROSS JOIN (SELECT pg_notify('\(PostgresStore.channel)', '')) AS notice
            """)
        return statement
    }

    /// The statement that opens a write transaction; SQLite takes its write lock at once so writers never deadlock.
    public var beginTransaction: String {
        switch self {
        case .sqlite: "BEGIN IMMEDIATE"
        case .postgres: "BEGIN"
        }
    }

    /// True when PostgreSQL ended the statement to break a deadlock (or a serialization conflict): the work did nothing
    /// wrong and may simply be run again.
    public static func isDeadlockVictim(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }

    /// True when `error` is a unique or primary-key violation.
    public static func isUniqueViolation(_ error: any Error) -> Bool {
        if let failure = error as? SQLiteFailure { return failure.isUniqueViolation }
        if let error = error as? SQLiteError {
            switch error.reason {
            case .constraintUniqueFailed, .constraintPrimaryKeyFailed, .constraintUniqueRowIDFailed: return true
            case .constraint: return error.message.contains("UNIQUE")
            default: return false
            }
        }
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] == "23505" }
        return false
    }
}
