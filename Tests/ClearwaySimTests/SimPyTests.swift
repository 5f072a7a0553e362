import ClearwaySim
import Foundation
import Testing

/// The same models written independently with SimPy (`Benchmarks/simulator/port_simpy.py`) must agree statistically.
@Suite("Against SimPy")
struct SimPyTests {
    static let script = ScenarioFiles.root.appendingPathComponent("Benchmarks/simulator/port_simpy.py")

    static let simpyAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import simpy"]
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// Runs the SimPy version of a scenario file for each seed; answers the named measure per seed.
    func simpy(_ file: URL, seeds: [Int], measure: String, extra: [String] = []) throws -> [Double] {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script.path, file.path, "--seeds", seeds.map(String.init).joined(separator: ",")] + extra
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return (object?["measures"] as? [String: Any])?[measure] as? Double
        }
    }

    /// Welch's t statistic of two sets of replication means.
    func welch(_ a: [Double], _ b: [Double]) -> Double {
        func meanVariance(_ x: [Double]) -> (Double, Double) {
            let mean = x.reduce(0, +) / Double(x.count)
            return (mean, x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(x.count - 1))
        }
        let (ma, va) = meanVariance(a), (mb, vb) = meanVariance(b)
        return (ma - mb) / (va / Double(a.count) + vb / Double(b.count)).squareRoot()
    }

    @Test("the yard and ship-side pick-up models give statistically matching dwell times in SimPy",
          .enabled(if: simpyAvailable, "python3 with simpy is not installed (.ci/run installs it: pip install simpy)"))
    func pickupMatches() throws {
        let seeds = Array(1...6)
        for file in ["pickup-yard.json", "pickup-ship-side.json"] {
            let url = ScenarioFiles.directory.appendingPathComponent(file)
            let scenario = try ScenarioFiles.load(file)
            let ours = try seeds.map { try scenario.run(seed: UInt64($0)).measure("mean discharge to gate-out")! }
            let theirs = try simpy(url, seeds: seeds, measure: "mean discharge to gate-out")
            #expect(theirs.count == seeds.count)
            guard theirs.count == seeds.count else { continue }
            let t = welch(ours, theirs)
            let ourMean = ours.reduce(0, +) / 6, theirMean = theirs.reduce(0, +) / 6
            #expect(abs(t) < 3, "\(file): Clearway \(ourMean) min, SimPy \(theirMean) min, Welch t = \(t)")
            #expect(abs(ourMean - theirMean) / theirMean < 0.1, "\(file): Clearway \(ourMean), SimPy \(theirMean)")
        }
    }

    @Test("the M/M/c model gives the same mean wait in SimPy",
          .enabled(if: simpyAvailable, "python3 with simpy is not installed (.ci/run installs it: pip install simpy)"))
    func queueMatches() throws {
        let url = ScenarioFiles.directory.appendingPathComponent("mmc-erlang.json")
        guard case .queueing(var model) = try ScenarioFiles.load("mmc-erlang.json").model else { return }
        model.customers = 40_000
        model.warmup = 1_000
        let seeds = Array(1...6)
        let ours = seeds.map { model.simulate(name: "mmc", seed: UInt64($0)).measure("mean wait")! }
        let theirs = try simpy(url, seeds: seeds, measure: "mean wait", extra: ["--customers", "40000"])
        #expect(theirs.count == seeds.count)
        guard theirs.count == seeds.count else { return }
        let t = welch(ours, theirs)
        #expect(abs(t) < 3, "Clearway \(ours), SimPy \(theirs), Welch t = \(t)")
    }
}
