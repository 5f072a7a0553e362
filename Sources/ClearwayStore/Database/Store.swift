import Logging
import SQLKit

/// The database the platform keeps everything in: an SQLite file by default, PostgreSQL for several nodes.
///
/// Everything above this protocol writes plain SQL through SQLKit; what differs between the two engines is in ``Dialect``.
public protocol Store: Sendable {
    var dialect: Dialect { get }
    /// Runs reads on a connection outside any explicit transaction.
    func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws. Transactions naming the
    /// same `contending` key (a hot row they all lock, such as an office's counter) are run by one writer, where a
    /// group locks that row once, rather than by writers that wait on each other for it.
    func transaction<T: Sendable>(contending key: String?, _ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// Closes every connection; the store must not be used afterwards.
    func close() async
    /// Signalled after every commit on this node and, on PostgreSQL, after events are appended on any node.
    var changes: ChangeSignal { get }
    /// How busy this node's writer has been since the store opened.
    var writerStatistics: WriterStatistics { get }
}

extension Store {
    /// Runs `body` in one transaction that names no hot row.
    public func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await transaction(contending: nil, body)
    }
}

/// Opens the store a `--database` value names: `postgres://…` or `postgresql://…` for PostgreSQL, else an SQLite path.
public func openStore(_ location: String, logger: Logger) async throws -> any Store {
    if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
        return try await PostgresStore(url: location, logger: logger)
    }
    let path = location.hasPrefix("sqlite://") ? String(location.dropFirst("sqlite://".count)) : location
    return try await SQLiteStore(path: path, logger: logger)
}

/// Failures of the store that callers act on.
public enum StoreError: Error, Sendable, Equatable {
    /// Someone appended to the stream since it was read.
    case versionConflict(stream: String, expected: Int, actual: Int)
    /// A row with the same unique key exists.
    case duplicate(String)
    /// The database location could not be understood.
    case badLocation(String)
    /// The store is closing and takes no more transactions.
    case closed
    /// A transaction was begun inside another one's body, where it could only wait for ever.
    case nestedTransaction
}
