// swift-tools-version:6.2
import PackageDescription

// The package-benchmark suite (ordo-one/benchmark): the platform's hot paths in process, with wall clock, throughput,
// allocations and context switches. `cd Benchmarks && swift package benchmark`. A package of its own so that the
// platform's build and `swift test` do not build the benchmark tooling.
let package = Package(
    name: "clearway-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "clearway", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Intake",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ClearwayApp", package: "clearway"),
                .product(name: "ClearwayStore", package: "clearway"),
                .product(name: "ClearwayInterop", package: "clearway"),
                .product(name: "ClearwayCore", package: "clearway"),
            ],
            path: "Benchmarks/Intake",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
