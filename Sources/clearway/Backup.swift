import ArgumentParser
import ClearwayApp
import ClearwayCore
import ClearwayStore
import Foundation

/// `clearway backup`: a consistent copy of the database while it runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back the database up to a file: SQLite online copy (VACUUM INTO) or PostgreSQL pg_dump (custom format).")

    @OptionGroup var options: DatabaseOptions

    @Option(name: .long, help: "The backup file to write; it must not exist.")
    var out: String

    func run() async throws {
        do { try await Backup.save(options.location, to: out, logger: options.logger()) } catch let failure as Backup.Failure {
            throw ValidationError(failure.description)
        }
        print("backed up \(options.location) to \(out)")
    }
}

/// `clearway restore`: put a backup in place, then prove it by recomputing every hash chain.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into the database (stop the servers first), then verify the audit chains; exit 2 if broken.")

    @OptionGroup var options: DatabaseOptions

    @Option(name: .long, help: "The backup file.")
    var from: String

    @Flag(name: .long, help: "Replace an existing SQLite file.")
    var force = false

    func run() async throws {
        do { try Backup.restore(from: from, to: options.location, force: force) } catch let failure as Backup.Failure {
            throw ValidationError(failure.description)
        }
        let logger = options.logger()
        let store = try await openStore(options.location, logger: logger)
        let result: (events: Int, break: EventChain.Break?)
        do { result = try await Clearway(store: store, logger: logger).verifyAudit() } catch {
            await store.close()
            throw error
        }
        await store.close()
        if let broken = result.break {
            print("restored, but BROKEN: \(broken)")
            throw ExitCode(2)
        }
        print("restored \(from) into \(options.location): \(result.events) events, every chain holds")
    }
}
