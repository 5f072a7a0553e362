import ClearwayCore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("EDIFACT interchanges with elements set wrong")
struct EDIFACTMutationTests {
    /// What senders' systems get wrong, and values past every bound: each replaces a data element, or part of one.
    static let values = [
        "", "?", "??", "?'", "'", "+", ":", "::::", "-1", "0", "00000", "999999999999999999999", "1e400", "NaN",
        "202613320000", "202602301200", "260230:2500", "99991231235959", "CSQU3054384", "ZZZZ0000000", "名", "ÿ", "\u{0}",
        "\u{202E}evil", "UNH", "UNZ", "UNT", String(repeating: "9", count: 400), String(repeating: "A", count: 40_000),
    ]

    /// Interchanges the platform takes: a CUSDEC, a terminal's discharge report and gate-out, and the public samples'
    /// terminal messages where `../shared/data` is present.
    static func interchanges() -> [(text: String, token: String)] {
        func terminal(_ message: String, _ code: String) -> String {
            "UNA:+.? 'UNB+UNOC:3+YANGSHAN+CLEARWAY+260528:0800+42'UNH+1+\(message):D:95B:UN'BGM+\(code)+R1+9'"
                + "TDT+20+045E+1++COS:172:20+++9783:103::COSCO SHIPPING ARIES'EQD+CN+CSQU3054383+22G1'DTM+203:202605280830:203'"
                + "UNT+6+1'UNZ+1+42'"
        }
        var all = [
            (EDIHTTPTests.cusdec(), "demo-token-trader"), (terminal("COARRI", "44"), "demo-token-terminal"),
            (terminal("CODECO", "36"), "demo-token-terminal"),
        ]
        if let data = SharedData.directory {
            for name in ["D95BCOARRI.edi", "D95BBAPLIE.edi", "example_release_character.edi"] {
                if let text = try? String(contentsOf: data.appendingPathComponent("edifact/php-edifact/\(name)"), encoding: .utf8) {
                    all.append((text, "demo-token-terminal"))
                }
            }
        }
        return all
    }

    /// One to three changes: an element's text replaced, a segment removed or repeated, or the interchange cut short.
    static func mutate(_ text: String, _ rng: inout SplitMix64) -> (String, String) {
        var text = text, said: [String] = []
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0:
                let segments = text.split(separator: "'", omittingEmptySubsequences: false)
                guard segments.count > 1 else { break }
                let index = Int.random(in: 0..<segments.count, using: &rng)
                var kept = segments.map(String.init)
                kept.remove(at: index)
                text = kept.joined(separator: "'")
                said.append("segment \(index) removed")
            case 1:
                let segments = text.split(separator: "'", omittingEmptySubsequences: false).map(String.init)
                let index = Int.random(in: 0..<segments.count, using: &rng)
                var kept = segments
                kept.insert(segments[index], at: index)
                text = kept.joined(separator: "'")
                said.append("segment \(index) repeated")
            case 2:
                let cut = Int.random(in: 0..<max(1, text.utf8.count), using: &rng)
                text = String(decoding: text.utf8.prefix(cut), as: UTF8.self)
                said.append("cut at byte \(cut)")
            default:
                let elements = text.ranges(of: #/[+:]([^+:'?]*)/#)
                guard let element = elements.randomElement(using: &rng) else { break }
                let value = values.randomElement(using: &rng)!
                text.replaceSubrange(text.index(after: element.lowerBound)..<element.upperBound, with: value)
                said.append("element at \(text.distance(from: text.startIndex, to: element.lowerBound)) = \(value.prefix(20))")
            }
        }
        return (text, said.joined(separator: ", "))
    }

    @Test("interchanges with elements set to what senders get wrong, segments lost or repeated, or cut short are each answered, a refusal naming segment and element: never a server failure")
    func elementsSetWrong() async throws {
        // More cases, or other ones, for a longer search: CLEARWAY_EDI_MUTATIONS=5000 CLEARWAY_EDI_SEED=7 swift test --filter EDIFACTMutationTests
        let search = SeededSearch("EDI", count: 300)
        let interchanges = Self.interchanges()
        try await withApp(.sqlite) { _, client in
            var rng = SplitMix64(state: search.seed)
            var answers = SearchAnswers()
            for index in 0..<search.count {
                let (original, token) = interchanges.randomElement(using: &rng)!
                let (text, what) = Self.mutate(original, &rng)
                let response = try await client.send(Call(
                    method: .post, path: "/api/v1/edi", token: token, raw: (Array(text.utf8), "application/edifact")))
                answers.record(response, "case \(index) (\(what))") { response in
                    let problem = try? JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any]
                    let errors = problem?["errors"] as? [[String: Any]] ?? []
                    return problem?["title"] is String
                        && !errors.contains { ($0["pointer"] as? String) == nil || ($0["detail"] as? String ?? "").isEmpty }
                }
            }
            #expect(answers.failures.isEmpty, "\(answers.report(of: search.count))")
            #expect(answers.refused > 0 && answers.taken > 0, "the cases reach both the checks and what lies behind them")
            #expect(try await client.send(Call(method: .get, path: "/healthz")).status == .ok)
        }
    }
}
