import ArgumentParser
import ClearwayApp
import ClearwayCore
import ClearwayStore

/// `clearway migrate`: bring the schema and reference data up to date, then exit.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply database migrations and load reference data.")

    @OptionGroup var options: DatabaseOptions

    func run() async throws {
        let clearway = try await options.openMigrated(logger: options.logger())
        await clearway.store.close()
        print("database \(options.location) is up to date")
    }
}
