import ClearwayApp
import ClearwayCore
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Logging
import SQLKit
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A `clearway serve` process the test can kill.
final class ServerProcess: @unchecked Sendable {
    // Only touched from the test's own task, one step after another; @unchecked because Process is not Sendable.
    let process = Process()
    let base: URL

    /// Starts the built `clearway` binary on `database` and waits for the line that names its URL.
    init(binary: URL, database: String, demo: Bool, extra: [String] = []) async throws {
        process.executableURL = binary
        process.arguments = ["serve", "--database", database, "--port", "0", "--bcrypt-cost", "4", "--log-level", "error"]
            + (demo ? ["--demo"] : []) + extra
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let handle = output.fileHandleForReading
        var seen = ""
        let deadline = Date().addingTimeInterval(120)
        while !seen.contains("/  (database"), Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { try await Task.sleep(for: .milliseconds(20)) } else { seen += String(decoding: chunk, as: UTF8.self) }
        }
        // The server's own line; with --demo a simulated bank announces its address too.
        guard let line = seen.range(of: "Clearway is running at "), let end = seen.range(of: "/  (database", range: line.upperBound..<seen.endIndex)
        else {
            process.terminate()
            throw StoreError.badLocation("clearway serve did not start: \(seen)")
        }
        base = URL(string: String(seen[line.upperBound..<end.lowerBound]))!
        // Keep draining stdout so the server never blocks on a full pipe.
        handle.readabilityHandler = { _ = $0.availableData }
    }

    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// Which idempotency keys the server acknowledged, and with which declaration. Clients take keys until the test has
/// done its kills (so there is always work in flight when one comes, however fast the server or slow the machine),
/// then until `extra` more are acknowledged.
actor Acknowledgements {
    private(set) var ids: [String: String] = [:]
    private var next = 0
    private var stopAt: Int?
    private(set) var base: URL
    init(base: URL) {
        self.base = base
    }
    func nextKey() -> String? {
        if let stopAt, next >= stopAt { return nil }
        next += 1
        return "crash-\(next)"
    }
    /// No keys after `extra` more than those handed out so far.
    func finish(extra: Int) { stopAt = next + extra }
    func record(_ key: String, _ id: String) { ids[key] = id }
    /// Requests that failed (connection refused or cut by a kill) and were retried.
    private(set) var retries = 0
    func retried() { retries += 1 }
    func move(to url: URL) { base = url }
}

@Suite("Crash safety", .serialized)
struct CrashSafetyTests {
    static var binary: URL? {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("clearway")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        let built = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/clearway")
        return FileManager.default.isExecutableFile(atPath: built.path) ? built : nil
    }

    /// Lodges one declaration under `key`, retrying through refused connections and restarts until acknowledged.
    static func lodge(_ key: String, _ ledger: Acknowledgements) async {
        let body = Data(declarationJSON().utf8)
        while true {
            var request = URLRequest(url: await ledger.base.appendingPathComponent("api/v1/declarations"))
            request.httpMethod = "POST"
            request.setValue("Bearer demo-token-trader", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue(key, forHTTPHeaderField: "Idempotency-Key")
            request.timeoutInterval = 5
            if let (data, response) = try? await URLSession.shared.upload(for: request, from: body),
               let status = (response as? HTTPURLResponse)?.statusCode, status == 201 || status == 200,
               let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let id = object["id"] as? String
            {
                await ledger.record(key, id)
                return
            }
            await ledger.retried()
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test("declarations lodged under load survive SIGKILL at random moments: every acknowledged one is there once and the audit chain holds",
          arguments: TestBackend.available)
    func killUnderLoad(backend: TestBackend) async throws {
        guard let binary = Self.binary else {
            Issue.record("the clearway binary is not built beside the tests; run swift build first")
            return
        }
        try await backend.withDatabaseLocation { database in
            var server = try await ServerProcess(binary: binary, database: database, demo: true)
            let baseline = try await Self.count(database)
            let ledger = Acknowledgements(base: server.base)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        while let key = await ledger.nextKey() { await Self.lodge(key, ledger) }
                    }
                }
                // Three crashes at random moments while clients are lodging (after some 60 to 80 more acknowledgements
                // each time), each followed by a restart; then the clients finish with 30 more.
                var random = SystemRandomNumberGenerator()
                for _ in 1...3 {
                    let threshold = await ledger.ids.count + 60 + Int.random(in: 0..<20, using: &random)
                    while await ledger.ids.count < threshold { try await Task.sleep(for: .milliseconds(5)) }
                    server.kill()
                    server = try await ServerProcess(binary: binary, database: database, demo: false)
                    await ledger.move(to: server.base)
                }
                await ledger.finish(extra: 30)
                try await group.waitForAll()
            }
            server.stop()

            let acknowledged = await ledger.ids
            let retries = await ledger.retries
            let lodged = acknowledged.count
            #expect(retries > 0, "the kills cut requests in flight")
            #expect(lodged >= 210)
            #expect(Set(acknowledged.values).count == lodged, "one declaration per idempotency key")
            let store = try await openStore(database, logger: Logger(label: "crash-test"))
            let (present, after, verification) = try await store.read { db in
                var present = 0
                for id in acknowledged.values where try await DeclarationTable.find(id, on: db) != nil { present += 1 }
                let after = try await db.raw("SELECT COUNT(*) AS n FROM declarations").first()!.decode(column: "n", as: Int.self)
                return (present, after, try await EventStore.verifyAll(on: db))
            }
            await store.close()
            #expect(present == lodged, "every acknowledged declaration is stored")
            #expect(after - baseline == lodged, "none lodged twice by a retry")
            #expect(verification.break == nil, "the audit chain verifies after the crashes")
        }
    }

    static func count(_ database: String) async throws -> Int {
        let store = try await openStore(database, logger: Logger(label: "crash-test"))
        let n = try await store.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM declarations").first()!.decode(column: "n", as: Int.self)
        }
        await store.close()
        return n
    }
}
