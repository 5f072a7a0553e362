import ArgumentParser
import ClearwayApp
import ClearwayCore
import ClearwayStore

/// `clearway audit verify`: recompute every hash chain; exit non-zero naming the first broken link.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the integrity of the event store.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every event stream's SHA-256 chain; exit 0 only when all hold.")

        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let logger = options.logger()
            let store = try await openStore(options.location, logger: logger)
            let result: (events: Int, break: EventChain.Break?)
            do {
                result = try await Clearway(store: store, logger: logger).verifyAudit()
            } catch {
                await store.close()
                throw error
            }
            await store.close()
            if let broken = result.break {
                print("BROKEN: \(broken)")
                throw ExitCode(2)
            }
            print("ok: \(result.events) events, every chain holds")
        }
    }
}
