import ArgumentParser
import ClearwayApp
import ClearwayCore
import ClearwayServer
import ClearwaySim
import ClearwayStore
import Foundation
import Logging
import ServiceLifecycle
import SQLKit
import Synchronization

extension Bench {
    /// Declarations lodged per second over HTTP against two floors measured in the same run: the server's no-op
    /// endpoint (HTTP floor) and the same rows written straight through the store (storage floor).
    struct Intake: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Declarations per second over HTTP with p50/p90/p99 latency, against the HTTP and storage floors (needs wrk).")

        @Option(help: "Seconds of load for the intake (the HTTP floor gets half).")
        var duration: Int = 10

        @Option(help: "Concurrent connections of the load generator.")
        var connections: Int = 32

        @Option(help: "Threads of the load generator.")
        var threads: Int = 1

        @OptionGroup var reference: DataOption

        @Option(help: "The wrk binary (Debian's wrk).")
        var wrk: String = "/usr/bin/wrk"

        @Option(help: "Run on this PostgreSQL server (a fresh database is made there and dropped after); default a SQLite file.")
        var postgres: String?

        @Option(help: "Server nodes on the one database, each with its own pool and port; the load is spread over them (more than one needs --postgres).")
        var nodes: Int = 1

        @Option(help: "Declarations a second offered in the paced run that measures latency below saturation; default 80% of the rate measured at full load.")
        var pace: Double?

        @Option(help: "Sea-port customs offices the declarations are lodged at, in turn (1 to 4: Yangshan, Beilun, Yantian, Dongdu). Each office numbers its declarations from one gapless counter, so 1 is the worst case.")
        var offices: Int = 4

