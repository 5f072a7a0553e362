import Foundation
import Logging
import PostgresKit
import PostgresNIO
import SQLKit
import Synchronization

/// A PostgreSQL database shared by any number of stateless nodes, through PostgresNIO's connection pool.
public final class PostgresStore: Store {
    public let dialect = Dialect.postgres
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let listener: Task<Void, Never>
    /// Writer lanes: each groups the transactions it is given on one pooled connection at a time.
    private let writers: [GroupCommitWriter]
    private let nextLane = Atomic<Int>(0)
    public let changes = ChangeSignal()
    /// Each writer lane's figures, in lane order.
    public var laneStatistics: [WriterStatistics] { writers.map(\.statistics) }

    public var writerStatistics: WriterStatistics {
        var total = WriterStatistics()
        for lane in laneStatistics {
            total.busy += lane.busy
            total.groups += lane.groups
            total.transactions += lane.transactions
        }
        total.writers = writers.count
        return total
    }
    /// The channel every node listens on; events appended anywhere notify it when their transaction commits.
    static let channel = "clearway_events"

    /// - Parameter writerLanes: transactions are spread over this many group-committing writers, each on one pooled
    ///   connection at a time, so unrelated writes run side by side while each lane still commits in groups.
    public init(url: String, maximumConnections: Int = 20, writerLanes: Int = 4, logger: Logger) async throws {
        guard let components = URLComponents(string: url), let host = components.host, let user = components.user
        else { throw StoreError.badLocation("'\(url)' is not a postgres://user:password@host:port/database URL") }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.isEmpty ? nil : database,
            tls: sslMode == "require" ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.maximumConnections = maximumConnections
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        // The pool only hands out connections while run() is going; the store owns that task.
        runner = Task { await client.run() }
        let changes = self.changes
        writers = (0..<max(1, min(writerLanes, maximumConnections - 1))).map { _ in
            GroupCommitWriter(
                dialect: .postgres,
                connection: { work in try await client.withConnection { connection in await work(connection.sql(queryLogLevel: .trace)) } },
                committed: { changes.notify() })
        }
        // One connection of the pool listens for the whole life of the store, reconnecting after a failure.
        // A store of one connection (administration) does not listen: the listener would hold its only connection.
        let listens = maximumConnections > 1
        listener = Task {
            while listens && !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        // Followers also look every few seconds, so nothing missed while reconnecting stays unseen.
                        try await connection.listen(on: Self.channel) { notifications in
                            for try await _ in notifications { changes.notify() }
                        }
                    }
                } catch {
                    if Task.isCancelled { break }
                    logger.warning("listening for event notifications failed, retrying: \(error)")
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
        do {
            _ = try await read { db in try await db.raw("SELECT 1 AS one").first() }
        } catch {
            for writer in writers { writer.cancel() }
            listener.cancel()
            runner.cancel()
            throw error
        }
    }

    /// A read nested in another read uses the enclosing read's connection: reads that each held a connection while
    /// waiting for another could otherwise take the whole pool and wait on each other for ever.
    public func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        if let enclosing = Self.enclosingRead, let db = enclosing.database { return try await body(db) }
        return try await client.withConnection { connection in
            let lease = ReadLease(connection.sql(queryLogLevel: .trace))
            defer { lease.end() }
            return try await Self.$enclosingRead.withValue(lease) { try await body(lease.database!) }
        }
    }

    /// The read the current task is inside, if any (a task it started may outlive the read; the lease says so).
    @TaskLocal private static var enclosingRead: ReadLease?

    /// Group-committed: the node's transactions are dealt in turn to its writer lanes, each running its share in
    /// groups (see `GroupCommitWriter`), except that those contending for one hot row all go to the lane that key
    /// picks, so its groups lock the row once for all their members; reads use the rest of the pool.
    public func transaction<T: Sendable>(contending key: String?, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let lane = key.map { Int(Self.lane(of: $0) % UInt64(writers.count)) }
            ?? nextLane.add(1, ordering: .relaxed).oldValue % writers.count
        return try await writers[lane].transaction(contending: key, body)
    }

    /// FNV-1a of the key: the same lane for the same key on every run and node.
    static func lane(of key: String) -> UInt64 {
        key.utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    public func close() async {
        for writer in writers { await writer.close() }
        listener.cancel()
        runner.cancel()
        _ = await runner.value
    }
}

/// A pooled connection lent to one read and the reads nested in it, until the read ends.
private final class ReadLease: Sendable {
    private let lent: Mutex<(any SQLDatabase)?>

    init(_ database: any SQLDatabase) { lent = Mutex(database) }

    var database: (any SQLDatabase)? { lent.withLock { $0 } }

    func end() { lent.withLock { $0 = nil } }
}
