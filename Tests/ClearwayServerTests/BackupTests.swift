import ClearwayCore
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Logging
import SQLKit
import Testing

@Suite("Backup and restore", .serialized)
struct BackupTests {
    /// Runs the built `clearway` with arguments; returns its exit status and everything it printed.
    static func clearway(_ arguments: [String]) throws -> (status: Int32, output: String) {
        guard let binary = CrashSafetyTests.binary else { throw StoreError.badLocation("the clearway binary is not built") }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments + ["--log-level", "error"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    static func declarations(_ location: String) async throws -> [String] {
        let store = try await openStore(location, logger: Logger(label: "backup-test"))
        let ids = try await store.read { db in
            try await db.raw("SELECT id FROM declarations ORDER BY id").all().map { try $0.decode(column: "id", as: String.self) }
        }
        await store.close()
        return ids
    }

    static var hasPostgresTools: Bool {
        ["/usr/bin/pg_dump", "/usr/local/bin/pg_dump"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test("a backup restores elsewhere with every declaration and every hash chain intact",
          arguments: TestBackend.available)
    func roundTrip(backend: TestBackend) async throws {
        if backend == .postgres && !Self.hasPostgresTools {
            Issue.record("pg_dump is not installed; .ci/run installs it with PostgreSQL")
            return
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-backup-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await backend.withDatabaseLocation { source in
            let seeded = try Self.clearway(["demo", "--database", source])
            #expect(seeded.status == 0, "\(seeded.output)")
            let original = try await Self.declarations(source)
            #expect(!original.isEmpty)
            let saved = try Self.clearway(["backup", "--database", source, "--out", file])
            #expect(saved.status == 0, "\(saved.output)")
            let again = try Self.clearway(["backup", "--database", source, "--out", file])
            #expect(again.status != 0 && again.output.contains("exists"), "a backup never overwrites a file")
            try await backend.withDatabaseLocation { target in
                let restored = try Self.clearway(["restore", "--from", file, "--database", target])
                #expect(restored.status == 0, "\(restored.output)")
                #expect(restored.output.contains("every chain holds"))
                #expect(try await Self.declarations(target) == original)
            }
        }
    }

    @Test("a backup altered after it was taken restores but fails verification, naming the broken event")
    func tamperedBackup() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-backup-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await TestBackend.sqlite.withDatabaseLocation { source in
            _ = try Self.clearway(["demo", "--database", source])
            _ = try Self.clearway(["backup", "--database", source, "--out", file])
            let store = try await openStore(file, logger: Logger(label: "backup-test"))
            try await store.transaction { db in
                try await db.raw("UPDATE events SET payload = REPLACE(payload, 'Demo goods', 'Other goods') WHERE name = 'accepted'").run()
            }
            await store.close()
            try await TestBackend.sqlite.withDatabaseLocation { target in
                let restored = try Self.clearway(["restore", "--from", file, "--database", target])
                #expect(restored.status == 2, "\(restored.output)")
                #expect(restored.output.contains("BROKEN"))
            }
        }
    }
}