        func validate() throws {
            guard (1...3600).contains(duration) else { throw ValidationError("--duration is between 1 and 3600 seconds") }
            guard (1...1024).contains(connections) else { throw ValidationError("--connections is between 1 and 1024") }
            guard (1...16).contains(threads) else { throw ValidationError("--threads is between 1 and 16") }
            guard (1...8).contains(nodes) else { throw ValidationError("--nodes is between 1 and 8") }
            guard nodes == 1 || postgres != nil else { throw ValidationError("several nodes share one PostgreSQL: give --postgres URL") }
            if let pace { guard pace > 0, pace <= 100_000 else { throw ValidationError("--pace is more than 0 and at most 100,000 declarations a second") } }
            guard (1...Self.ports.count).contains(offices) else { throw ValidationError("--offices is between 1 and \(Self.ports.count)") }
            guard FileManager.default.isExecutableFile(atPath: wrk) else { throw ValidationError("\(wrk) is not installed: apt-get install wrk") }
        }

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-intake-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            var logger = Logger(label: "bench")
            logger.logLevel = .error
            let database = try await Self.freshDatabase(postgres: postgres, directory: directory, logger: logger)
            var stores: [any Store] = []
            for _ in 0..<nodes { stores.append(try await openStore(database.location, logger: logger)) }
            let store = stores[0]
            try await Migrations.run(on: store)
            let clearways = stores.map { Clearway(store: $0, environment: .init(bcryptCost: 4), logger: logger) }
            let data = reference.directory
            try await clearways[0].loadReferenceData(from: data)
            _ = try await clearways[0].seedDemo(from: data)
            let ports = Mutex<[Int]>([])
            var services: [any Service] = []
            for clearway in clearways {
                services.append(try buildApplication(clearway: clearway, settings: ServerSettings(port: 0, rateLimitPerMinute: 0), logger: logger) {
                    bound in ports.withLock { $0.append(bound) }
                })
            }
            let group = ServiceGroup(configuration: .init(services: services, logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                while ports.withLock({ $0.count }) < nodes { try await Task.sleep(for: .milliseconds(20)) }
                let bases = ports.withLock { $0 }.map { "http://127.0.0.1:\($0)" }
                let script = directory.appendingPathComponent("lodge.lua")
                let bodies = Self.bodies(3000, offices: offices)
                try Self.script(bodies: bodies).write(to: script, atomically: true, encoding: .utf8)

                let idle = Self.memory("VmRSS")
                let floor = try await load(["-d", "\(max(1, duration / 2))s", "\(bases[0])/healthz"], connections: connections)
                print(String(format: "http floor: %.0f requests/s (GET /healthz, p99 %.2f ms)", floor.rate, floor.p99))
                // One load generator per node, each with its share of the connections, all at once.
                let share = max(1, connections / nodes)
                let writersBefore = stores.map(\.writerStatistics), loadStart = ContinuousClock.now, cpuBefore = ProcessCPU.used()
                let loads = try await withThrowingTaskGroup(of: Load.self) { generators in
                    for base in bases {
                        generators.addTask { try await load(["-d", "\(duration)s", "-s", script.path, "\(base)/api/v1/declarations"], connections: share) }
                    }
                    return try await generators.reduce(into: [Load]()) { $0.append($1) }
                }
                let intake = Load.combined(loads)
                let loadTime = ContinuousClock.now - loadStart, cpu = ProcessCPU.used() - cpuBefore
                let writers = zip(stores, writersBefore).map { store, before in store.writerStatistics.since(before).summary(over: loadTime) }
                let log = (store as? SQLiteStore)?.lastCheckpoint.summary
                let loaded = Self.memory("VmRSS"), peak = Self.memory("VmHWM")
                // Latency at full load is mostly queueing; the issue's latency target is at 80% of the rate. The paced run
                // offers that rate on a fixed schedule, over more connections than it needs, so a slow response does not
                // hold back the requests due after it (those that were held back anyway are counted as sent late).
                let rateAtFullLoad = intake.rate * Double(intake.requests - intake.errors) / Double(max(intake.requests, 1))
                let offered = pace ?? (rateAtFullLoad * 0.8).rounded()
                let pacedConnections = max(64, connections) / nodes
                let paced = try await withThrowingTaskGroup(of: Load.self) { generators in
                    for (node, base) in bases.enumerated() {
                        let file = directory.appendingPathComponent("paced-\(node).lua")
                        try Self.script(bodies: bodies, rate: offered / Double(nodes) / Double(threads)).write(to: file, atomically: true, encoding: .utf8)
                        generators.addTask { try await load(["-d", "\(duration)s", "-s", file.path, "\(base)/api/v1/declarations"], connections: pacedConnections) }
                    }
                    return try await generators.reduce(into: [Load]()) { $0.append($1) }
                }
                let pacedLoad = Load.combined(paced)
                let lodged = try await store.read { db in
                    try await db.raw("SELECT COUNT(*) AS n FROM declarations").first()!.decode(column: "n", as: Int.self)
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()

                // The best of three passes, each into a fresh database: a floor is what the store can do, and one short
                // pass varies with whatever else the machine is doing.
                var storage = 0.0
                for pass in 0..<3 {
                    let floorDatabase = try await Self.freshDatabase(
                        postgres: postgres, directory: directory.appendingPathComponent("floor-\(pass)"), logger: logger)
                    storage = max(storage, try await Self.storageFloor(
                        from: store, rows: min(lodged, 4000), writers: connections, into: floorDatabase.location, logger: logger))
                    try await floorDatabase.drop()
                }
                for other in stores { await other.close() }
                try await database.drop()
                print(String(format: "storage floor: %.0f declarations/s (the same events and projections, one transaction each, %d writers, best of 3)",
                             storage, connections))
                print(String(format: "latency: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms (%d connections)", intake.p50, intake.p90, intake.p99,
                             share * nodes))
                print(String(format: "latency at %.0f declarations/s offered: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms (%.0f/s served, %d connections, %d sent late, %d refused or failed)",
                             offered, pacedLoad.p50, pacedLoad.p90, pacedLoad.p99, pacedLoad.rate, pacedConnections * nodes, pacedLoad.late, pacedLoad.errors))
                print("nodes: \(nodes) on \(database.isPostgres ? "PostgreSQL" : "SQLite"), declarations lodged at \(offices) office\(offices == 1 ? "" : "s")")
                for (node, line) in writers.enumerated() { print(nodes > 1 ? "node \(node + 1) \(line)" : line) }
                if let log { print(log) }
                // wrk runs as processes of its own: this is the servers' share of the machine, the load's is the rest.
                print(ProcessCPU.summary(cpu, over: loadTime, units: intake.requests, unit: "request"))
                print("refused or failed: \(intake.errors) of \(intake.requests) requests; \(lodged) declarations stored")
                print(String(format: "memory: %.0f MB resident at idle, %.0f MB after the load, %.0f MB at peak (server and load in one process)",
                             idle, loaded, peak))
                print(String(format: "intake: %.0f declarations/s", rateAtFullLoad))
                print(String(format: "ratio: %.2f", rateAtFullLoad / min(floor.rate * Double(nodes), storage)))
            }
        }

        /// Where the run's data lives: a SQLite file in the run's directory, or a database made for it on PostgreSQL.
        struct Database: Sendable {
            var location: String
            var isPostgres: Bool
            var drop: @Sendable () async throws -> Void
        }

        static func freshDatabase(postgres: String?, directory: URL, logger: Logger) async throws -> Database {
            guard let postgres else {
                return Database(location: directory.appendingPathComponent("intake.sqlite").path, isPostgres: false, drop: {})
            }
            guard var components = URLComponents(string: postgres) else { throw ValidationError("--postgres is not a URL: \(postgres)") }
            let name = "clearway_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
            let admin = try await openStore(postgres, logger: logger)
            try await admin.read { db in try await db.raw("CREATE DATABASE \(unsafeRaw: String(name))").run() }
            await admin.close()
            components.path = "/" + name
            return Database(location: components.string!, isPostgres: true) {
                let admin = try await openStore(postgres, logger: logger)
                try? await admin.read { db in try await db.raw("DROP DATABASE \(unsafeRaw: String(name)) WITH (FORCE)").run() }
                await admin.close()
            }
        }

        /// A line of /proc/self/status in megabytes (VmRSS now, VmHWM the peak); 0 where there is none.
        static func memory(_ key: String) -> Double {
            guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }),
                  let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Double($0) })
            else { return 0 }
            return kilobytes / 1024
        }

        /// What wrk measured.
        struct Load {
            var rate = 0.0, p50 = 0.0, p90 = 0.0, p99 = 0.0
            var requests = 0, errors = 0
            /// In a paced run, requests sent more than a millisecond after their place in the schedule.
            var late = 0

            /// Several generators as one: rates and counts add up, each percentile is the worst node's.
            static func combined(_ loads: [Load]) -> Load {
                Load(rate: loads.map(\.rate).reduce(0, +), p50: loads.map(\.p50).max() ?? 0, p90: loads.map(\.p90).max() ?? 0,
                     p99: loads.map(\.p99).max() ?? 0, requests: loads.map(\.requests).reduce(0, +), errors: loads.map(\.errors).reduce(0, +),
                     late: loads.map(\.late).reduce(0, +))
            }
        }

        /// Runs wrk without holding one of the few cooperative threads the server itself needs while it waits.
        func load(_ arguments: [String], connections: Int) async throws -> Load {
            let process = Process()
            let output = Pipe()
            process.executableURL = URL(fileURLWithPath: wrk)
            process.arguments = ["-t", "\(threads)", "-c", "\(connections)", "--latency"] + arguments
            process.standardOutput = output
            try process.run()
            let text = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
                DispatchQueue.global().async {
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: String(decoding: data, as: UTF8.self))
                }
            }
            return Self.parse(text)
        }

        /// Reads wrk's report: requests/s, the latency distribution, and responses that were not 2xx or 3xx.
        static func parse(_ text: String) -> Load {
            var load = Load()
            func milliseconds(_ token: String) -> Double {
                let units: [(String, Double)] = [("us", 0.001), ("ms", 1), ("s", 1000), ("m", 60_000)]
                for (suffix, factor) in units where token.hasSuffix(suffix) {
                    if let value = Double(token.dropLast(suffix.count)) { return value * factor }
                }
                return Double(token) ?? 0
            }
            for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                let parts = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                if line.hasPrefix("Requests/sec:"), let value = parts.last.flatMap(Double.init) { load.rate = value }
                if line.hasPrefix("50%"), parts.count > 1 { load.p50 = milliseconds(parts[1]) }
                if line.hasPrefix("90%"), parts.count > 1 { load.p90 = milliseconds(parts[1]) }
                if line.hasPrefix("99%"), parts.count > 1 { load.p99 = milliseconds(parts[1]) }
                if line.contains("requests in"), let count = parts.first.flatMap(Int.init) { load.requests = count }
                if line.hasPrefix("Non-2xx or 3xx responses:"), let count = parts.last.flatMap(Int.init) { load.errors = count }
                if line.hasPrefix("sent late:"), let count = parts.last.flatMap(Int.init) { load.late = count }
            }
            return load
        }

        /// The offices declarations are lodged at, each a sea port's: Yangshan, Beilun, Yantian, Dongdu.
        static let ports = ["2248", "3104", "5316", "3701"]

        /// Realistic, varied declarations: containers, commodities, origins, values, procedures and offices differ.
        static func bodies(_ count: Int, offices: Int) -> [String] {
            let goods = [("8471300000", "Laptop computers", "PCE"), ("2106909090", "Food preparations", "KGM"),
                         ("6109100000", "Cotton T-shirts", "PCE"), ("8708299000", "Car body parts", "KGM"), ("9403600000", "Wooden furniture", "PCE")]
            let origins = ["US", "DE", "JP", "AU", "VN", "CL"]
            var random = SeededRandom(seed: 5)
            return (0..<count).map { index in
                let (code, description, unit) = goods[index % goods.count]
                let procedure = index % 3 == 0 ? "direct-pickup" : "serial"
                let value = String(format: "%.2f", 1000 + random.unit() * 200_000)
                let quantity = 1 + Int(random.unit() * 5000)
                let office = ports[index % offices]
                return """
                    {"direction":"import","procedure":"\(procedure)","supervisionMode":"0110","declarant":"913100007178848X2R",\
                    "tradingParty":"913100007178848X2R","declarationOffice":"\(office)","entryExitOffice":"\(office)",\
                    "transport":{"mode":"2","means":"COSCO SHIPPING ARIES","voyage":"\(100 + index % 50)E"},"incoterm":"CIF",\
                    "billOfLading":"BENCH\(index)","containers":[{"number":"\(LiveDay.containerNumber(box: index % 1000, run: 900 + index / 1000))",\
                    "seals":["B\(index)"]}],"items":[{"commodityCode":"\(code)","description":"\(description)","quantity":"\(quantity)",\
                    "unit":"\(unit)","value":"\(value)","currency":"USD","origin":"\(origins[index % origins.count])"}]}
                    """
            }
        }

        /// wrk's script: the bodies in turn, and with a rate, each thread's requests on a fixed schedule (wrk asks `delay`
        /// before every request; LuaJIT's FFI reads the monotonic clock, which wrk's Lua does not offer).
        static func script(bodies: [String], rate: Double? = nil) -> String {
            let table = bodies.map { "[==[\($0)]==]" }.joined(separator: ",\n")
            let pacing = rate.map { rate in
                """
                local ffi = require("ffi")
                ffi.cdef[[
                typedef struct { long tv_sec; long tv_nsec; } clearway_timespec;
                int clock_gettime(int clock, clearway_timespec *now);
                ]]
                local clock = ffi.new("clearway_timespec")
                local function milliseconds()
                  ffi.C.clock_gettime(1, clock)
                  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
                end
                local interval = 1000 / \(rate)
                local start, sent = nil, 0
                late = 0
                delay = function()
                  local now = milliseconds()
                  if start == nil then start = now end
                  local due = start + sent * interval
                  sent = sent + 1
                  if due >= now then return math.floor(due - now) end
                  if now - due > 1 then late = late + 1 end
                  return 0
                end
                local threads = {}
                setup = function(thread) table.insert(threads, thread) end
                done = function(summary, latency, requests)
                  local total = 0
                  for _, thread in ipairs(threads) do total = total + (thread:get("late") or 0) end
                  io.write(string.format("sent late: %d\\n", total))
                end

                """
            } ?? ""
            return """
                local bodies = {
                \(table)
                }
                local counter = 0
                local headers = { ["Authorization"] = "Bearer demo-token-trader", ["Content-Type"] = "application/json" }
                request = function()
                  counter = counter + 1
                  return wrk.format("POST", nil, headers, bodies[(counter % #bodies) + 1])
                end
                \(pacing)
                """
        }

        /// The rows the intake wrote — each declaration's events and projections — written again into a fresh store
        /// by as many concurrent writers as the intake had connections, one transaction per declaration, as the platform
        /// writes them.
        static func storageFloor(from source: any Store, rows: Int, writers: Int, into location: String, logger: Logger) async throws -> Double {
            let lodged: [(Declaration.State, [Declaration.Event])] = try await source.read { db in
                let ids = try await db.raw("SELECT id FROM declarations LIMIT \(bind: rows)").all().map { try $0.decode(column: "id", as: String.self) }
                var found: [(Declaration.State, [Declaration.Event])] = []
                for id in ids {
                    guard let state = try await DeclarationTable.find(id, on: db) else { continue }
                    found.append((state, try await EventStore.load(stream: id, on: db).map { try $0.decode(as: Declaration.Event.self) }))
                }
                return found
            }
            let target = try await openStore(location, logger: logger)
            try await Migrations.run(on: target)
            let began = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<writers {
                    group.addTask {
                        for index in stride(from: lane, to: lodged.count, by: writers) {
                            var (state, events) = lodged[index]
                            state.id = "floor-\(index)"
                            let stream = state.id
                            let rows = try events.map { try NewEvent($0) }
                            try await target.transaction { db in
                                try await EventStore.append(stream: stream, type: "declaration", expectedVersion: 0, events: rows, on: db)
                                try await DeclarationTable.upsert(state, on: db)
                                try await DeclarationKeys.update(state, isNew: true, on: db)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let seconds = (ContinuousClock.now - began).seconds
            await target.close()
            return Double(lodged.count) / seconds
        }
    }
}
