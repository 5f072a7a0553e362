import ClearwayApp
import ClearwayCore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Page forms with fields set wrong")
struct PageFormMutationTests {
    /// What people type or paste wrong, and what a hand-made post sends: each replaces a field's encoded value.
    static let values = [
        "", "+", "-1", "0", "1e400", "99999999999999999999.99", "12.345", "NaN", "%00", "%FF", "%ZZ", "%", "%E5%90%8D",
        "2026-02-30", "2026-13-01T00:00:00Z", "9999-12-31T23:59:59Z", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "%26", "%3D",
        "CSQU3054384", "0000000000", String(repeating: "x", count: 70_000), String(repeating: "%E5%90%8D", count: 3_000),
    ]

    /// A form as a page posts it, fields in order with their values already encoded.
    struct Form {
        var user: String
        var page: String
        var post: String
        var fields: [(String, String)]
    }

    static func forms(_ clearway: Clearway) async throws -> [Form] {
        try await clearway.seedDemoExports()
        let exports = try await clearway.exportRecords(by: try await Demo.principal("admin", in: clearway))
        let record = try #require(exports.first { $0.rebateFiled == nil }).id
        let declaration: [(String, String)] = [
            ("direction", "import"), ("procedure", "serial"), ("supervisionMode", "0110"), ("declarant", Demo.eastOcean),
            ("tradingParty", Demo.eastOcean), ("declarationOffice", "2248"), ("entryExitOffice", "2248"), ("transportMode", "2"),
            ("means", "COSCO+SHIPPING+ARIES"), ("voyage", "045E"), ("incoterm", "CIF"), ("container", "CSQU3054383"), ("seal", "SH1"),
            ("commodityCode", "2106909090"), ("description", "Food+preparations"), ("quantity", "10"), ("unit", "KGM"),
            ("value", "100.00"), ("currency", "USD"), ("origin", "AU"), ("submission", "form-1"),
        ]
        return [
            Form(user: "trader", page: "/app/declarations/new", post: "/app/declarations", fields: declaration),
            Form(user: "officer", page: "/app/risk-rules", post: "/app/risk-rules", fields: [
                ("id", "food-prep"), ("name", "Food+preparations"), ("commodityPrefixes", "2106"), ("originCountries", "AU"),
                ("lane", "documentary"), ("last", "100"), ("action", "dry-run"),
            ]),
            Form(user: "trader", page: "/app/appointments?site=YS-H986-A", post: "/app/appointments", fields: [
                ("site", "YS-H986-A"), ("start", "2026-05-29T08%3A00%3A00Z"), ("purpose", "inspection"),
            ]),
            Form(user: "tax", page: "/app/exports/\(record)", post: "/app/exports/\(record)", fields: [
                ("action", "file"), ("amount", "120.50"), ("reference", "SAT-9"),
            ]),
            Form(user: "forex", page: "/app/exports/\(record)", post: "/app/exports/\(record)", fields: [
                ("action", "receipt"), ("amount", "12.34"), ("currency", "USD"), ("receivedOn", "2026-05-28"), ("bankReference", "B1"),
            ]),
        ]
    }

    /// One to three fields given values above, removed or sent twice; says which.
    static func mutate(_ fields: [(String, String)], _ rng: inout SplitMix64) -> ([(String, String)], String) {
        var fields = fields, said: [String] = []
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            guard !fields.isEmpty else { break }
            let index = Int.random(in: 0..<fields.count, using: &rng)
            switch Int.random(in: 0..<8, using: &rng) {
            case 0:
                said.append("\(fields[index].0) removed")
                fields.remove(at: index)
            case 1:
                let value = values.randomElement(using: &rng)!
                said.append("\(fields[index].0) sent again as \(value.prefix(20))")
                fields.append((fields[index].0, value))
            default:
                let value = values.randomElement(using: &rng)!
                said.append("\(fields[index].0) = \(value.prefix(20))")
                fields[index].1 = value
            }
        }
        return (fields, said.joined(separator: ", "))
    }

    @Test("the pages' forms, one to three fields set to what people type wrong, removed or sent twice, are each answered with the form and what is wrong, or done: never a server failure")
    func fieldsSetWrong() async throws {
        // More cases: CLEARWAY_FORM_MUTATIONS=3000 CLEARWAY_FORM_SEED=7 swift test --filter PageFormMutationTests
        let search = SeededSearch("FORM", count: 150)
        try await withApp(.sqlite) { clearway, client in
            var rng = SplitMix64(state: search.seed)
            let forms = try await Self.forms(clearway)
            var cookies: [String: String] = [:]
            var answers = SearchAnswers()
            for index in 0..<search.count {
                let form = forms.randomElement(using: &rng)!
                if cookies[form.user] == nil { cookies[form.user] = try await PageHTTPTests.logIn(client, form.user) }
                let cookie = cookies[form.user]!
                let page = try await client.send(Call(method: .get, path: form.page, headers: [.cookie: cookie, .acceptLanguage: "en"]))
                let (fields, what) = Self.mutate(form.fields, &rng)
                let body = (["csrf=\(PageHTTPTests.csrf(page.text))"] + fields.map { "\($0.0)=\($0.1)" }).joined(separator: "&")
                let response = try await client.send(Call(
                    method: .post, path: form.post, headers: [.cookie: cookie, .acceptLanguage: "en"],
                    raw: (Array(body.utf8), "application/x-www-form-urlencoded")))
                // A refusal is a page: the form with its mistakes beside the fields, or one saying what went wrong.
                answers.record(response, "case \(index), \(form.post) as \(form.user) (\(what))") { $0.text.contains("<html") }
            }
            #expect(answers.failures.isEmpty, "\(answers.report(of: search.count))")
            #expect(answers.refused > 0 && answers.taken > 0, "the cases reach both the checks and what lies behind them")
            let officer = try await PageHTTPTests.logIn(client, "officer")
            let long = try await client.send(Call(
                method: .post, path: "/app/risk-rules", headers: [.cookie: officer, .acceptLanguage: "en"],
                raw: (Array("name=\(String(repeating: "x", count: 70_000))".utf8), "application/x-www-form-urlencoded")))
            #expect(long.status == .contentTooLarge && long.text.contains("The form is larger than 64 KiB"), "\(long.status) \(long.text.prefix(300))")
        }
    }
}
