import ClearwayApp
import ClearwayCore
import ClearwayStore
import Foundation
import Logging
import PostgresNIO
import SQLKit
import Synchronization

/// A database engine a test runs on: SQLite always, PostgreSQL when `CLEARWAY_TEST_POSTGRES` holds a URL.
public enum TestBackend: String, Sendable, CustomStringConvertible, CaseIterable {
    case sqlite
    case postgres

    public var description: String { rawValue }

    /// The engines available in this run.
    public static var available: [TestBackend] {
        postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["CLEARWAY_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Opens an empty, migrated store of this engine, runs `body`, and throws the store away.
    public func withStore<T: Sendable>(_ body: (any Store) async throws -> T) async throws -> T {
        try await withDatabaseLocation { location in
            try await run(try await openStore(location, logger: Logger(label: "test")), body)
        }
    }

    /// An empty database of this engine that another process can open: a SQLite file path or a PostgreSQL URL.
    /// Dropped afterwards.
    public func withDatabaseLocation<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-test-\(UUID().uuidString).sqlite").path
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            return try await body(path)
        case .postgres:
            guard let url = Self.postgresURL, var components = URLComponents(string: url) else {
                throw StoreError.badLocation("CLEARWAY_TEST_POSTGRES is not set")
            }
            let name = "cw_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            let admin = try await PostgresStore(url: url, maximumConnections: 1, logger: Logger(label: "test"))
            try await admin.read { db in try await db.raw("CREATE DATABASE \(unsafeRaw: String(name))").run() }
            components.path = "/" + name
            let result: Result<T, any Error>
            do { result = .success(try await body(components.string!)) } catch { result = .failure(error) }
            try? await admin.read { db in try await db.raw("DROP DATABASE \(unsafeRaw: String(name)) WITH (FORCE)").run() }
            await admin.close()
            return try result.get()
        }
    }

    private func run<T: Sendable>(_ store: any Store, _ body: (any Store) async throws -> T) async throws -> T {
        do {
            try await Migrations.run(on: store)
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// A Clearway on a fresh store of this engine with reference data and the demo parties and users loaded.
    public func withClearway<T: Sendable>(
        clock: TestClock = TestClock(), configure: (inout Clearway.Environment) -> Void = { _ in },
        _ body: (Clearway) async throws -> T
    ) async throws -> T {
        try await withStore { store in
            var environment = clock.environment
            configure(&environment)
            let clearway = Clearway(store: store, environment: environment, logger: Logger(label: "test"))
            try await clearway.loadReferenceData(from: DataDirectory.locate())
            _ = try await clearway.seedDemo(from: DataDirectory.locate())
            return try await body(clearway)
        }
    }
}

/// A manual clock for tests: time moves only when the test says so.
public final class TestClock: Sendable {
    private let current: Mutex<Date>
    private let ids = Atomic<Int>(0)

    public init(_ start: Date = Date(timeIntervalSince1970: 1_780_000_000)) { current = Mutex(start) }

    public var now: Date { current.withLock { $0 } }
    public func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }

    /// Effects for a Clearway under test: this clock, cheap bcrypt, the platform's own ids, a fixed random-selection
    /// seed, and lanes decided by the test playing the officer (selectivity tests switch automatic lanes on).
    public var environment: Clearway.Environment {
        var environment = Clearway.Environment(now: { self.now }, bcryptCost: 4)
        environment.selectivity = .byOfficer
        environment.makeSeed = { Data(repeating: 7, count: 32) }
        return environment
    }
}

/// The demo users' principals, as `Data/demo/users.csv` defines them.
public enum Demo {
    public static func principal(_ username: String, in clearway: Clearway) async throws -> Principal {
        guard let found = try await clearway.authenticate(token: "demo-token-\(username)") else {
            throw StoreError.badLocation("no demo user \(username)")
        }
        return found.principal
    }

    /// The credit codes of demo parties.
    public static let eastOcean = "913100007178848X2R"
    public static let harbourBrokers = "91310115MA1K4N0B3M"
    public static let yangtzeFoods = "91320100MA1MXK8E1D"

    /// A valid import declaration by East Ocean at Yangshan, its own trading party.
    public static func importForm(
        declarant: String = eastOcean, tradingParty: String = eastOcean, office: String = "2248",
        commodityCode: String = "2106909090", container: String = "CSQU3054383"
    ) -> DeclarationForm {
        DeclarationForm(
            direction: "import", supervisionMode: "0110", declarant: declarant, tradingParty: tradingParty,
            overseasParty: "Sydney Foods Pty Ltd", declarationOffice: office, entryExitOffice: office,
            transport: TransportForm(mode: "2", means: "COSCO SHIPPING ARIES", voyage: "045E"),
            billOfLading: "COSU6245187340", incoterm: "CIF",
            containers: [ContainerForm(number: container, seals: ["SH123456"])],
            items: [
                ItemForm(
                    commodityCode: commodityCode, description: "Food preparations", quantity: "1200", unit: "KGM",
                    value: "15000.50", currency: "USD", origin: "AU")
            ])
    }
}

/// Where the shared third-party test data is, or nil (with the reason) when this clone has none beside it.
public enum SharedData {
    public static var directory: URL? {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}
