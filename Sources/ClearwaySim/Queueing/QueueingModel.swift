import Foundation

/// The M/M/c queue: Poisson arrivals, `servers` identical servers, exponential service, first come first served.
/// The simulator's yardstick: its mean wait has a closed form (Erlang C), and SimPy runs the same model.
public struct QueueingModel: Sendable, Equatable, Codable {
    public var arrivalsPerHour: Double
    public var servers: Int
    public var serviceMinutes: Double
    /// Customers served in the run, and how many at the start are left out of the statistics (warm-up).
    public var customers: Int
    public var warmup: Int
    /// Per-customer rows kept for the CSV (the first N measured customers).
    public var rowsKept: Int

    public init(arrivalsPerHour: Double, servers: Int, serviceMinutes: Double, customers: Int, warmup: Int = 0, rowsKept: Int = 1000) {
        self.arrivalsPerHour = arrivalsPerHour
        self.servers = servers
        self.serviceMinutes = serviceMinutes
        self.customers = customers
        self.warmup = warmup
        self.rowsKept = rowsKept
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case arrivalsPerHour, servers, serviceMinutes, customers, warmup, rowsKept
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        arrivalsPerHour = try c.decode(Double.self, forKey: .arrivalsPerHour)
        servers = try c.decode(Int.self, forKey: .servers)
        serviceMinutes = try c.decode(Double.self, forKey: .serviceMinutes)
        customers = try c.decode(Int.self, forKey: .customers)
        warmup = try c.decodeIfPresent(Int.self, forKey: .warmup) ?? 0
        rowsKept = try c.decodeIfPresent(Int.self, forKey: .rowsKept) ?? 1000
    }

    /// Offered load per server, ρ = λ / (c μ).
    public var utilisation: Double { arrivalsPerHour * serviceMinutes / 60 / Double(servers) }

    public func problems() -> [FieldProblem] {
        var found: [FieldProblem] = []
        if !(arrivalsPerHour > 0 && arrivalsPerHour.isFinite) { found.append(.init(path: "parameters.arrivalsPerHour", message: "must be above 0")) }
        if !(1...10_000).contains(servers) { found.append(.init(path: "parameters.servers", message: "must be between 1 and 10000")) }
        if !(serviceMinutes > 0 && serviceMinutes.isFinite) { found.append(.init(path: "parameters.serviceMinutes", message: "must be above 0")) }
        if !(1...1_000_000_000).contains(customers) { found.append(.init(path: "parameters.customers", message: "must be between 1 and 1000000000")) }
        if warmup < 0 || warmup >= customers { found.append(.init(path: "parameters.warmup", message: "must be at least 0 and below customers")) }
        if rowsKept < 0 { found.append(.init(path: "parameters.rowsKept", message: "must be at least 0")) }
        if found.isEmpty, utilisation >= 1 {
            found.append(.init(path: "parameters.arrivalsPerHour", message: String(
                format: "the queue is unstable: load per server %.3f must be below 1 (arrivals × service minutes / 60 / servers)", utilisation)))
        }
        return found
    }

    /// Erlang C: the mean wait in queue, in minutes, for these rates.
    public var erlangCMeanWaitMinutes: Double {
        let lambda = arrivalsPerHour / 60, mu = 1 / serviceMinutes
        let offered = lambda / mu, c = servers
        // Σ a^k/k! for k < c and a^c/c!, by running products, so large c neither overflows nor loses precision.
        var term = 1.0, sum = 0.0
        for k in 0..<c {
            sum += term
            term *= offered / Double(k + 1)
        }
        let rho = offered / Double(c)
        let top = term / (1 - rho)
        let waitProbability = top / (sum + top)
        return waitProbability / (Double(c) * mu - lambda)
    }

    enum Event {
        case arrival
        case departure
    }

    /// Runs the queue; `progress` is told the share done now and then.
    public func run(seed: UInt64, progress: (Double) -> Void = { _ in }) -> (waits: Tally, rows: [[String]], events: Int, busy: Double) {
        var simulation = Simulation<Event>()
        var arrivals = SeededRandom(seed: seed, stream: "arrivals")
        var service = SeededRandom(seed: seed, stream: "service")
        let meanGap = 3600 / arrivalsPerHour, meanService = serviceMinutes * 60
        var queue = [Double]()  // arrival times waiting, served in order from `head`
        queue.reserveCapacity(1024)
        var head = 0
        var free = servers, arrived = 0, served = 0
        var waits = Tally()
        var rows: [[String]] = []
        var busySeconds = 0.0
        let report = Swift.max(customers / 100, 1)
        simulation.schedule(.arrival, at: arrivals.exponential(mean: meanGap))
        func start(_ arrivedAt: Double, _ now: Double, _ index: Int, _ simulation: inout Simulation<Event>) {
            let duration = service.exponential(mean: meanService)
            busySeconds += duration
            if index >= warmup {
                waits.add((now - arrivedAt) / 60)
                if rows.count < rowsKept {
                    rows.append([String(index + 1), String(format: "%.3f", arrivedAt / 60), String(format: "%.3f", (now - arrivedAt) / 60),
                                 String(format: "%.3f", duration / 60)])
                }
            }
            simulation.schedule(.departure, after: duration)
        }
        var started = 0
        while let event = simulation.next() {
            let now = simulation.now
            switch event {
            case .arrival:
                arrived += 1
                if arrived < customers { simulation.schedule(.arrival, after: arrivals.exponential(mean: meanGap)) }
                if free > 0 {
                    free -= 1
                    start(now, now, started, &simulation)
                    started += 1
                } else {
                    queue.append(now)
                }
            case .departure:
                served += 1
                if served % report == 0 { progress(Double(served) / Double(customers)) }
                if head < queue.count {
                    start(queue[head], now, started, &simulation)
                    started += 1
                    head += 1
                    if head > 4096, head * 2 > queue.count {
                        queue.removeFirst(head)
                        head = 0
                    }
                } else {
                    free += 1
                }
            }
        }
        return (waits, rows, simulation.processed, busySeconds / (simulation.now * Double(servers)))
    }

    /// Runs the queue and reports it against Erlang C.
    public func simulate(name: String, seed: UInt64, progress: (Double) -> Void = { _ in }) -> SimulationResult {
        let (waits, rows, events, busy) = run(seed: seed, progress: progress)
        let exact = erlangCMeanWaitMinutes
        return SimulationResult(
            scenario: name, model: "mmc",
            measures: [
                .init("customers measured", Double(waits.count), ""),
                .init("mean wait", waits.mean, "min"),
                .init("mean wait 95% half-width", waits.confidenceHalfWidth, "min"),
                .init("Erlang C mean wait", exact, "min"),
                .init("difference from Erlang C", exact > 0 ? (waits.mean - exact) / exact * 100 : 0, "%"),
                .init("p90 wait", waits.percentile(90), "min"),
                .init("server utilisation", busy * 100, "%"),
                .init("offered load per server", utilisation * 100, "%"),
            ],
            columns: ["customer", "arrived_min", "wait_min", "service_min"], rows: rows, primary: waits,
            primaryLabel: "wait in queue (min)", events: events)
    }
}
