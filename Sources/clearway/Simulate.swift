import ArgumentParser
import ClearwayApp
import ClearwayCore
import ClearwaySim
import Foundation

/// `clearway simulate SCENARIO…`: runs scenario files from `Scenarios/` and compares them.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the port's digital twin on scenario files; with two, compare them.",
        discussion: """
            Each scenario drives the real ClearwayCore state machines on a virtual clock. Prints a summary table and writes \
            one CSV per scenario (a row per box, application or customer) and an SVG histogram to --out.
            """)

    @Argument(help: "Scenario files (JSON), e.g. Scenarios/pickup-yard.json Scenarios/pickup-ship-side.json.")
    var scenarios: [String]

    @Option(help: "Directory for the CSV and SVG files.")
    var out: String = "simulation-output"

    @Option(help: "Run with this seed instead of each scenario's own.")
    var seed: UInt64?

    @OptionGroup var reference: DataOption

    func validate() throws {
        guard !scenarios.isEmpty else { throw ValidationError("name at least one scenario file") }
    }

    func run() async throws {
        var loaded: [Scenario] = []
        var failed = false
        for path in scenarios {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                loaded.append(try Scenario.read(data))
            } catch let error as ScenarioError {
                failed = true
                for problem in error.problems { printError("\(path): \(problem)") }
            } catch {
                failed = true
                printError("\(path): cannot read: \(error.localizedDescription)")
            }
        }
        if failed { throw ExitCode(2) }
        var networks: [DiversionNetwork] = []
        if loaded.contains(where: { if case .diversion = $0.model { true } else { false } }) {
            let file = reference.directory.appendingPathComponent("reference/inspection-sites.json")
            networks = try JSONDecoder().decode([DiversionNetwork].self, from: Data(contentsOf: file))
        }
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var results: [SimulationResult] = []
        let clock = ContinuousClock()
        for (scenario, path) in zip(loaded, scenarios) {
            let bar = ProgressBar(total: 1000, label: scenario.name)
            let began = clock.now
            let result = try scenario.run(seed: seed, networks: networks) { share in bar.update(Int(share * 1000)) }
            bar.update(1000)
            bar.finish()
            let seconds = (clock.now - began).seconds
            printError(String(format: "%@: %d events in %.2f s", scenario.name, result.events, seconds))
            let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            try SimulationReport.csv(result).write(to: directory.appendingPathComponent("\(stem).csv"), atomically: true, encoding: .utf8)
            try SimulationReport.histogram([result], title: scenario.name)
                .write(to: directory.appendingPathComponent("\(stem).svg"), atomically: true, encoding: .utf8)
            results.append(result)
        }
        if results.count > 1 {
            let stems = scenarios.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
            try SimulationReport.histogram(results, title: results.map(\.scenario).joined(separator: " vs "))
                .write(to: directory.appendingPathComponent("\(stems.joined(separator: "-vs-")).svg"), atomically: true, encoding: .utf8)
        }
        for scenario in loaded where !scenario.description.isEmpty { print("\(scenario.name): \(scenario.description)") }
        print(SimulationReport.table(results))
        print("files written to \(directory.path)")
    }
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
