import Benchmark
import ClearwayApp
import ClearwayCore
import ClearwayInterop
import ClearwayStore
import Foundation
import Logging
import Synchronization

/// What the benchmarks share: a platform on a fresh SQLite file with reference data and the demo firms.
final class Fixture: Sendable {
    let clearway: Clearway
    let store: any Store
    let trader: Principal
    let counter = Atomic<Int>(0)

    init(clearway: Clearway, store: any Store, trader: Principal) {
        self.clearway = clearway
        self.store = store
        self.trader = trader
    }

    static func make() async throws -> Fixture {
        var logger = Logger(label: "benchmark")
        logger.logLevel = .error
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-benchmark-\(UUID().uuidString).sqlite").path
        let store = try await openStore(path, logger: logger)
        try await Migrations.run(on: store)
        let clearway = Clearway(store: store, environment: .init(bcryptCost: 4), logger: logger)
        let data = DataDirectory.locate(nil)
        try await clearway.loadReferenceData(from: data)
        _ = try await clearway.seedDemo(from: data)
        guard let trader = try await clearway.principal(username: "trader") else { throw ClearanceError.notFound(kind: "demo user", id: "trader") }
        return Fixture(clearway: clearway, store: store, trader: trader)
    }
}

let shared = Mutex<Fixture?>(nil)

/// A small event, as the store appends any aggregate's.
struct Noted: DomainEvent {
    var text: String
    var at: Date
    var by: Principal { .system }
    var name: String { "noted" }
    init(text: String, at: Date) {
        self.text = text
        self.at = at
    }
    init(name: String, payload: Data, decoder: JSONDecoder) throws {
        text = try decoder.decode([String: String].self, from: payload)["text"] ?? ""
        at = Date(timeIntervalSince1970: 0)
    }
    func encodePayload(with encoder: some JSONEncoding) throws -> Data { try encoder.encode(["text": text]) }
}

func fixture() async throws -> Fixture {
    if let known = shared.withLock({ $0 }) { return known }
    let made = try await Fixture.make()
    shared.withLock { $0 = made }
    return made
}

/// An import declaration through Yangshan, the same the demo lodges.
func form() -> DeclarationForm {
    DeclarationForm(
        direction: "import", supervisionMode: "0110", declarant: "913100007178848X2R", tradingParty: "913100007178848X2R",
        overseasParty: "Pacific Suppliers Ltd", declarationOffice: "2248", entryExitOffice: "2248",
        transport: TransportForm(mode: "2", means: "COSCO SHIPPING ARIES", voyage: "045E"), billOfLading: "BENCH1", incoterm: "CIF",
        containers: [ContainerForm(number: "CSQU3054383", seals: ["SH1"])],
        items: [ItemForm(commodityCode: "8471300000", description: "Laptops", quantity: "100", unit: "PCE", value: "50000.00",
                         currency: "USD", origin: "US")])
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .contextSwitches], maxDuration: .seconds(5), maxIterations: 2_000)

    Benchmark("Lodge one declaration (SQLite, in process)", configuration: configuration) { benchmark in
        let fixture = try await fixture()
        for _ in benchmark.scaledIterations {
            blackHole(try await fixture.clearway.lodge(form(), by: fixture.trader))
        }
    }

    Benchmark("Append three events to a new stream (SQLite)", configuration: configuration) { benchmark in
        let fixture = try await fixture()
        for _ in benchmark.scaledIterations {
            let stream = "bench-\(fixture.counter.add(1, ordering: .relaxed).newValue)"
            let events = try (0..<3).map { index in try NewEvent(Noted(text: "event \(index)", at: Date())) }
            try await fixture.store.transaction { db in
                _ = try await EventStore.append(stream: stream, type: "bench", expectedVersion: 0, events: events, on: db)
            }
        }
    }

    // The peer baseline: Foundation's encoder with the same options, writing the same bytes.
    for (label, encoder) in [("the canonical encoder", CanonicalJSON.encoder() as any JSONEncoding),
                             ("Foundation's JSONEncoder (peer)", CanonicalJSON.foundationEncoder())] {
        Benchmark("Encode an accepted declaration's state, keys sorted: \(label)", configuration: configuration) { benchmark in
            let fixture = try await fixture()
            let state = try await fixture.clearway.lodge(form(), by: fixture.trader)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try encoder.encode(state))
            }
        }
    }

    Benchmark("Read a CEB order against the official schema", configuration: configuration) { benchmark in
        let fixture = try await fixture()
        let rules = try await fixture.clearway.crossBorderRules()
        let order = CEBGenerator(seed: 1).parcel(0, rules: rules, at: Date()).order
        let schema = try XMLSchema(documents: [try Data(contentsOf: DataDirectory.locate(nil).appendingPathComponent("ceb/import-business-node-202205.xsd"))])
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try CEBMessage.read(order, schema: schema, personKey: { $0 }))
        }
    }
}
