import ArgumentParser
import ClearwayServer
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `clearway bank-simulator`: the local bank that takes tax-bill payment orders and calls back, signed.
struct BankSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bank-simulator",
        abstract: "Run a simulated bank gateway: POST /payments takes a signed tax-bill payment order and calls the platform back, signed.")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 9090

    @Option(help: "The secret shared with the platform (env CLEARWAY_BANK_SECRET).")
    var secret: String?

    @Option(help: "Seconds before the bank calls back.")
    var settleAfter: Double = 1

    @Option(help: "Guarantor codes whose payments the bank refuses (comma-separated).")
    var refuse: String = ""

    func run() async throws {
        let logger = Logger(label: "bank")
        let settings = BankSimulator.Settings(
            secret: secret ?? ProcessInfo.processInfo.environment["CLEARWAY_BANK_SECRET"] ?? "demo-bank-secret",
            settleAfter: settleAfter, refuse: Set(refuse.split(separator: ",").map(String.init)))
        let app = BankSimulator.application(settings, host: host, port: port, logger: logger) { port in
            FileHandle.standardOutput.write(Data("Simulated bank gateway at http://\(host):\(port)/payments\n".utf8))
        }
        try await ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
    }
}
