import ClearwayCore
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Logging
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Counts per declaration, shared by the racing clients.
actor RaceTally {
    private(set) var wins: [String: Int] = [:]
    private(set) var conflicts = 0
    private(set) var unexpected: [String] = []
    func won(_ id: String) { wins[id, default: 0] += 1 }
    func lost() { conflicts += 1 }
    func odd(_ text: String) { unexpected.append(text) }
}

@Suite("Two nodes racing on one PostgreSQL", .serialized)
struct TwoNodeRaceTests {
    static func send(_ method: String, _ url: URL, body: String? = nil, ifMatch: Int? = nil) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("Bearer demo-token-trader", forHTTPHeaderField: "Authorization")
        request.timeoutInterval = 30
        if let ifMatch { request.setValue("\"\(ifMatch)\"", forHTTPHeaderField: "If-Match") }
        let (data, response): (Data, URLResponse)
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            (data, response) = try await URLSession.shared.upload(for: request, from: Data(body.utf8))
        } else {
            (data, response) = try await URLSession.shared.data(for: request)
        }
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    @Test("64 clients on two nodes racing on 100 declarations: no lost update, conflicts answered 409, every state equal to a replay of its events",
          .enabled(if: TestBackend.postgresURL != nil, "needs CLEARWAY_TEST_POSTGRES (.ci/run sets it)"))
    func race() async throws {
        guard let binary = CrashSafetyTests.binary else {
            Issue.record("the clearway binary is not built beside the tests")
            return
        }
        try await TestBackend.postgres.withDatabaseLocation { database in
            let a = try await ServerProcess(binary: binary, database: database, demo: true)
            let b = try await ServerProcess(binary: binary, database: database, demo: false)
            defer {
                a.stop()
                b.stop()
            }
            let nodes = [a.base, b.base]
            var ids: [String] = []
            for _ in 0..<100 {
                let (status, object) = try await Self.send("POST", a.base.appendingPathComponent("api/v1/declarations"), body: declarationJSON())
                #expect(status == 201)
                ids.append(object["id"] as? String ?? "")
            }
            let tally = RaceTally()
            let declarations = ids
            await withTaskGroup(of: Void.self) { group in
                for client in 0..<64 {
                    group.addTask {
                        var random = SystemRandomNumberGenerator()
                        for op in 0..<8 {
                            let id = declarations.randomElement(using: &random)!
                            let node = nodes[(client + op) % 2]
                            guard let (_, read) = try? await Self.send("GET", node.appendingPathComponent("api/v1/declarations/\(id)")),
                                  let version = read["version"] as? Int
                            else { await tally.odd("read failed"); continue }
                            let other = nodes[(client + op + 1) % 2]
                            let body = #"{"means":"VESSEL \#(client)-\#(op)","voyage":"V\#(op)"}"#
                            guard let (status, _) = try? await Self.send(
                                "POST", other.appendingPathComponent("api/v1/declarations/\(id)/transport"), body: body, ifMatch: version)
                            else { await tally.odd("write failed"); continue }
                            switch status {
                            case 200: await tally.won(id)
                            case 409: await tally.lost()
                            default: await tally.odd("status \(status)")
                            }
                        }
                    }
                }
            }
            let unexpected = await tally.unexpected
            #expect(unexpected.isEmpty, "\(unexpected.prefix(5))")
            let wins = await tally.wins
            let conflicts = await tally.conflicts
            #expect(wins.values.reduce(0, +) + conflicts == 64 * 8)
            #expect(conflicts > 0, "two nodes and 64 clients on 100 declarations do collide")

            let store = try await openStore(database, logger: Logger(label: "race"))
            for id in ids {
                let events = try await store.read { db in try await EventStore.load(stream: id, on: db) }
                let replayed = Declaration.replay(id: id, try events.map { try $0.decode(as: Declaration.Event.self) })
                let bound = events.filter { $0.name == "transport-bound" }.count
                #expect(bound == wins[id, default: 0], "every acknowledged write is in the log, and only those")
                let (_, projected) = try await Self.send("GET", b.base.appendingPathComponent("api/v1/declarations/\(id)"))
                #expect(projected["version"] as? Int == replayed.version)
                let transport = projected["transport"] as? [String: Any]
                #expect(transport?["means"] as? String == replayed.draft?.transport.means)
            }
            await store.close()
        }
    }
}
