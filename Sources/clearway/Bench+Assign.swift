import ArgumentParser
import ClearwayCore
import Foundation

extension Bench {
    /// Times the diversion planner's assignment solver on square cost matrices, to set beside scipy's
    /// `linear_sum_assignment` on the same matrices (`Benchmarks/diversion/assignment_vs_scipy.py`).
    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Solves square assignment problems and prints n, the optimal cost and the seconds taken.",
            discussion: """
                Each FILE holds an n×n matrix of little-endian float64 values, row by row (n is read from the size). \
                Without files, random integer-valued matrices of --sizes are generated with --seed.
                """)

        @Argument(help: "Matrix files (raw float64, row-major).")
        var files: [String] = []

        @Option(help: "Matrix sizes to generate when no file is given, comma-separated.")
        var sizes: String = "200,1000,2000"

        @Option(help: "Seed for generated matrices.")
        var seed: UInt64 = 1

        @Option(help: "Repetitions per matrix; the fastest is reported.")
        var repeats: Int = 3

        func validate() throws {
            guard (1...100).contains(repeats) else { throw ValidationError("--repeats is between 1 and 100") }
        }

        func run() async throws {
            var problems: [(name: String, n: Int, costs: [Double])] = []
            for file in files {
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                let count = data.count / 8
                let n = Int(Double(count).squareRoot().rounded())
                guard n * n * 8 == data.count else {
                    throw ValidationError("\(file): \(data.count) bytes is not a square matrix of float64")
                }
                let costs = data.withUnsafeBytes { raw in
                    (0..<count).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
                }
                problems.append((file, n, costs))
            }
            if files.isEmpty {
                var state = seed
                for size in sizes.split(separator: ",") {
                    guard let n = Int(size), (1...5000).contains(n) else { throw ValidationError("--sizes: '\(size)' is not 1…5000") }
                    let costs = (0..<(n * n)).map { _ in
                        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                        return Double((state >> 33) % 1_000_000)
                    }
                    problems.append(("generated-\(n)", n, costs))
                }
            }
            print("name\tn\tcost\tseconds")
            for problem in problems {
                var best = Double.infinity
                var cost = 0.0
                for _ in 0..<repeats {
                    let start = ContinuousClock.now
                    let solution = try Assignment.solve(rows: problem.n, columns: problem.n, costs: problem.costs)
                    let elapsed = ContinuousClock.now - start
                    cost = solution.cost
                    best = min(best, elapsed.seconds)
                }
                print("\(problem.name)\t\(problem.n)\t\(String(format: "%.0f", cost))\t\(String(format: "%.6f", best))")
            }
        }
    }
}
