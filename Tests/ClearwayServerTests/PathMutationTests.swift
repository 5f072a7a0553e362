import ClearwayApp
import ClearwayCore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Paths and queries set wrong")
struct PathMutationTests {
    /// What hand-made links and scripts put in a path segment or a query value, already encoded as sent.
    static let values = [
        "", "-1", "0", "1e400", "9223372036854775808", "NaN", "%00", "%FF", "%ZZ", "%", "..", "..%2F..%2Fetc%2Fpasswd",
        "%E5%90%8D", "2026-02-30", "2026-13-01T00:00:00Z", "9999-12-31T23:59:59Z", "0000-01-01", "true", "null",
        "%27%20OR%201%3D1%20--", "%3Cscript%3E", "CSQU3054384", "224820261000000999", String(repeating: "x", count: 4_000),
    ]

    /// One to three changes to a path and its query: a segment after /api/v1/ or a query value replaced, a query
    /// parameter removed, repeated or added.
    static func mutate(_ path: String, _ rng: inout SplitMix64) -> (String, String) {
        let parts = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var segments = parts[0].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var query = parts.count > 1 ? parts[1].split(separator: "&").map { pair -> (String, String) in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(kv[0]), kv.count > 1 ? String(kv[1]) : "")
        } : []
        // Segments past the fixed prefix (/api/v1/name, or a page's first segment) are what a caller chooses.
        let fixed = segments.count > 2 && segments[1] == "api" ? 4 : 2
        var said: [String] = []
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let value = values.randomElement(using: &rng)!
            let kind = Int.random(in: 0..<6, using: &rng)
            if kind < 2 && segments.count > fixed {
                let index = Int.random(in: fixed..<segments.count, using: &rng)
                said.append("segment \(index) = \(value.prefix(20))")
                segments[index] = value
            } else if kind == 2 && !query.isEmpty {
                let index = Int.random(in: 0..<query.count, using: &rng)
                said.append("\(query[index].0) removed")
                query.remove(at: index)
            } else if kind == 3 && !query.isEmpty {
                let index = Int.random(in: 0..<query.count, using: &rng)
                said.append("\(query[index].0) repeated as \(value.prefix(20))")
                query.append((query[index].0, value))
            } else if kind == 4 || query.isEmpty {
                let name = ["limit", "cursor", "after", "from", "to", "status", "last", "by", "site", "port"].randomElement(using: &rng)!
                said.append("\(name) = \(value.prefix(20)) added")
                query.append((name, value))
            } else {
                let index = Int.random(in: 0..<query.count, using: &rng)
                said.append("\(query[index].0) = \(value.prefix(20))")
                query[index].1 = value
            }
        }
        let text = segments.joined(separator: "/") + (query.isEmpty ? "" : "?" + query.map { "\($0.0)=\($0.1)" }.joined(separator: "&"))
        return (text, said.joined(separator: ", "))
    }

    @Test("every operation's path and query, a segment or value set to what hand-made links carry, parameters removed, repeated or added, is answered with a problem or a page that says what is wrong, or served: never a server failure")
    func pathsSetWrong() async throws {
        // More cases: CLEARWAY_PATH_MUTATIONS=30 CLEARWAY_PATH_SEED=7 swift test --filter PathMutationTests
        let search = SeededSearch("PATH", count: 3)
        try await withApp(.sqlite) { clearway, client in
            var rng = SplitMix64(state: search.seed)
            var answers = SearchAnswers(), cases = 0
            for endpoint in AuthorizationMatrixTests.endpoints {
                let roles = endpoint.allowed.sorted { $0.rawValue < $1.rawValue }
                for round in 0..<search.count {
                    let role = roles.randomElement(using: &rng)
                    var call = try await endpoint.request(clearway, role)
                    let (path, what) = Self.mutate(call.path, &rng)
                    call.path = path
                    cases += 1
                    let response = try await client.send(call)
                    answers.record(response, "\(endpoint.operation) as \(role?.rawValue ?? "anyone"), case \(round) (\(what))") { response in
                        if response.text.contains("<html") { return true }
                        let problem = try? JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any]
                        return problem?["title"] is String && problem?["status"] as? Int == Int(response.status.code)
                    }
                }
            }
            #expect(answers.failures.isEmpty, "\(answers.report(of: cases))")
            #expect(answers.refused > 0 && answers.taken > 0, "the cases reach both the checks and what lies behind them")
        }
    }
}
