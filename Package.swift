// swift-tools-version:6.2
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "clearway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "clearway", targets: ["clearway"]),
        .library(name: "ClearwayCore", targets: ["ClearwayCore"]),
        // For the package-benchmark suite in Benchmarks/, which builds on its own.
        .library(name: "ClearwayApp", targets: ["ClearwayApp"]),
        .library(name: "ClearwayStore", targets: ["ClearwayStore"]),
        .library(name: "ClearwayInterop", targets: ["ClearwayInterop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        .target(
            name: "ClearwayCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Collections", package: "swift-collections"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "ClearwayInterop",
            dependencies: ["ClearwayCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: upcoming
        ),
        .target(
            name: "ClearwayStore",
            dependencies: [
                "ClearwayCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "ClearwayApp",
            dependencies: [
                "ClearwayCore",
                "ClearwayStore",
                "ClearwayInterop",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "ClearwayAPI",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            resources: [.copy("openapi.yaml")],
            swiftSettings: [.unsafeFlags(["-suppress-warnings"])],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .target(
            name: "ClearwayServer",
            dependencies: [
                "ClearwayCore",
                "ClearwayApp",
                "ClearwayStore",
                "ClearwayAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                "ClearwayInterop",
            ],
            resources: [.copy("Resources/Templates"), .copy("Resources/Locales")],
            swiftSettings: upcoming
        ),
        .target(
            name: "ClearwaySim",
            dependencies: [
                "ClearwayCore",
                "ClearwayInterop",
                .product(name: "Collections", package: "swift-collections"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "clearway",
            dependencies: [
                "ClearwayCore",
                "ClearwayStore",
                "ClearwayApp",
                "ClearwayServer",
                "ClearwaySim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "ClearwayTestSupport",
            dependencies: [
                "ClearwayCore", "ClearwayStore", "ClearwayApp",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/ClearwayTestSupport",
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ClearwayCoreTests",
            dependencies: ["ClearwayCore", "ClearwayInterop", "ClearwayTestSupport"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ClearwaySimTests",
            dependencies: ["ClearwayCore", "ClearwaySim"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ClearwayStoreTests",
            dependencies: [
                "ClearwayCore", "ClearwayStore", "ClearwayApp", "ClearwayTestSupport",
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ClearwayServerTests",
            dependencies: [
                "ClearwayCore", "ClearwayStore", "ClearwayApp", "ClearwayServer", "ClearwayAPI", "ClearwayTestSupport",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: upcoming
        ),
    ]
)
