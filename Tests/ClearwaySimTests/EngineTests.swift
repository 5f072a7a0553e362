import ClearwaySim
import Foundation
import Testing

@Suite("Simulation engine")
struct EngineTests {
    @Test("events come out in time order, and at equal times in the order they were scheduled")
    func agendaOrder() {
        var queue = EventQueue<String>()
        var random = SeededRandom(seed: 9)
        var expected: [(Double, Int)] = []
        for index in 0..<2000 {
            let time = Double(Int(random.unit() * 50))  // many ties
            queue.schedule("\(index)", at: time)
            expected.append((time, index))
        }
        expected.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var taken: [String] = []
        while let (_, payload) = queue.next() { taken.append(payload) }
        #expect(taken == expected.map { "\($0.1)" })
    }

    @Test("a source's stream does not depend on how much another source drew")
    func independentStreams() {
        var arrivals = SeededRandom(seed: 5, stream: "arrivals")
        var service = SeededRandom(seed: 5, stream: "service")
        let first = (0..<3).map { _ in arrivals.next() }
        for _ in 0..<100 { _ = service.next() }
        var again = SeededRandom(seed: 5, stream: "arrivals")
        #expect((0..<3).map { _ in again.next() } == first)
        var other = SeededRandom(seed: 6, stream: "arrivals")
        #expect(other.next() != first[0])
    }

    @Test("distributions have the mean they are given")
    func distributionMeans() {
        var random = SeededRandom(seed: 3)
        for distribution in [Distribution.exponential(mean: 30), .lognormal(mean: 90, sd: 60), .triangular(1.5, 2.2, 4), .uniform(360, 1440)] {
            let mean = (0..<200_000).reduce(0.0) { sum, _ in sum + distribution.minutes(&random) } / 200_000
            #expect(abs(mean - distribution.expectation) / distribution.expectation < 0.01, "\(distribution.kind)")
        }
    }

    @Test("the same seed gives the same run, box for box; another seed another run")
    func determinism() throws {
        let scenario = try Scenario.read(ScenarioFiles.edited("transit-departure-confirmation.json", ScenarioFiles.parameters {
            $0["days"] = 2
        }))
        let first = try scenario.run()
        let second = try scenario.run()
        #expect(first == second)
        #expect(first.rows.count == 480)
        let other = try scenario.run(seed: 99)
        #expect(other.rows != first.rows)
        let queue = try ScenarioFiles.load("mmc-erlang.json")
        guard case .queueing(var model) = queue.model else { Issue.record("mmc-erlang.json is not an M/M/c scenario"); return }
        model.customers = 20_000
        model.warmup = 0
        #expect(model.simulate(name: "a", seed: 4) == model.simulate(name: "a", seed: 4))
    }

    @Test("M/M/c: the mean wait matches Erlang C (short run, looser bound)")
    func erlangC() {
        // Three inspection officers, load 0.75: Erlang C gives a mean wait of 4.54 minutes.
        let model = QueueingModel(arrivalsPerHour: 22.5, servers: 3, serviceMinutes: 6, customers: 300_000, warmup: 5_000)
        let result = model.simulate(name: "erlang", seed: 11)
        let exact = model.erlangCMeanWaitMinutes
        #expect(abs(exact - 4.5421) < 0.001)
        let simulated = result.measure("mean wait")!
        let halfWidth = result.measure("mean wait 95% half-width")!
        #expect(abs(simulated - exact) / exact < 0.03)
        #expect(abs(simulated - exact) < 2 * halfWidth)
        #expect(abs(result.measure("server utilisation")! - 75) < 1)
        #expect(result.events == 600_000)
    }
}
