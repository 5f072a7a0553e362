import ClearwayApp
import ClearwayCore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Port fees over HTTP")
struct FeeHTTPTests {
    static func line(_ number: Int, _ code: String, _ date: String, rate: String, amount: String? = nil, quantity: Int = 1,
        size: String = "20", container: String? = "CSQU3054383") -> String
    {
        #"{"number":\#(number),"itemCode":"\#(code)","serviceDate":"\#(date)","basis":"per-container","quantity":\#(quantity),"sizeClass":"\#(size)"\#(container.map { #","container":"\#($0)""# } ?? ""),"unitRate":"\#(rate)","amount":"\#(amount ?? rate)","currency":"CNY"}"#
    }

    @Test("an invoice is checked line by line, the trader disputes a flagged line, and the statistics count it", arguments: TestBackend.available)
    func invoiceFlow(backend: TestBackend) async throws {
        try await withApp(backend) { clearway, client in
            let trader = try await Demo.principal("trader", in: clearway)
            let officer = try await Demo.principal("officer", in: clearway)
            let declaration = try await clearway.lodge(Demo.importForm(), by: trader)
            _ = try await clearway.decideRisk(declaration.id, lane: .inspection, by: officer)
            _ = try await clearway.completeInspection(declaration.id, outcome: .noDiscrepancy, findings: "as declared", by: officer)
            let lines = [
                Self.line(1, "THC", "2026-03-02T10:00:00Z", rate: "850.00"),
                Self.line(2, "THC", "2026-03-02T10:00:00Z", rate: "850.00"),
                Self.line(3, "HSS", "2026-03-02T10:00:00Z", rate: "400.00"),
                Self.line(4, "THC", "2026-07-01T10:00:00Z", rate: "850.00", container: "MSKU9070323"),
                Self.line(5, "SECURITY", "2026-03-02T10:00:00Z", rate: "30.00", container: nil),
            ]
            let submitted = try await client.send(Call(
                method: .post, path: "/api/v1/invoices", token: "demo-token-terminal",
                json: #"{"port":"CNSHA","declaration":"\#(declaration.customsNumber!.rawValue)","lines":[\#(lines.joined(separator: ","))]}"#))
            #expect(submitted.status == .created, "\(submitted.text)")
            let invoice = try submitted.json()
            let id = try #require(invoice["id"] as? String)
            let checked = invoice["lines"] as? [[String: Any]] ?? []
            let kinds = checked.map { ($0["flags"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String } }
            #expect(kinds == [[], ["duplicate"], ["exemption-not-applied"], ["rate-above-list"], ["not-on-list"]])
            #expect(checked.map { $0["allowed"] as? String } == ["850.00", "0.00", "0.00", "820.00", "0.00"])
            let flagged = (checked[3]["flags"] as? [[String: Any]])?.first
            #expect(flagged?["catalogId"] as? String == "fees-CNSHA-p-yangshan-terminal-v2")
            #expect(flagged?["allowed"] as? String == "820.00")

            let dispute = try await client.send(Call(
                method: .post, path: "/api/v1/invoices/\(id)/disputes", token: "demo-token-trader",
                json: #"{"line":3,"reason":"the inspection found nothing; HSS is waived"}"#))
            #expect(dispute.status == .ok)
            let unflagged = try await client.send(Call(
                method: .post, path: "/api/v1/invoices/\(id)/disputes", token: "demo-token-trader",
                json: #"{"line":1,"reason":"just because"}"#))
            #expect(unflagged.status == .unprocessableContent)

            let stats = try await client.send(Call(
                method: .get, path: "/api/v1/fee-statistics?fromMonth=2026-01&toMonth=2027-01", token: "demo-token-port"))
            let rows = try JSONSerialization.jsonObject(with: Data(stats.text.utf8)) as? [[String: Any]] ?? []
            #expect(rows.map { $0["month"] as? String } == ["2026-03", "2026-07"])
            #expect(rows.first?["charged"] as? String == "2130.00")
            #expect(rows.first?["allowed"] as? String == "850.00")
            #expect(rows.first?["flaggedLines"] as? Int == 3)
            #expect(rows.first?["disputedLines"] as? Int == 1)
        }
    }

    @Test("the public fee page, CSV and diff need no login and show both languages")
    func publicViews() async throws {
        try await withApp(.sqlite) { _, client in
            let page = try await client.send(Call(method: .get, path: "/fees"))
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("港口作业包干费"))
            #expect(page.text.contains("Port operation lump-sum fee"))
            let csv = try await client.send(Call(method: .get, path: "/api/v1/fee-catalogs/fees-CNSHA-p-yangshan-terminal-v1/csv"))
            let csvLines = csv.text.split(separator: "\n").count
            #expect(csvLines == 10)
            #expect(csv.text.contains("THC,港口作业包干费"))
            let diff = try await client.send(Call(
                method: .get, path: "/api/v1/fee-catalogs/fees-CNSHA-p-yangshan-terminal-v2/diff?against=fees-CNSHA-p-yangshan-terminal-v1"))
            let body = try diff.json()
            #expect((body["removed"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["BERTH"])
            #expect((body["changed"] as? [[String: Any]])?.count == 1)
            let estimate = try await client.send(Call(
                method: .post, path: "/api/v1/fee-estimates", token: "demo-token-trader",
                json: #"{"port":"CNSHA","containers":{"20":2,"40":1},"tonnes":30}"#))
            let list = (try estimate.json()["lists"] as? [[String: Any]])?.first
            #expect(list?["version"] as? Int == 1)
            #expect((list?["totals"] as? [[String: Any]])?.first?["amount"] as? String == "3598.00")
            let direct = try await client.send(Call(
                method: .post, path: "/api/v1/fee-estimates", token: "demo-token-trader",
                json: #"{"port":"CNSHA","containers":{"20":2,"40":1},"tonnes":30,"procedure":"direct-pickup"}"#))
            let directList = (try direct.json()["lists"] as? [[String: Any]])?.first
            #expect((directList?["totals"] as? [[String: Any]])?.first?["amount"] as? String == "3118.00")
        }
    }

    @Test("an estimate or an invoice with counts past any shipment is refused naming each field, and a large bill is flagged as any other: none stops the server", arguments: TestBackend.available)
    func countsPastAnyShipment(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            let estimate = try await client.send(Call(
                method: .post, path: "/api/v1/fee-estimates", token: "demo-token-trader",
                json: #"{"port":"CNSHA","containers":{"40":9223372036854775807,"20":2},"tonnes":-1,"hours":4611686018427387904}"#))
            #expect(estimate.status == .unprocessableContent, "\(estimate.text)")
            let pointers = (try estimate.json()["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
            #expect(pointers == ["/containers/40", "/tonnes", "/hours"])
            // A quantity past any shipment is no bill; a large one that is still a count is checked as any other.
            let lines = [(1, "CSQU3054383", Int.max), (2, "MSKU9070323", ShipmentPlan.largestCount)].map {
                Self.line($0, "THC", "2026-03-02T10:00:00Z", rate: "850.00", quantity: $2, container: $1)
            }
            let refused = try await client.send(Call(
                method: .post, path: "/api/v1/invoices", token: "demo-token-terminal", json: #"{"port":"CNSHA","lines":[\#(lines.joined(separator: ","))]}"#))
            #expect(refused.status == .unprocessableContent)
            #expect((try refused.json()["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String } == ["/lines/0/quantity"])
            let invoice = try await client.send(Call(
                method: .post, path: "/api/v1/invoices", token: "demo-token-terminal", json: #"{"port":"CNSHA","lines":[\#(lines[1])]}"#))
            #expect(invoice.status == .created, "\(invoice.text)")
            let flags = ((try invoice.json()["lines"] as? [[String: Any]])?.first?["flags"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(flags.contains("wrong-quantity"), "\(flags)")
            // A hundred lines stating the largest amount a line may state: their sum passes Int64, and the statistics still answer.
            let huge = (1...100).map { Self.line($0, "THC", "2026-03-03T10:00:00Z", rate: "850.00", amount: "999999999999999.99", container: "CSQU3054383") }
            let past = try await client.send(Call(
                method: .post, path: "/api/v1/invoices", token: "demo-token-terminal", json: #"{"port":"CNSHA","lines":[\#(huge.joined(separator: ","))]}"#))
            #expect(past.status == .created, "\(past.text)")
            let stats = try await client.send(Call(
                method: .get, path: "/api/v1/fee-statistics?fromMonth=2026-01&toMonth=2027-01", token: "demo-token-port"))
            #expect(stats.status == .ok, "\(stats.text)")
            #expect(stats.text.contains(#""charged":"92233720368547758.07""#), "\(stats.text)")
            let tooLarge = try await client.send(Call(
                method: .post, path: "/api/v1/invoices", token: "demo-token-terminal",
                json: #"{"port":"CNSHA","lines":[\#(Self.line(1, "THC", "2026-03-03T10:00:00Z", rate: "850.00", amount: "1000000000000000.00"))]}"#))
            #expect(tooLarge.text.contains(#"'1000000000000000.00' has 16 whole digits; at most 15 are kept"#), "\(tooLarge.text)")
            let fine = try await client.send(Call(
                method: .post, path: "/api/v1/fee-estimates", token: "demo-token-trader", json: #"{"port":"CNSHA","containers":{"40":1}}"#))
            #expect(fine.status == .ok)
        }
    }

    @Test("a bad fee list is refused with every problem and publishes nothing")
    func badCatalog() async throws {
        try await withApp(.sqlite) { _, client in
            let response = try await client.send(Call(
                method: .post, path: "/api/v1/fee-catalogs", token: "demo-token-port", json: """
                    {"port":"CNSH","chargingParty":"p-yangshan-terminal","effectiveFrom":"2026-01-01T00:00:00Z",
                     "items":[{"code":"THC","nameZh":"","nameEn":"x","payer":"cargo-owner","basis":"per-box",
                     "rates":{"20":"abc"},"currency":"CNY","legalBasis":"list"}]}
                    """))
            #expect(response.status == .unprocessableContent)
            let pointers = (try response.json()["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
            #expect(pointers == ["/port", "/items/0/nameZh", "/items/0/basis", "/items/0/rates", "/items/0/rates/20"])
            let all = try await client.send(Call(method: .get, path: "/api/v1/fee-catalogs"))
            #expect((try JSONSerialization.jsonObject(with: Data(all.text.utf8)) as? [Any])?.count == 2)
        }
    }
}
