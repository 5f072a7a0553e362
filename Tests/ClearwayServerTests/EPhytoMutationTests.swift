import ClearwayCore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("ePhyto certificates with elements set wrong")
struct EPhytoMutationTests {
    /// What NPPO systems and hand edits get wrong, and values past every bound: each replaces an element's text.
    static let values = [
        "", " ", "-1", "0", "1e400", "NaN", "CN", "EC", "XX", "名", "2026-02-30", "2026-13-01T00:00:00Z", "9999-12-31T23:59:59Z",
        "0000-00-00", "99999999999999999999", "&amp;", "&lt;x&gt;", "&#x0;", "&#x1F600;", "]]>", "\u{202E}evil",
        String(repeating: "9", count: 400), String(repeating: "名", count: 3_000),
    ]

    /// One to three changes: an element's text replaced, an element removed or repeated, or the certificate cut short.
    static func mutate(_ xml: String, _ rng: inout SplitMix64) -> (String, String) {
        var text = xml, said: [String] = []
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let kind = Int.random(in: 0..<8, using: &rng)
            if kind == 0 {
                let cut = Int.random(in: 0..<max(1, text.utf8.count), using: &rng)
                text = String(decoding: text.utf8.prefix(cut), as: UTF8.self)
                said.append("cut at byte \(cut)")
            } else if kind < 3, let element = text.ranges(of: #/<([A-Za-z0-9:]+)>[^<>]*</\1>/#).randomElement(using: &rng) {
                let whole = String(text[element])
                text.replaceSubrange(element, with: kind == 1 ? "" : whole + whole)
                said.append("\(whole.prefix(40)) \(kind == 1 ? "removed" : "repeated")")
            } else if let field = text.ranges(of: #/>([^<>]*)</#).randomElement(using: &rng) {
                let value = values.randomElement(using: &rng)!
                text.replaceSubrange(text.index(after: field.lowerBound)..<text.index(before: field.upperBound), with: value)
                said.append("text at \(text.distance(from: text.startIndex, to: field.lowerBound)) = \(value.prefix(20))")
            }
        }
        return (text, said.joined(separator: ", "))
    }

    @Test("the IPPC sample certificate with elements set to what senders get wrong, removed, repeated or cut short is each checked or refused saying why: never a server failure")
    func elementsSetWrong() async throws {
        guard let sample = SharedData.directory?.appendingPathComponent("ephyto/mattilsynet-ephyto-api/SPSCertificateContent.xml") else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        let xml = try String(contentsOf: sample, encoding: .utf8)
        // More cases: CLEARWAY_EPHYTO_MUTATIONS=3000 CLEARWAY_EPHYTO_SEED=7 swift test --filter EPhytoMutationTests
        let search = SeededSearch("EPHYTO", count: 200)
        try await withApp(.sqlite) { _, client in
            let body = declarationJSON(commodityCode: "0602909000")
                .replacingOccurrences(of: #""origin":"AU""#, with: #""origin":"AR""#)
                .replacingOccurrences(of: #""quantity":"1200""#, with: #""quantity":"10""#)
            let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: body))
            let id = try #require(try lodged.json()["id"] as? String)
            var rng = SplitMix64(state: search.seed)
            var answers = SearchAnswers()
            for index in 0..<search.count {
                let (text, what) = Self.mutate(xml, &rng)
                let response = try await client.send(Call(
                    method: .post, path: "/api/v1/declarations/\(id)/ephyto", token: "demo-token-quarantine",
                    raw: (Array(text.utf8), "application/xml")))
                answers.record(response, "case \(index) (\(what))") { response in
                    let problem = try? JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any]
                    let errors = problem?["errors"] as? [[String: Any]] ?? []
                    return problem?["title"] is String && !errors.contains { ($0["detail"] as? String ?? "").isEmpty }
                }
            }
            #expect(answers.failures.isEmpty, "\(answers.report(of: search.count))")
            #expect(answers.refused > 0 && answers.taken > 0, "the cases reach both the reading and the check behind it")
        }
    }
}
