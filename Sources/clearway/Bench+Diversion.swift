import ArgumentParser
import ClearwayApp
import ClearwayCore
import ClearwaySim
import Foundation

extension Bench {
    /// Nearest-free-site routing against the planner on the same generated day of a busy port.
    struct Diversion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Circulation time per inspected box: nearest free site against the optimal planner, same day.")

        @Option(help: "The port whose inspection sites to use (UN/LOCODE in Data/reference/inspection-sites.json).")
        var port: String = "CNSHA"

        @Option(help: "Inspected boxes in the day.")
        var boxes: Int = 250

        @Option(help: "Seed of the generated day.")
        var seed: UInt64 = 1

        @Option(help: "Minutes between planning rounds.")
        var step: Int = 10

        @OptionGroup var reference: DataOption

        func validate() throws {
            guard (1...20_000).contains(boxes) else { throw ValidationError("--boxes is between 1 and 20000") }
            guard (1...120).contains(step) else { throw ValidationError("--step is between 1 and 120 minutes") }
        }

        func run() async throws {
            let file = reference.directory.appendingPathComponent("reference/inspection-sites.json")
            let networks = try JSONDecoder().decode([DiversionNetwork].self, from: Data(contentsOf: file))
            guard let network = networks.first(where: { $0.port == port }) else {
                throw ValidationError("no inspection sites for port \(port) in \(file.path)")
            }
            var parameters = DiversionDay.Parameters()
            parameters.boxes = boxes
            parameters.seed = seed
            parameters.stepMinutes = step
            let day = DiversionDay(network: network, parameters: parameters)
            print("policy\tboxes\tplaced\tmean circulation min\tp90 min\trounds\tplanning s")
            var results: [DiversionDay.Result] = []
            for policy in DiversionDay.Policy.allCases {
                let r = day.run(policy)
                results.append(r)
                print(String(format: "%@\t%d\t%d\t%.1f\t%.1f\t%d\t%.3f", r.policy.rawValue, r.boxes, r.placed,
                             r.meanCirculationMinutes, r.p90CirculationMinutes, r.rounds, r.planningSeconds))
            }
            let saved = results[0].meanCirculationMinutes - results[1].meanCirculationMinutes
            print(String(format: "saved per inspected box: %.1f minutes (%.2f hours)", saved, saved / 60))
            print(String(format: "ratio: %.2f", results[1].meanCirculationMinutes / results[0].meanCirculationMinutes))
        }
    }
}
