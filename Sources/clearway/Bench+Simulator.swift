import ArgumentParser
import ClearwaySim
import Foundation

extension Bench {
    /// The simulation engine's event rate on the M/M/c model, against the machine's floor of drawing the same
    /// random numbers and pushing the same events through the same heap without the model.
    struct Simulator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Events per second of the simulation engine on the M/M/c model (Benchmarks/simulator compares SimPy).")

        @Option(help: "Customers through the queue (two events each).")
        var customers: Int = 2_000_000

        @Option(help: "Repeats; the fastest is reported.")
        var repeats: Int = 3

        func validate() throws {
            guard (1_000...500_000_000).contains(customers) else { throw ValidationError("--customers is between 1000 and 500000000") }
            guard (1...20).contains(repeats) else { throw ValidationError("--repeats is between 1 and 20") }
        }

        func run() async throws {
            // The shipped check scenario's rates: five servers at 87% load.
            let model = QueueingModel(arrivalsPerHour: 40, servers: 5, serviceMinutes: 6.5, customers: customers, warmup: 0, rowsKept: 0)
            let clock = ContinuousClock()
            var best = Double.infinity, events = 0, wait = 0.0
            for _ in 0..<repeats {
                let began = clock.now
                let run = model.run(seed: 1)
                best = min(best, (clock.now - began).seconds)
                events = run.events
                wait = run.waits.mean
            }
            // Floor: the same number of draws and events through an agenda of the same size (c departures + 1 arrival).
            var floor = Double.infinity
            for _ in 0..<repeats {
                let began = clock.now
                let sink = EngineFloor.run(events: events, pending: model.servers + 1, seed: 1)
                floor = min(floor, (clock.now - began).seconds)
                if sink.isNaN { print("unreachable") }
            }
            print(String(format: "model: M/M/c, c=5, load 0.867, %d customers, mean wait %.3f min (Erlang C %.3f)",
                         customers, wait, model.erlangCMeanWaitMinutes))
            print(String(format: "floor: %.0f events/s (the same draws and agenda, no model)", Double(events) / floor))
            print(String(format: "seconds: %.4f", best))
            print(String(format: "events: %d", events))
            print(String(format: "simulator: %.0f events/s", Double(events) / best))
            print(String(format: "ratio: %.2f", floor / best))
        }
    }
}
