import ClearwayApp
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Backend parity")
struct BackendParityTests {
    /// A script of API calls covering lodging, reading, listing, amending, binding, cancelling and refusals.
    static let script: [Call] = [
        Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON()),
        Call(method: .post, path: "/api/v1/declarations", token: "demo-token-broker", json: declarationJSON(declarant: Demo.harbourBrokers)),
        Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON(commodityCode: "8517120000")),
        Call(method: .get, path: "/api/v1/declarations/224820261000000001", token: "demo-token-trader"),
        Call(method: .get, path: "/api/v1/declarations/224820261000000002", token: "demo-token-trader"),
        Call(method: .put, path: "/api/v1/declarations/224820261000000001", token: "demo-token-trader",
             json: declarationJSON(extra: #""billOfLading":"COSU6245187340","#)),
        Call(method: .post, path: "/api/v1/declarations/224820261000000001/transport", token: "demo-token-trader",
             json: #"{"means":"COSCO SHIPPING ARIES","voyage":"045E"}"#),
        Call(method: .post, path: "/api/v1/declarations/224820261000000002/reject", token: "demo-token-officer",
             json: #"{"reason":"missing documents"}"#),
        Call(method: .post, path: "/api/v1/declarations/224820261000000002/cancel", token: "demo-token-broker",
             json: #"{"reason":"too late"}"#),
        Call(method: .get, path: "/api/v1/declarations?status=accepted", token: "demo-token-officer"),
        Call(method: .get, path: "/api/v1/declarations/224820261000000001/events", token: "demo-token-officer"),
        Call(method: .get, path: "/api/v1/parties/p-east-ocean", token: "demo-token-trader"),
        Call(method: .post, path: "/api/v1/parties/p-east-ocean/credit-tier", token: "demo-token-officer", json: #"{"tier":"certified"}"#),
        Call(method: .get, path: "/api/v1/offices"),
        Call(method: .get, path: "/api/v1/ports"),
    ]

    /// Replaces what legitimately differs between runs (generated ids, hashes, wall-clock times) by placeholders.
    static func normalized(_ text: String) -> String {
        let patterns = [
            (#"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#, "<id>"),
            (#"[0-9a-f]{64}"#, "<hash>"),
            (#""position" : \d+"#, "\"position\" : <n>"),
        ]
        var result = text
        for (pattern, replacement) in patterns {
            result = result.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return result
    }

    static func transcript(_ backend: TestBackend) async throws -> [String] {
        try await withApp(backend, clock: TestClock()) { _, client in
            var lines: [String] = []
            for call in script {
                let response = try await client.send(call)
                lines.append("\(call.method) \(call.path) → \(response.status.code)\n\(normalized(response.text))")
            }
            return lines
        }
    }

    @Test("the same API script gives identical results on SQLite and PostgreSQL")
    func parity() async throws {
        let sqlite = try await Self.transcript(.sqlite)
        #expect(sqlite.map { $0.split(separator: "\n")[0].suffix(3) } == [
            "201", "201", "422", "200", "404", "200", "200", "200", "409", "200", "200", "200", "200", "200", "200",
        ])
        guard TestBackend.available.contains(.postgres) else {
            print("PostgreSQL half skipped: CLEARWAY_TEST_POSTGRES is not set")
            return
        }
        let postgres = try await Self.transcript(.postgres)
        for (index, pair) in zip(sqlite, postgres).enumerated() where pair.0 != pair.1 {
            Issue.record("step \(index) differs:\nSQLite:\n\(pair.0)\nPostgreSQL:\n\(pair.1)")
        }
    }
}
