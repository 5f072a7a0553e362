import ClearwayApp
import ClearwayCore
import ClearwayTestSupport
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Risk and inspection over HTTP")
struct RiskHTTPTests {
    static func automatic(_ environment: inout Clearway.Environment) { environment.selectivity = .automatic }

    static func rule(_ id: String, _ when: String, then: String = #"{"lane":"inspection","inspection":"sampling","place":"port"}"#) -> String {
        #"{"id":"\#(id)","name":"\#(id) watch","effectiveFrom":"2026-01-01T00:00:00Z","when":\#(when),"then":\#(then)}"#
    }

    static func lodge(_ client: any TestClientProtocol, declarant: String = Demo.eastOcean) async throws -> [String: Any] {
        let response = try await client.send(Call(
            method: .post, path: "/api/v1/declarations", token: declarant == Demo.eastOcean ? "demo-token-trader" : "demo-token-foods",
            json: declarationJSON(declarant: declarant, extra: #""procedure":"direct-pickup","#)))
        #expect(response.status == .created, "\(response.text)")
        return try response.json()
    }

    @Test("an officer dry-runs a rule, publishes it, and the next matching lodgement is ordered to inspection with the rule named", arguments: TestBackend.available)
    func ruleToInspection(backend: TestBackend) async throws {
        try await withApp(backend, configure: Self.automatic) { clearway, client in
            for _ in 0..<2 { _ = try await Self.lodge(client) }
            let australian = Self.rule("au-food", #"{"commodityPrefixes":["2106"],"originCountries":["AU"]}"#)
            let dry = try await client.send(Call(method: .post, path: "/api/v1/risk/rules/dry-run?last=10", token: "demo-token-officer", json: australian))
            #expect(try dry.json()["evaluated"] as? Int == 2)
            #expect(try dry.json()["hits"] as? Int == 2)
            let american = Self.rule("us-food", #"{"commodityPrefixes":["2106"],"originCountries":["US"]}"#)
            let none = try await client.send(Call(method: .post, path: "/api/v1/risk/rules/dry-run", token: "demo-token-officer", json: american))
            #expect(try none.json()["hits"] as? Int == 0)
            let bad = try await client.send(Call(method: .post, path: "/api/v1/risk/rules", token: "demo-token-officer",
                                                 json: Self.rule("bad", #"{"originCountries":["XX"]}"#)))
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("/when/originCountries/0"))

            let published = try await client.send(Call(method: .post, path: "/api/v1/risk/rules", token: "demo-token-officer", json: australian))
            #expect(published.status == .created)
            #expect(try published.json()["version"] as? Int == 1)
            let again = try await client.send(Call(method: .post, path: "/api/v1/risk/rules", token: "demo-token-officer", json: australian))
            #expect(try again.json()["version"] as? Int == 2)

            let hit = try await Self.lodge(client)
            let id = try #require(hit["id"] as? String)
            let clearance = hit["clearance"] as? [String: Any] ?? [:]
            #expect(clearance["lane"] as? String == "inspection")
            let selection = clearance["selection"] as? [String: Any] ?? [:]
            #expect(selection["decidedBy"] as? String == "system")
            #expect((selection["ruleHits"] as? [[String: Any]])?.map { $0["version"] as? Int } == [2])
            #expect(selection["creditTier"] as? String == "advanced-certified")
            let orders = clearance["inspections"] as? [[String: Any]] ?? []
            #expect(orders.map { $0["kind"] as? String } == ["sampling"])
            // Double random: the inspecting officer is drawn from the officers of the declaration's offices.
            #expect(["officer", "yangshan-officer"].contains(orders.first?["officer"] as? String ?? ""))

            let events = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)/events", token: "demo-token-officer"))
            #expect(events.text.contains("au-food watch"))

            let result = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(id)/inspection", token: "demo-token-officer",
                                                    json: #"{"order":1,"outcome":"discrepancy","findings":"undeclared additives"}"#))
            #expect(result.status == .ok, "\(result.text)")
            let labels = try await clearway.riskHistory()
            #expect(labels.count == 1)
            #expect(labels.first?.discrepancy == true)
            #expect(labels.first?[RiskField.originCountry] == "AU")

            // The firm's history now counts: a rule on repeated discrepancies hits its next declaration.
            _ = try await client.send(Call(method: .post, path: "/api/v1/risk/rules", token: "demo-token-officer",
                                           json: Self.rule("repeat", #"{"priorDiscrepanciesAtLeast":1}"#,
                                                           then: #"{"lane":"documentary"}"#)))
            let next = try await Self.lodge(client)
            let hits = ((next["clearance"] as? [String: Any])?["selection"] as? [String: Any])?["ruleHits"] as? [[String: Any]]
            #expect(Set(hits?.compactMap { $0["rule"] as? String } ?? []) == ["au-food", "repeat"])
        }
    }

    @Test("with no rule hit and no random draw the lane is green and release follows the duties", arguments: TestBackend.available)
    func greenRelease(backend: TestBackend) async throws {
        try await withApp(backend, configure: Self.automatic) { _, client in
            let lodged = try await Self.lodge(client)
            let id = try #require(lodged["id"] as? String)
            let selection = (lodged["clearance"] as? [String: Any])?["selection"] as? [String: Any]
            #expect((lodged["clearance"] as? [String: Any])?["lane"] as? String == "green")
            #expect((selection?["random"] as? [String: Any])?["selected"] as? Bool == false)
            let paid = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(id)/duties", token: "demo-token-trader",
                                                  json: #"{"settlement":"paid"}"#))
            #expect(try paid.json()["status"] as? String == "released")
        }
    }

    @Test("the day's seed is committed to before the draws, revealed the next day, and every draw recomputes from it", arguments: TestBackend.available)
    func auditableRandomSelection(backend: TestBackend) async throws {
        let clock = TestClock()
        try await withApp(backend, clock: clock, configure: Self.automatic) { _, client in
            let lodged = try await Self.lodge(client)
            let number = try #require(lodged["customsNumber"] as? String)
            let random = try #require(((lodged["clearance"] as? [String: Any])?["selection"] as? [String: Any])?["random"] as? [String: Any])
            let day = try #require(random["day"] as? String)
            #expect(random["rate"] as? Double == 0.005)
            let today = try await client.send(Call(method: .get, path: "/api/v1/risk/random-seeds/\(day)"))
            let commitment = try #require(try today.json()["commitment"] as? String)
            #expect(try today.json()["seed"] == nil)

            clock.advance(86_400)
            let revealed = try await client.send(Call(method: .get, path: "/api/v1/risk/random-seeds/\(day)"))
            let hex = try #require(try revealed.json()["seed"] as? String)
            let seed = Data(stride(from: 0, to: hex.count, by: 2).map {
                UInt8(hex[hex.index(hex.startIndex, offsetBy: $0)..<hex.index(hex.startIndex, offsetBy: $0 + 2)], radix: 16)!
            })
            #expect(SHA256.hash(data: seed).map { String(format: "%02x", $0) }.joined() == commitment)
            let recomputed = RandomSelection.draw(seed: seed, day: day, customsNumber: number, rate: 0.005, roster: 0)
            // JSON numbers carry the draw to about 1e-16; the selection itself is what must agree.
            #expect(abs(recomputed.value - (random["value"] as? Double ?? -1)) < 1e-12)
            #expect(recomputed.selected == random["selected"] as? Bool)
            let missing = try await client.send(Call(method: .get, path: "/api/v1/risk/random-seeds/2020-01-01"))
            #expect(missing.status == .notFound)
        }
    }

    @Test("an advanced certified firm is drawn at under a fifth of the normal rate, a dishonest firm at 80% or more", arguments: TestBackend.available)
    func tierRates(backend: TestBackend) async throws {
        try await backend.withClearway { clearway in
            let rates = try await clearway.randomSelectionRates()
            let seed = Data(repeating: 1, count: 32)
            func share(_ tier: CreditTier) -> Double {
                let n = 100_000
                let hits = (0..<n).filter {
                    RandomSelection.draw(seed: seed, day: "d", customsNumber: String(224820261000000000 + $0), rate: rates.rate(tier), roster: 0).selected
                }.count
                return Double(hits) / Double(n)
            }
            let normal = share(.normal)
            #expect(share(.advancedCertified) < 0.2 * normal)
            #expect(share(.dishonest) >= 0.8)
            #expect(share(.seriouslyDishonest) == 1)
        }
    }

    @Test("a model loaded at start scores each lodgement and names what raised the score", arguments: TestBackend.available)
    func modelScore(backend: TestBackend) async throws {
        // Food preparations from Australia were found wrong in the past; fruit from the United States was not.
        let history = (0..<400).map { i in
            RiskRecord(fields: [RiskField.commodity: i % 2 == 0 ? "210690" : "080810", RiskField.originCountry: i % 2 == 0 ? "AU" : "US",
                                RiskField.importer: "IMP\(i % 7)"], discrepancy: i % 2 == 0 && i % 10 != 0)
        }
        var parameters = BoostedTrees.Parameters()
        parameters.rounds = 20
        parameters.leaves = 4
        parameters.learningRate = 0.3
        let model = RiskModel.train(history, parameters: parameters)
        try await withApp(backend, configure: { $0.selectivity = .automatic; $0.riskModel = model }) { _, client in
            let lodged = try await Self.lodge(client)
            let selection = try #require((lodged["clearance"] as? [String: Any])?["selection"] as? [String: Any])
            let score = try #require(selection["score"] as? Double)
            #expect(score > 0.6)
            let reasons = selection["reasons"] as? [[String: Any]] ?? []
            #expect(!reasons.isEmpty)
            #expect(reasons.contains { ["commodity", "origin country", "heading", "chapter"].contains($0["feature"] as? String ?? "") })
        }
    }

    @Test("port to factory: released at the port, sealed onto a truck, a broken seal holds it, the destination office inspects at the factory", arguments: TestBackend.available)
    func portToFactory(backend: TestBackend) async throws {
        let clock = TestClock()
        try await withApp(backend, clock: clock, configure: Self.automatic) { _, client in
            // The demo rule sends used machinery under processing trade to a conformity check at the factory.
            let body = declarationJSON(commodityCode: "8479899990", extra: #""procedure":"direct-pickup","destinationOffice":"3100","#)
                .replacingOccurrences(of: #""supervisionMode":"0110""#, with: #""supervisionMode":"0615""#)
            let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: body))
            #expect(lodged.status == .created, "\(lodged.text)")
            let id = try #require(try lodged.json()["id"] as? String)
            let clearance = try lodged.json()["clearance"] as? [String: Any] ?? [:]
            #expect((clearance["inspections"] as? [[String: Any]])?.map { $0["place"] as? String } == ["factory"])
            #expect(clearance["portInspection"] as? String == "not-required")
            #expect(clearance["destinationInspection"] as? String == "pending")
            let paid = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(id)/duties", token: "demo-token-trader",
                                                  json: #"{"settlement":"paid"}"#))
            #expect(try paid.json()["status"] as? String == "released")

            let sealed = try await client.send(Call(
                method: .post, path: "/api/v1/declarations/\(id)/transfer", token: "demo-token-officer",
                json: #"{"vehicle":"SH-A12345","seal":"EL-2048","corridor":["YANGSHAN-GATE","DONGHAI-BRIDGE","NINGBO-FACTORY"],"due":"2026-05-29T08:00:00Z"}"#))
            #expect(sealed.status == .ok, "\(sealed.text)")
            func report(_ position: String, intact: Bool = true, arrived: Bool = false, vehicle: String = "SH-A12345") async throws -> TestResponse {
                try await client.send(Call(
                    method: .post, path: "/api/v1/custody-checkpoints", token: "demo-token-logistics",
                    json: #"{"vehicle":"\#(vehicle)","seal":"EL-2048","position":"\#(position)","at":"2026-05-28T22:00:00Z","sealIntact":\#(intact),"arrived":\#(arrived)}"#))
            }
            let intact = try await report("DONGHAI-BRIDGE")
            #expect(intact.status == .ok, "\(intact.text)")
            #expect((try intact.json()["alerts"] as? [Any])?.isEmpty == true)
            let broken = try await report("DONGHAI-BRIDGE", intact: false)
            #expect((try broken.json()["alerts"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["seal-broken"])
            #expect(try await report("NOWHERE", vehicle: "UNKNOWN-1").status == .notFound)

            let held = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)", token: "demo-token-ningbo-officer"))
            #expect(held.status == .ok)
            let heldReason = (try held.json()["clearance"] as? [String: Any])?["holdReason"] as? String
            #expect(heldReason?.hasPrefix("custody alert: seal-broken") == true)
            let tooEarly = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(id)/inspection", token: "demo-token-ningbo-officer",
                                                      json: #"{"outcome":"no-discrepancy","findings":"conforms"}"#))
            #expect(tooEarly.status == .conflict)
            _ = try await client.send(Call(method: .delete, path: "/api/v1/declarations/\(id)/hold", token: "demo-token-officer"))
            _ = try await report("NINGBO-FACTORY", arrived: true)
            // The seal operator's retry of the arrival report is answered, not refused.
            #expect(try await report("NINGBO-FACTORY", arrived: true).status == .ok)
            let inspected = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(id)/inspection", token: "demo-token-ningbo-officer",
                                                       json: #"{"outcome":"no-discrepancy","findings":"machines conform to the contract"}"#))
            #expect(inspected.status == .ok, "\(inspected.text)")
            #expect((try inspected.json()["clearance"] as? [String: Any])?["destinationInspection"] as? String == "done")
        }
    }

    @Test("a documentary hit waits in the review queue of its office, and the report gives the share decided automatically", arguments: TestBackend.available)
    func queueAndReport(backend: TestBackend) async throws {
        try await withApp(backend, configure: Self.automatic) { _, client in
            _ = try await client.send(Call(method: .post, path: "/api/v1/risk/rules", token: "demo-token-officer",
                                           json: Self.rule("au-docs", #"{"originCountries":["AU"]}"#, then: #"{"lane":"documentary"}"#)))
            let first = try await Self.lodge(client)
            let second = try await Self.lodge(client)
            let secondID = try #require(second["id"] as? String)
            _ = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(secondID)/risk", token: "demo-token-officer",
                                           json: #"{"lane":"green"}"#))
            let queue = try await client.send(Call(method: .get, path: "/api/v1/inspection-orders?kind=document-review", token: "demo-token-yangshan-officer"))
            let rows = try JSONSerialization.jsonObject(with: Data(queue.text.utf8)) as? [[String: Any]] ?? []
            #expect(rows.map { $0["customsNumber"] as? String } == [first["customsNumber"] as? String])
            let elsewhere = try await client.send(Call(method: .get, path: "/api/v1/inspection-orders", token: "demo-token-ningbo-officer"))
            let elsewhereRows = try JSONSerialization.jsonObject(with: Data(elsewhere.text.utf8)) as? [Any]
            #expect(elsewhereRows?.isEmpty == true)

            let report = try await client.send(Call(method: .get, path: "/api/v1/reports/selectivity", token: "demo-token-officer"))
            let figures = try report.json()
            #expect(figures["decided"] as? Int == 2)
            #expect(figures["decidedAutomatically"] as? Int == 1)
            #expect(figures["automaticShare"] as? Double == 0.5)
            #expect((figures["ruleHits"] as? [String: Any])?["au-docs"] as? Int == 1)
        }
    }

    @Test("fresh fruit on the green channel is inspected before older ordinary goods", arguments: TestBackend.available)
    func greenChannelFirst(backend: TestBackend) async throws {
        let clock = TestClock()
        try await withApp(backend, clock: clock, configure: Self.automatic) { _, client in
            _ = try await client.send(Call(method: .post, path: "/api/v1/risk/rules", token: "demo-token-officer",
                                           json: Self.rule("au-docs", #"{"originCountries":["AU"]}"#, then: #"{"lane":"documentary"}"#)))
            let ordinary = try await Self.lodge(client)
            clock.advance(3600)
            let fruitBody = declarationJSON(commodityCode: "0808100000", extra: #""procedure":"direct-pickup","#)
            let fruit = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: fruitBody))
            let selection = (try fruit.json()["clearance"] as? [String: Any])?["selection"] as? [String: Any]
            #expect(selection?["greenChannel"] as? Bool == true)
            #expect(((ordinary["clearance"] as? [String: Any])?["selection"] as? [String: Any])?["greenChannel"] as? Bool == false)
            let queue = try await client.send(Call(method: .get, path: "/api/v1/inspection-orders", token: "demo-token-officer"))
            let rows = try JSONSerialization.jsonObject(with: Data(queue.text.utf8)) as? [[String: Any]] ?? []
            #expect(rows.map { $0["customsNumber"] as? String } == [try fruit.json()["customsNumber"] as? String, ordinary["customsNumber"] as? String])
            #expect(rows.first?["greenChannel"] as? Bool == true)
        }
    }
}
