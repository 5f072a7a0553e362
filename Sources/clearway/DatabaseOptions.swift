import ArgumentParser
import ClearwayApp
import ClearwayStore
import Foundation
import Logging

/// The options every command that touches data shares.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "SQLite file path, or postgres://user:password@host:port/database (env CLEARWAY_DATABASE).",
            valueName: "path-or-url"))
    var database: String?

    @OptionGroup var reference: DataOption

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error (env CLEARWAY_LOG_LEVEL).")
    var logLevel: String?

    var location: String {
        database ?? ProcessInfo.processInfo.environment["CLEARWAY_DATABASE"] ?? "clearway.sqlite"
    }

    var dataDirectory: URL { reference.directory }

    func logger(_ label: String = "clearway") -> Logger {
        var logger = Logger(label: label)
        let level = logLevel ?? ProcessInfo.processInfo.environment["CLEARWAY_LOG_LEVEL"] ?? "info"
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }

    /// Opens the store and brings its schema and reference data up to date.
    func openMigrated(environment: Clearway.Environment = .init(), logger: Logger) async throws -> Clearway {
        let store = try await openStore(location, logger: logger)
        do {
            let applied = try await Migrations.run(on: store)
            if !applied.isEmpty { logger.info("applied migrations", metadata: ["ids": "\(applied)"]) }
            let clearway = Clearway(store: store, environment: environment, logger: logger)
            let loaded = try await clearway.loadReferenceData(from: dataDirectory)
            if !loaded.isEmpty { logger.info("loaded reference data", metadata: ["sets": "\(loaded)"]) }
            return clearway
        } catch {
            await store.close()
            throw error
        }
    }
}
