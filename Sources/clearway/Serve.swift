import ArgumentParser
import ClearwayApp
import ClearwayCore
import ClearwayStore
import ClearwayServer
import ClearwaySim
import Foundation
import Logging
import Metrics
import Prometheus
import Synchronization
import ServiceLifecycle
import UnixSignals

/// `clearway serve`: the HTTP API and pages, with graceful shutdown on SIGTERM and SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the platform's HTTP server.")

    @OptionGroup var options: DatabaseOptions

    @Option(name: .long, help: "Address to listen on (env CLEARWAY_HOST).")
    var host: String?

    @Option(name: .long, help: "Port to listen on; 0 picks a free one (env CLEARWAY_PORT).")
    var port: Int?

    @Option(name: .long, help: "Largest request body in bytes (env CLEARWAY_MAX_BODY).")
    var maxBody: Int?

    @Option(name: .long, help: "Requests a minute each bearer token may make on this node, 0 for no limit (env CLEARWAY_RATE_LIMIT; default 3000).")
    var rateLimit: Int?

    @Option(name: .long, help: "Days the answer to a request with an Idempotency-Key (or a feed's event id) is kept for its retries (env CLEARWAY_IDEMPOTENCY_DAYS; default 30).")
    var idempotencyDays: Int?

    @Option(name: .long, help: "bcrypt cost for new passwords (env CLEARWAY_BCRYPT_COST).")
    var bcryptCost: UInt8?

    @Flag(name: .long, help: "Load the demo enterprises and users and print their logins.")
    var demo = false

    @Option(name: .long, help: "A risk model from `clearway risk train` to score lodgements with (env CLEARWAY_RISK_MODEL).")
    var riskModel: String?

    @Option(name: .long, help: "The bank gateway tax bills are paid through (env CLEARWAY_BANK_GATEWAY); with --demo and none given, a simulated bank is started beside the server.")
    var bankGateway: String?

    @Flag(name: .long, help: "Refuse (CEB900) CEB messages whose signature digest does not match their content, instead of noting it on the receipt (env CLEARWAY_REFUSE_BAD_CEB_DIGESTS=1).")
    var refuseBadCebDigests = false

    @Flag(name: .long, help: "With --demo: replay a simulated day of the port (Scenarios/pickup-ship-side.json) against the running server.")
    var live = false

    @Option(name: .long, help: "With --live: simulated seconds per real second (60 plays an hour a minute).")
    var speed: Double = 60

    @Option(name: .long, help: "With --live: e-commerce parcels in the simulated day.")
    var liveParcels: Int = 400

    func validate() throws {
        if live, !demo { throw ValidationError("--live replays a day of demo traffic: use it with --demo") }
        guard speed > 0, speed <= 100_000 else { throw ValidationError("--speed is above 0 and at most 100000") }
        guard (0...100_000).contains(liveParcels) else { throw ValidationError("--live-parcels is between 0 and 100000") }
    }

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let logger = options.logger()
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let cost = bcryptCost ?? env["CLEARWAY_BCRYPT_COST"].flatMap(UInt8.init) ?? 12
        var environment = Clearway.Environment(
            bcryptCost: cost, issuerKey: env["CLEARWAY_ISSUER_KEY"],
            publicURL: env["CLEARWAY_PUBLIC_URL"] ?? "http://\(host ?? env["CLEARWAY_HOST"] ?? "127.0.0.1"):\(port ?? env["CLEARWAY_PORT"].flatMap(Int.init) ?? 8080)")
        if let path = riskModel ?? env["CLEARWAY_RISK_MODEL"] { environment.riskModel = try loadRiskModel(path) }
        environment.refuseBadCEBDigests = refuseBadCebDigests || env["CLEARWAY_REFUSE_BAD_CEB_DIGESTS"] == "1"
        environment.bankSecret = env["CLEARWAY_BANK_SECRET"] ?? environment.bankSecret
        let days = idempotencyDays ?? env["CLEARWAY_IDEMPOTENCY_DAYS"].flatMap(Int.init) ?? 30
        guard (1...3_650).contains(days) else { throw ValidationError("--idempotency-days (or CLEARWAY_IDEMPOTENCY_DAYS) is between 1 and 3650, not \(days)") }
        environment.idempotencyLifetime = TimeInterval(days) * 86_400
        let simulatedBank = Mutex<URL?>(nil)
        let startsBank = demo && (bankGateway ?? env["CLEARWAY_BANK_GATEWAY"]) == nil
        if let configured = (bankGateway ?? env["CLEARWAY_BANK_GATEWAY"]).flatMap(URL.init(string:)) {
            environment.bankGateway = { configured }
        } else if startsBank {
            environment.bankGateway = { simulatedBank.withLock { $0 } }
        }
        let clearway = try await options.openMigrated(environment: environment, logger: logger)
        let logins = demo ? try await clearway.seedDemo(from: options.dataDirectory) : []
        if demo { try await clearway.seedDemoShipments(from: options.dataDirectory) }
        let settings = ServerSettings(
            host: host ?? env["CLEARWAY_HOST"] ?? "127.0.0.1",
            port: port ?? env["CLEARWAY_PORT"].flatMap(Int.init) ?? 8080,
            maxBodySize: maxBody ?? env["CLEARWAY_MAX_BODY"].flatMap(Int.init) ?? 1 << 20,
            rateLimitPerMinute: rateLimit ?? env["CLEARWAY_RATE_LIMIT"].flatMap(Int.init) ?? 3000)
        let location = options.location
        let app = try buildApplication(clearway: clearway, settings: settings, registry: registry, logger: logger) {
            port in
            var lines = ["Clearway is running at http://\(settings.host):\(port)/  (database: \(location))"]
            lines.append("  API contract: http://\(settings.host):\(port)/openapi.yaml")
            if !logins.isEmpty {
                lines.append("  Demo logins (username / password / bearer token):")
                for login in logins {
                    lines.append(
                        "    \(login.username.padding(toLength: 18, withPad: " ", startingAt: 0)) \(login.password.padding(toLength: 16, withPad: " ", startingAt: 0)) \(login.token)  (\(login.role.rawValue))"
                    )
                }
            }
            // Unbuffered, so the URL shows at once even when stdout is a file or a pipe.
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        var services: [any Service] = [app, CustodyWatch.beat(clearway: clearway, logger: logger), DiversionPlanner.beat(clearway: clearway, logger: logger),
            AppointmentReminders.beat(clearway: clearway, logger: logger), ParcelWatch.beat(clearway: clearway, logger: logger),
            TaxBilling.beat(clearway: clearway, logger: logger), ExportSummaries.beat(clearway: clearway, logger: logger),
            WebhookDelivery.beat(clearway: clearway, logger: logger), IdempotencyExpiry.beat(clearway: clearway, logger: logger)]
        if startsBank {
            let host = settings.host
            services.append(BankSimulator.application(.init(secret: environment.bankSecret), host: host, port: 0, logger: logger) { port in
                simulatedBank.withLock { $0 = URL(string: "http://\(host):\(port)") }
                FileHandle.standardOutput.write(Data("  Simulated bank gateway (tax bills are paid through it): http://\(host):\(port)/payments\n".utf8))
            })
        }
        if live {
            let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Scenarios/pickup-ship-side.json")
            let local = URL(fileURLWithPath: "Scenarios/pickup-ship-side.json")
            let scenario = try Scenario.read(Data(contentsOf: FileManager.default.fileExists(atPath: local.path) ? local : file))
            guard case .pickup(var model) = scenario.model else { throw ValidationError("\(file.path) is not a pick-up scenario") }
            model.boxesPerVessel = min(model.boxesPerVessel, 40)
            let steps = try LiveDay.plan(model: model, parcels: liveParcels, seed: scenario.seed, start: environment.now())
            services.append(LiveReplay(clearway: clearway, steps: steps, speed: speed, logger: logger))
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await clearway.store.close()
            throw error
        }
        await clearway.store.close()
    }
}
