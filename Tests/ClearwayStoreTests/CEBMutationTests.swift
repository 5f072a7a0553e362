import ClearwayApp
import ClearwayCore
import ClearwayInterop
import ClearwayTestSupport
import Foundation
import Testing

@Suite("CEB messages with fields set wrong")
struct CEBMutationTests {
    /// What firms' systems get wrong, and values past every bound: each replaces a field's text.
    static let values = [
        "", " ", "-1", "0", "-0", "00", "0.000001", "1e5", "NaN", "inf", "+5", "5-", "1.2.3", "0x10", "２", "９９", "٣",
        "99999999999999", "99999999999999.99999", "92233720368547.75807", "92233720368547.75808", "-92233720368547.75808",
        "9223372036854775807", "18446744073709551616", "-9223372036854775808", "999999999999999999999999999999",
        "20261301250000", "20260230000000", "99991231235959", "00000000000000", "2026-05-28T10:00:00Z", "142", "502", "999",
        "3304990099", "0000000000", "1", "2", "3", "I", "E", "\u{202E}evil", "名", String(repeating: "9", count: 400),
        String(repeating: "名", count: 300), "&amp;", "&lt;x&gt;", "&#x1F600;", "&#65;",
    ]

    /// Replaces the text of one to three fields (an element's text before its closing tag) with values above.
    static func mutate(_ xml: String, _ rng: inout SplitMix64) -> String {
        var text = xml
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let fields = text.ranges(of: #/>([^<>]*)</#)
            guard let field = fields.randomElement(using: &rng) else { break }
            let inner = text.index(after: field.lowerBound)..<text.index(before: field.upperBound)
            text.replaceSubrange(inner, with: values.randomElement(using: &rng)!)
        }
        return text
    }

    @Test("CEB messages with one to three fields set to what firms get wrong, or past every bound, are each answered by a receipt or by CEB900, and the platform goes on")
    func fieldsSetWrong() async throws {
        // More cases, or other ones, for a longer search: CLEARWAY_CEB_MUTATIONS=20000 CLEARWAY_CEB_SEED=7 swift test --filter CEBMutationTests
        let search = SeededSearch("CEB", count: 400)
        let count = search.count
        var rng = SplitMix64(state: search.seed)
        try await TestBackend.sqlite.withClearway { clearway in
            let rules = try await clearway.crossBorderRules()
            let generator = CEBGenerator(seed: 29, buyers: 50)
            var senders: [Principal] = []
            for name in ECommerceTests.senders { senders.append(try await Demo.principal(name, in: clearway)) }
            var answered = 0, refusedWhole = 0
            for index in 0..<count {
                let messages = generator.parcel(index % 60, rules: rules, at: Date())
                let which = Int.random(in: 0..<4, using: &rng)
                let mutated = Self.mutate(String(decoding: messages.all[which], as: UTF8.self), &rng)
                let answer = try await clearway.receiveCEB(Data(mutated.utf8), by: senders[which])
                let root = try XMLTree.parse(answer.receipt)
                #expect(root.localName == answer.receiptType, "case \(index)")
                answered += 1
                if answer.receiptType == "CEB900Message" { refusedWhole += 1 }
            }
            #expect(answered == count)
            #expect(refusedWhole > 0 && refusedWhole < count, "the cases reach both the schema check and the rules behind it")
            let health = try await clearway.parcelCounts()
            #expect(!health.isEmpty, "the platform still reads its parcels")
        }
    }
}
