import Foundation
import Logging
import PostgresKit
import PostgresNIO
import SQLKit

/// A PostgreSQL database shared by any number of stateless nodes, through PostgresNIO's connection pool.
public final class PostgresStore: Store {
    public let dialect = Dialect.postgres
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let listener: Task<Void, Never>
    public let changes = ChangeSignal()
    /// The channel every node listens on; events appended anywhere notify it when their transaction commits.
    static let channel = "clearway_events"

    public init(url: String, maximumConnections: Int = 20, logger: Logger) async throws {
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
        // One connection of the pool listens for the whole life of the store, reconnecting after a failure.
        let changes = self.changes
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
            listener.cancel()
            runner.cancel()
            throw error
        }
    }

    public func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in try await body(connection.sql(queryLogLevel: .trace)) }
    }

    public func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            let db = connection.sql(queryLogLevel: .trace)
            let result = try await dialect.inTransaction(db, body)
            changes.notify()
            return result
        }
    }

    public func close() async {
        listener.cancel()
        runner.cancel()
        _ = await runner.value
    }
}
