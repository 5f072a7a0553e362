import ArgumentParser
import ClearwayApp
import ClearwayCore
import ClearwayStore

/// `clearway demo`: load reference data and the demo enterprises, users and tokens.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load reference data and demo parties, users and tokens.")

    @OptionGroup var options: DatabaseOptions

    func run() async throws {
        let clearway = try await options.openMigrated(logger: options.logger())
        do {
            let logins = try await clearway.seedDemo(from: options.dataDirectory)
            try await clearway.seedDemoShipments(from: options.dataDirectory)
            for login in logins { print("\(login.username)\t\(login.password)\t\(login.token)\t\(login.role.rawValue)") }
        } catch {
            await clearway.store.close()
            throw error
        }
        await clearway.store.close()
    }
}
