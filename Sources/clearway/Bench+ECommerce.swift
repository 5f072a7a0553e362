import ArgumentParser
import ClearwayApp
import ClearwayCore
import ClearwayInterop
import ClearwayStore
import Foundation
import Logging
import Synchronization

extension Bench {
    /// A Singles'-Day burst of cross-border parcels through the whole import path, against the bare XML parse rate.
    struct ECommerce: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ecommerce",
            abstract: "Complete parcels per second (order, payment, waybill, list: schema, matching, limits, tax, release) against the bare XML parse rate, same run.")

        @Option(help: "Parcels in the burst (four messages each).")
        var parcels: Int = 4000

        @Option(help: "Parcels sent at once.")
        var concurrency: Int = 8

        @Option(help: "Database (default: a new SQLite file in the temporary folder, removed after).")
        var database: String?

        @OptionGroup var reference: DataOption

        func validate() throws {
            guard (10...1_000_000).contains(parcels) else { throw ValidationError("--parcels is between 10 and 1000000") }
            guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency is between 1 and 256") }
        }

        func run() async throws {
            let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-bench-\(UUID().uuidString).sqlite").path
            let location = database ?? temporary
            defer { if database == nil { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary + suffix) } } }
            var logger = Logger(label: "bench")
            logger.logLevel = .warning
            let store = try await openStore(location, logger: logger)
            try await Migrations.run(on: store)
            let clearway = Clearway(store: store, logger: logger)
            let directory = reference.directory
            try await clearway.loadReferenceData(from: directory)
            _ = try await clearway.seedDemo(from: directory)
            var senders: [Principal] = []
            for user in ["platform", "payment", "logistics", "broker"] {
                guard let found = try await clearway.authenticate(token: "demo-token-\(user)") else { throw ValidationError("no demo user \(user)") }
                senders.append(found.principal)
            }
            let principals = senders
            let rules = try await clearway.crossBorderRules()
            let generator = CEBGenerator(seed: 1111, buyers: max(1, parcels / 2))
            let now = Date()
            // The platform raises its bank guarantee before the burst, as platforms do before Singles' Day: the demo's
            // 500,000 CNY holds the tax of about 2,000 parcels, after which every list would wait for review instead
            // of taking the release path the benchmark measures.
            guard let admin = try await clearway.authenticate(token: "demo-token-admin")?.principal else { throw ValidationError("no demo user admin") }
            _ = try await clearway.setTaxGuarantee(
                GuaranteeForm(assureCode: generator.ebpCode, bank: "Bank of Shanghai (demo)", amountFen: Int64(parcels) * 100_000,
                              validUntil: now.addingTimeInterval(86_400 * 30)), by: admin)
            print("generating \(parcels) parcels (\(parcels * 4) CEB messages)…")
            let burst = (0..<parcels).map { generator.parcel($0, rules: rules, at: now).all }
            let bytes = burst.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }

            // The floor: parsing the same messages into trees and nothing else, on every core as the intake uses them.
            let parseStart = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                let lanes = ProcessInfo.processInfo.activeProcessorCount
                for lane in 0..<lanes {
                    group.addTask {
                        for index in stride(from: lane, to: burst.count, by: lanes) {
                            for message in burst[index] { _ = try XMLTree.parse(message) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let parseSeconds = (ContinuousClock.now - parseStart).seconds
            let parseRate = Double(parcels * 4) / parseSeconds

            let bar = ProgressBar(total: parcels, label: "parcels")
            let writerBefore = store.writerStatistics
            let start = ContinuousClock.now, cpuBefore = ProcessCPU.used()
            let done = SharedCount()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<concurrency {
                    group.addTask {
                        for index in stride(from: lane, to: burst.count, by: concurrency) {
                            for (message, principal) in zip(burst[index], principals) {
                                let answer = try await clearway.receiveCEB(message, by: principal)
                                if answer.refused > 0 {
                                    throw ValidationError("parcel \(index) refused: \(String(decoding: answer.receipt, as: UTF8.self).prefix(400))")
                                }
                            }
                            bar.update(done.increment())
                        }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - start, cpu = ProcessCPU.used() - cpuBefore
            let seconds = elapsed.seconds
            let writer = store.writerStatistics.since(writerBefore).summary(over: elapsed)
            let log = (store as? SQLiteStore)?.lastCheckpoint.summary
            bar.finish()
            let counts = try await clearway.parcelCounts()
            await store.close()
            let decided = (counts["released"] ?? 0) + (counts["inspection"] ?? 0) + (counts["manual-review"] ?? 0) + (counts["rejected"] ?? 0)
            print("statuses: " + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            print(String(format: "messages: %d (%.1f MB), %d parcels decided", parcels * 4, Double(bytes) / 1e6, decided))
            print(writer)
            if let log { print(log) }
            print(ProcessCPU.summary(cpu, over: elapsed, units: parcels * 4, unit: "message"))
            print(String(format: "xml parse (floor): %.0f messages/s", parseRate))
            print(String(format: "intake: %.0f messages/s", Double(parcels * 4) / seconds))
            print(String(format: "parcels: %.0f parcels/s", Double(decided) / seconds))
            print(String(format: "ratio: %.3f", Double(parcels * 4) / seconds / parseRate))
        }
    }
}

/// A count the concurrent senders share, for progress.
final class SharedCount: Sendable {
    private let value = Mutex(0)
    func increment() -> Int { value.withLock { $0 += 1; return $0 } }
}

extension Duration {
    /// The duration in seconds, for rates.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
