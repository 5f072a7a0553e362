import ClearwayStore
import Foundation
import Logging
import SQLKit
import Testing

@Suite("Living demo", .serialized)
struct LiveDemoTests {
    static func count(_ database: String, _ sql: String) async throws -> Int {
        let store = try await openStore(database, logger: Logger(label: "live-demo-test"))
        let n = try await store.read { db in try await db.raw(SQLQueryString(sql)).first()!.decode(column: "n", as: Int.self) }
        await store.close()
        return n
    }

    @Test("serve --demo --live replays a simulated day: boxes are lodged, released and gated out, parcels cleared")
    func replaysADay() async throws {
        guard let binary = CrashSafetyTests.binary else {
            Issue.record("the clearway binary is not built beside the tests; run swift build first")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("live.sqlite").path
        // 20,000 simulated seconds a second: the day takes about 4 seconds.
        let server = try await ServerProcess(binary: binary, database: database, demo: true,
                                             extra: ["--live", "--speed", "20000", "--live-parcels", "30"])
        defer { server.stop() }
        let liveBoxes = "SELECT COUNT(*) AS n FROM port_events WHERE kind = 'gated-out' AND outcome = 'applied' AND container LIKE 'LIVU%'"
        var out = 0, parcels = 0
        let deadline = Date().addingTimeInterval(180)
        while out < 80 || parcels < 24 + 30, Date() < deadline {
            try await Task.sleep(for: .seconds(1))
            out = try await Self.count(database, liveBoxes)
            parcels = try await Self.count(database, "SELECT COUNT(*) AS n FROM cbec_parcels")
        }
        // Two vessels of 40 boxes in the day; each box's gate-out was accepted by the platform's own rules.
        #expect(out == 80)
        let released = try await Self.count(database, "SELECT COUNT(*) AS n FROM declarations WHERE status = 'released'")
        #expect(released >= 80)
        // The demo's 24 parcels and the day's 30, each matched from its four CEB messages.
        #expect(parcels == 24 + 30)
    }
}
