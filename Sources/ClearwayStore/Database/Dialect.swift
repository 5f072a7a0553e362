import PostgresNIO
import SQLKit
import SQLiteNIO

/// The few places where SQLite and PostgreSQL need different SQL; nothing else in the code may branch on the engine.
public enum Dialect: String, Sendable {
    case sqlite
    case postgres

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
        db.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
    }

    /// The statement that opens a write transaction; SQLite takes its write lock at once so writers never deadlock.
    public var beginTransaction: String {
        switch self {
        case .sqlite: "BEGIN IMMEDIATE"
        case .postgres: "BEGIN"
        }
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
