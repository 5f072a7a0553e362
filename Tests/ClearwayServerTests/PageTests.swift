import ClearwayApp
import ClearwayCore
import ClearwayInterop
import ClearwayStore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The pages' labels: every key a template uses exists in every language, and no language lacks a key another has.
@Suite("Pages: languages")
struct PageLanguageTests {
    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/ClearwayServer/Resources")

    static func table(_ code: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self,
                                 from: Data(contentsOf: resources.appendingPathComponent("Locales/\(code).json")))
    }

    @Test("Chinese and English have the same labels, none empty, and every label a template names")
    func complete() throws {
        let zh = try Self.table("zh-CN"), en = try Self.table("en")
        #expect(Set(zh.keys) == Set(en.keys))
        #expect(zh.values.allSatisfy { !$0.isEmpty } && en.values.allSatisfy { !$0.isEmpty })
        let templates = Self.resources.appendingPathComponent("Templates")
        var used = Set<String>()
        for file in try FileManager.default.contentsOfDirectory(atPath: templates.path) {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            var rest = text[...]
            while let range = rest.range(of: "{{t.") {
                let tail = rest[range.upperBound...]
                let key = tail.prefix { $0 != "}" }
                used.insert(String(key))
                rest = tail
            }
        }
        #expect(!used.isEmpty)
        #expect(used.subtracting(en.keys).isEmpty, "missing: \(used.subtracting(en.keys).sorted())")
        // Labels made from Core's values: every status, lane, wait and procedure has one.
        var derived = Declaration.Status.allCases.map { "status_\($0.rawValue)" } + Declaration.Lane.allCases.map { "lane_\($0.rawValue)" }
        derived += Condition.allCases.map { "wait_\($0.rawValue)" } + Procedure.allCases.map { "procedure_\($0.rawValue)" }
        derived += ["confirm-departure", "free-to-load", "free-to-pick-up", "vessel-departure", "clean-manifest", "completion-due"].map { "wait_\($0)" }
        derived += InspectionKind.allCases.map { "kind_\($0.rawValue)" } + InspectionOutcome.allCases.map { "outcome_\($0.rawValue)" }
        derived += CredentialKind.allCases.map { "certificate_\($0.rawValue)" } + TaxBill.Status.allCases.map { "bill_\($0.rawValue)" }
        derived += DiversionBox.Status.allCases.map { "box_\($0.rawValue)" } + TimeRelease.Segment.allCases.map { "seg_\($0.rawValue)" }
        derived += TimeRelease.publishedDimensions.map { "dim_\($0.rawValue)" }
        derived += ExportRecord.Stage.allCases.map { "stage_" + $0.rawValue.replacingOccurrences(of: "-", with: "_") }
        derived += ["matched", "awaiting", "short", "over"].map { "forex_\($0)" }
        derived += ["declaration", "summary"].map { "export_source_\($0)" }
        #expect(Set(derived).subtracting(en.keys).isEmpty, "missing: \(Set(derived).subtracting(en.keys).sorted())")
        #expect(zh["status_released"] == "已放行" && en["status_released"] == "Released")
    }
}

/// The pages over HTTP, without a browser: sessions, forms, errors and the language choice.
@Suite("Pages over HTTP")
struct PageHTTPTests {
    /// Logs `username` in through the form; answers the session cookie.
    static func logIn(_ client: any TestClientProtocol, _ username: String) async throws -> String {
        let response = try await client.send(Call(
            method: .post, path: "/login", raw: (Array("username=\(username)&password=clearway-demo&next=%2Fapp".utf8),
                                                 "application/x-www-form-urlencoded")))
        #expect(response.status == .seeOther)
        let cookie = response.headers[.setCookie] ?? ""
        return String(cookie.prefix { $0 != ";" })
    }

    static func csrf(_ html: String) -> String {
        guard let range = html.range(of: "name=\"csrf\" value=\"") else { return "" }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    @Test("a person's language comes from their choice, else their browser, else Chinese", arguments: TestBackend.available)
    func language(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            let english = try await client.send(Call(method: .get, path: "/", headers: [.acceptLanguage: "en-GB,en;q=0.9,zh;q=0.8"]))
            #expect(english.text.contains("<html lang=\"en\">") && english.text.contains("Log in"))
            let chinese = try await client.send(Call(method: .get, path: "/", headers: [.acceptLanguage: "fr-FR"]))
            #expect(chinese.text.contains("<html lang=\"zh-CN\">") && chinese.text.contains("登录"))
            let switched = try await client.send(Call(method: .get, path: "/lang/en?back=%2Ffees"))
            #expect(switched.status == .seeOther && switched.headers[.location] == "/fees")
            #expect(switched.headers[.setCookie]?.hasPrefix("lang=en;") == true)
            let chosen = try await client.send(Call(method: .get, path: "/", headers: [.cookie: "lang=en", .acceptLanguage: "zh-CN"]))
            #expect(chosen.text.contains("<html lang=\"en\">"))
            // The contract's own pages follow the same choice, with the same header.
            let verify = try await client.send(Call(method: .get, path: "/verify", headers: [.cookie: "lang=en"]))
            #expect(verify.text.contains("<html lang=\"en\">") && verify.text.contains("Paste the credential (JSON)"))
            let fees = try await client.send(Call(method: .get, path: "/fees", headers: [.acceptLanguage: "zh-CN"]))
            #expect(fees.text.contains("<h1>港口收费目录清单</h1>") && fees.text.contains("id=\"lang-en\""))
            // Only this site's paths are returned to.
            let away = try await client.send(Call(method: .get, path: "/lang/en?back=%2F%2Fevil.example"))
            #expect(away.headers[.location] == "/")
        }
    }

    @Test("workspaces need a login; a wrong password is said plainly and changes nothing", arguments: TestBackend.available)
    func login(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            let anonymous = try await client.send(Call(method: .get, path: "/app/shipments"))
            #expect(anonymous.status == .seeOther && anonymous.headers[.location]?.hasPrefix("/login?next=") == true)
            let wrong = try await client.send(Call(
                method: .post, path: "/login", headers: [.acceptLanguage: "en"],
                raw: (Array("username=trader&password=nope".utf8), "application/x-www-form-urlencoded")))
            #expect(wrong.status == .unauthorized && wrong.text.contains("The user name or password is wrong."))
            #expect(wrong.headers[.setCookie] == nil)
            let cookie = try await Self.logIn(client, "trader")
            #expect(cookie.hasPrefix("clearway_session=cw_"))
            let home = try await client.send(Call(method: .get, path: "/app", headers: [.cookie: cookie]))
            #expect(home.headers[.location] == "/app/shipments")
            let officer = try await Self.logIn(client, "officer")
            let queue = try await client.send(Call(method: .get, path: "/app", headers: [.cookie: officer]))
            #expect(queue.headers[.location] == "/app/queue")
            let terminal = try await Self.logIn(client, "terminal")
            let board = try await client.send(Call(method: .get, path: "/app", headers: [.cookie: terminal]))
            #expect(board.headers[.location] == "/app/boxes")
            // A trader has no diversion board: the use case refuses, the page says so in the person's language.
            let refused = try await client.send(Call(method: .get, path: "/app/diversion", headers: [.cookie: cookie, .acceptLanguage: "en"]))
            #expect(refused.status == .forbidden && refused.text.contains("You may not do this."))
        }
    }

    @Test("the terminal's board lists the move instructions of the boxes picked for inspection", arguments: TestBackend.available)
    func diversionBoard(backend: TestBackend) async throws {
        try await withApp(backend) { clearway, client in
            try await clearway.seedDemoShipments(from: DataDirectory.locate())
            let terminal = try await Self.logIn(client, "terminal")
            let page = try await client.send(Call(method: .get, path: "/app/diversion?port=CNSHA", headers: [.cookie: terminal, .acceptLanguage: "en"]))
            #expect(page.status == .ok)
            let moves = try await clearway.diversionMoves(port: "CNSHA", by: try await Demo.principal("terminal", in: clearway))
            #expect(!moves.isEmpty)
            for move in moves { #expect(page.text.contains("<td>\(move.container)</td><td>\(move.from)</td><td>\(move.to)</td>")) }
            #expect(page.text.contains("Move instructions for the terminal"))
        }
    }

    @Test("the guarantor sees its tax bill and pays it with a button; with the bank down it is told so and nothing changes")
    func taxBills() async throws {
        let clock = TestClock()
        try await withApp(.sqlite, clock: clock, configure: { $0.bankGateway = { URL(string: "http://127.0.0.1:9") } }) { clearway, client in
            let rules = try await clearway.crossBorderRules()
            let messages = CEBGenerator(seed: 33).parcel(0, rules: rules, at: clock.now)
            for (data, user) in zip(messages.all, ["platform", "payment", "logistics", "broker"]) {
                _ = try await clearway.receiveCEB(data, by: try await Demo.principal(user, in: clearway))
            }
            clock.advance(40 * 86_400)
            let bill = try #require(try await clearway.issueTaxBills().first)
            let platform = try await Self.logIn(client, "platform")
            let page = try await client.send(Call(method: .get, path: "/app/tax-bills", headers: [.cookie: platform, .acceptLanguage: "en"]))
            #expect(page.text.contains("id=\"bill-\(bill.id)\""))
            #expect(page.text.contains(String(format: "Pay %.2f", Double(bill.totalFen) / 100)))
            let pay = try await client.send(Call(
                method: .post, path: "/app/tax-bills/\(bill.id)/payment", headers: [.cookie: platform, .acceptLanguage: "zh-CN"],
                raw: (Array("csrf=\(Self.csrf(page.text))".utf8), "application/x-www-form-urlencoded")))
            #expect(pay.status == .serviceUnavailable && pay.text.contains("外部系统无响应。"))
            let status = try await clearway.taxBill(bill.id, by: try await Demo.principal("admin", in: clearway)).status
            #expect(status == .issued)
        }
    }

    @Test("the tax agency files a rebate and the forex agency records money on an export's page; the exporter sees both and who read it",
          arguments: TestBackend.available)
    func exportChain(backend: TestBackend) async throws {
        try await withApp(backend) { clearway, client in
            try await clearway.seedDemoExports()
            let records = try await clearway.exportRecords(by: try await Demo.principal("admin", in: clearway))
            #expect(records.count == 2)
            let second = try #require(records.first { $0.rebateFiled == nil })
            let tax = try await Self.logIn(client, "tax")
            let list = try await client.send(Call(method: .get, path: "/app/exports", headers: [.cookie: tax, .acceptLanguage: "en"]))
            #expect(list.status == .ok && list.text.contains("Export rebates") && list.text.contains("id=\"record-\(second.id)\""))
            let page = try await client.send(Call(method: .get, path: "/app/exports/\(second.id)", headers: [.cookie: tax, .acceptLanguage: "en"]))
            #expect(!page.text.contains(">nil<") && !page.text.contains("id=\"recorded\"") && !page.text.contains("id=\"reconciliation\""),
                    "nothing absent is shown, and the tax view has no reconciliation")
            #expect(page.text.contains("<th scope=\"row\">rebateRates</th>") && !page.text.contains("<th scope=\"row\">receipts</th>") && page.text.contains("Withheld under the sharing rules"))
            let filed = try await client.send(Call(
                method: .post, path: "/app/exports/\(second.id)", headers: [.cookie: tax, .acceptLanguage: "en"],
                raw: (Array("csrf=\(Self.csrf(page.text))&action=file&amount=120.50&reference=SAT-9".utf8), "application/x-www-form-urlencoded")))
            #expect(filed.status == .ok && filed.text.contains("id=\"recorded\"") && filed.text.contains("data-stage=\"rebate-filed\" class=\"done\""))
            let forex = try await Self.logIn(client, "forex")
            let forexPage = try await client.send(Call(method: .get, path: "/app/exports/\(second.id)", headers: [.cookie: forex, .acceptLanguage: "en"]))
            #expect(!forexPage.text.contains("<th scope=\"row\">rebateRates</th>") && forexPage.text.contains("id=\"reconciliation\" data-status=\"awaiting\""))
            let bad = try await client.send(Call(
                method: .post, path: "/app/exports/\(second.id)", headers: [.cookie: forex, .acceptLanguage: "en"],
                raw: (Array("csrf=\(Self.csrf(forexPage.text))&action=receipt&amount=12.345&currency=USD&receivedOn=2026-05-28&bankReference=B1".utf8),
                      "application/x-www-form-urlencoded")))
            #expect(bad.status == .unprocessableContent, "a USD amount has at most two decimals")
            let trader = try await Self.logIn(client, "trader")
            let own = try await client.send(Call(method: .get, path: "/app/exports/\(second.id)", headers: [.cookie: trader, .acceptLanguage: "en"]))
            #expect(own.text.contains("Who read this record") && own.text.contains("<td>sta</td>") && own.text.contains("<td>safe</td>"))
            #expect(own.text.contains("data-stage=\"rebate-filed\" class=\"done\"") && !own.text.contains("id=\"rebate-form\""))
            let ftse = try await Self.logIn(client, "ftse")
            let clients = try await client.send(Call(method: .get, path: "/app/clients", headers: [.cookie: ftse, .acceptLanguage: "en"]))
            #expect(clients.text.contains("id=\"client-p-east-ocean\""))
        }
    }

    @Test("an officer dry-runs a rule on recent declarations, then publishes it", arguments: TestBackend.available)
    func riskRuleDryRun(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            for key in ["a", "b"] {
                let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader",
                                                        json: declarationJSON(), headers: [.init("Idempotency-Key")!: "rule-\(key)"]))
                #expect(lodged.status == .created)
            }
            let officer = try await Self.logIn(client, "officer")
            let page = try await client.send(Call(method: .get, path: "/app/risk-rules", headers: [.cookie: officer, .acceptLanguage: "en"]))
            let form = "csrf=\(Self.csrf(page.text))&id=food-prep&name=Food+preparations&commodityPrefixes=2106&originCountries=&lane=documentary&last=100"
            let dry = try await client.send(Call(method: .post, path: "/app/risk-rules", headers: [.cookie: officer, .acceptLanguage: "en"],
                                                 raw: (Array((form + "&action=dry-run").utf8), "application/x-www-form-urlencoded")))
            #expect(dry.text.contains("<strong id=\"hits\">2</strong>"))
            #expect(!dry.text.contains("food-prep v1"))
            let published = try await client.send(Call(
                method: .post, path: "/app/risk-rules", headers: [.cookie: officer, .acceptLanguage: "en"],
                raw: (Array((form + "&action=publish").utf8), "application/x-www-form-urlencoded")))
            #expect(published.text.contains("id=\"rule-published\"") && published.text.contains("<td>food-prep v1</td>"))
        }
    }

    @Test("an agency officer approves what its agency owes from its queue", arguments: TestBackend.available)
    func agencyApproval(backend: TestBackend) async throws {
        try await withApp(backend) { clearway, client in
            let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader",
                                                    json: declarationJSON(commodityCode: "8517130000")))
            let id = try #require(try lodged.json()["id"] as? String)
            let miit = try await Self.logIn(client, "miit")
            let start = try await client.send(Call(method: .get, path: "/app", headers: [.cookie: miit]))
            #expect(start.headers[.location] == "/app/approvals")
            let queue = try await client.send(Call(method: .get, path: "/app/approvals", headers: [.cookie: miit, .acceptLanguage: "en"]))
            #expect(queue.text.contains("id=\"approval-\(id)-radio-type-approval\""))
            let form = "csrf=\(Self.csrf(queue.text))&agency=miit&kind=radio-type-approval&decision=approve&reference=CMIIT-2026-0001&note=type+approved"
            let decided = try await client.send(Call(method: .post, path: "/app/declarations/\(id)/approval", headers: [.cookie: miit],
                                                     raw: (Array(form.utf8), "application/x-www-form-urlencoded")))
            #expect(decided.headers[.location] == "/app/approvals?decided=1")
            let state = try await clearway.declaration(id, by: try await Demo.principal("admin", in: clearway))
            #expect(state.clearance.agencyApprovals?.first?.status == .approved)
            #expect(state.clearance.agencyApprovals?.first?.reference == "CMIIT-2026-0001")
        }
    }

    @Test("anyone estimates a shipment's port fees; fees charged only when an inspection finds something are not added up",
          arguments: TestBackend.available)
    func feeEstimate(backend: TestBackend) async throws {
        try await withApp(backend) { clearway, client in
            let plan = ShipmentPlan(containers: ["40": 2], hours: 72, inspectionLikely: true)
            let estimates = try await clearway.estimateFees(port: "CNSHA", plan: plan)
            #expect(!estimates.isEmpty)
            let page = try await client.send(Call(method: .get, path: "/fees/estimate?port=CNSHA&c40=2&hours=72&inspection=1",
                                                  headers: [.acceptLanguage: "en"]))
            #expect(page.status == .ok)
            for estimate in estimates {
                let certain = estimate.lines.filter { !$0.onlyIfInspectionFinds }.reduce(Int64(0)) { $0 + $1.amount.minor }
                #expect(page.text.contains("<td class=\"total\">\(String(format: "%.2f", Double(certain) / 100))</td>"))
                #expect(estimate.lines.contains { $0.onlyIfInspectionFinds } == page.text.contains("only if the inspection finds something"))
            }
            let unknown = try await client.send(Call(method: .get, path: "/fees/estimate?port=C1", headers: [.acceptLanguage: "en"]))
            #expect(unknown.status == .unprocessableContent && unknown.text.contains("/port"))
        }
    }

    @Test("a trader books an inspection slot at any hour and sees it among its appointments", arguments: TestBackend.available)
    func appointments(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            let trader = try await Self.logIn(client, "trader")
            let page = try await client.send(Call(method: .get, path: "/app/appointments?site=YS-H986-A", headers: [.cookie: trader, .acceptLanguage: "en"]))
            #expect(page.status == .ok)
            guard let range = page.text.range(of: "name=\"start\" value=\"") else {
                Issue.record("no slot offered: \(page.text)")
                return
            }
            let start = String(page.text[range.upperBound...].prefix { $0 != "\"" })
            let form = "csrf=\(Self.csrf(page.text))&site=YS-H986-A&start=\(start.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&purpose=inspection"
            let booked = try await client.send(Call(method: .post, path: "/app/appointments", headers: [.cookie: trader, .acceptLanguage: "en"],
                                                    raw: (Array(form.utf8), "application/x-www-form-urlencoded")))
            #expect(booked.status == .ok && booked.text.contains("id=\"appointment-booked\""))
            #expect(booked.text.contains("<td>YS-H986-A</td>") && booked.text.contains("<td>inspection</td><td></td><td>booked</td>"))
        }
    }

    @Test("an officer sees goods on hold in the queue and lifts a hold", arguments: TestBackend.available)
    func holds(backend: TestBackend) async throws {
        try await withApp(backend) { clearway, client in
            let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON()))
            let id = try #require(try lodged.json()["id"] as? String)
            _ = try await clearway.hold(id, reason: "intelligence: check the seals", by: try await Demo.principal("officer", in: clearway))
            let officer = try await Self.logIn(client, "officer")
            let queue = try await client.send(Call(method: .get, path: "/app/queue", headers: [.cookie: officer, .acceptLanguage: "en"]))
            #expect(queue.text.contains("id=\"hold-\(id)\"") && queue.text.contains("intelligence: check the seals"))
            let lifted = try await client.send(Call(method: .post, path: "/app/declarations/\(id)/unhold", headers: [.cookie: officer],
                                                    raw: (Array("csrf=\(Self.csrf(queue.text))".utf8), "application/x-www-form-urlencoded")))
            #expect(lifted.headers[.location] == "/app/queue?unheld=1")
            let after = try await client.send(Call(method: .get, path: "/app/queue?unheld=1", headers: [.cookie: officer, .acceptLanguage: "en"]))
            #expect(!after.text.contains("id=\"hold-\(id)\"") && after.text.contains("Hold lifted."))
        }
    }

    @Test("the terminal's box board says which of its boxes may move", arguments: TestBackend.available)
    func boxBoard(backend: TestBackend) async throws {
        try await withApp(backend) { clearway, client in
            let trader = try await Demo.principal("trader", in: clearway), officer = try await Demo.principal("officer", in: clearway)
            let terminal = try await Demo.principal("terminal", in: clearway)
            var ids: [String] = []
            for container in ["CSQU3054383", "MSKU9070323"] {
                let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader",
                                                        json: declarationJSON().replacingOccurrences(of: "CSQU3054383", with: container)))
                let id = try #require(try lodged.json()["id"] as? String)
                ids.append(id)
                _ = try await clearway.decideRisk(id, lane: .green, by: officer)
                _ = try await clearway.settleDuties(id, .paid, by: trader)
                _ = try await clearway.recordPortEvent(PortEvent(kind: .discharged, at: Date(), container: try ContainerNumber(container)), by: terminal)
            }
            _ = try await clearway.hold(ids[1], reason: "seal check", by: officer)
            let cookie = try await Self.logIn(client, "terminal")
            let page = try await client.send(Call(method: .get, path: "/app/boxes", headers: [.cookie: cookie, .acceptLanguage: "en"]))
            #expect(page.text.contains("<tr id=\"box-CSQU3054383\">") && page.text.contains("data-release=\"free\""))
            #expect(page.text.contains("<tr id=\"box-MSKU9070323\">") && page.text.contains("data-release=\"held\""))
            #expect(!page.text.contains("seal check"))  // the terminal learns that it is held, not why
            // A box picked up is no longer awaited by its declaration, and the board still says where it went.
            _ = try await clearway.recordPortEvent(PortEvent(kind: .gatedOut, at: Date(), container: try ContainerNumber("CSQU3054383")), by: terminal)
            let after = try await client.send(Call(method: .get, path: "/app/boxes", headers: [.cookie: cookie, .acceptLanguage: "en"]))
            let row = after.text.components(separatedBy: "<tr id=\"box-CSQU3054383\">").dropFirst().first?.components(separatedBy: "</tr>").first
            #expect(row?.contains("data-release=\"gone\"") == true, "\(after.text)")
            let trader2 = try await Self.logIn(client, "trader")
            let refused = try await client.send(Call(method: .get, path: "/app/boxes", headers: [.cookie: trader2]))
            #expect(refused.status == .forbidden)
        }
    }

    @Test("a quarantine officer decides a referred food approval application from the approvals page", arguments: TestBackend.available)
    func quarantineApplication(backend: TestBackend) async throws {
        try await withApp(backend) { clearway, client in
            let id = try await AuthorizationMatrixTests.referredApplication(clearway)
            let officer = try await Self.logIn(client, "quarantine")
            let start = try await client.send(Call(method: .get, path: "/app", headers: [.cookie: officer]))
            #expect(start.headers[.location] == "/app/approvals")
            let page = try await client.send(Call(method: .get, path: "/app/approvals", headers: [.cookie: officer, .acceptLanguage: "en"]))
            #expect(page.text.contains("id=\"application-\(id)\"") && page.text.contains("CL-9999-999"))
            let form = "csrf=\(Self.csrf(page.text))&decision=approve&note=registration+confirmed+with+Chile"
            let decided = try await client.send(Call(method: .post, path: "/app/quarantine-approvals/\(id)/decision", headers: [.cookie: officer],
                                                     raw: (Array(form.utf8), "application/x-www-form-urlencoded")))
            #expect(decided.headers[.location] == "/app/approvals?decided=1")
            let state = try await clearway.quarantineApplication(id, by: try await Demo.principal("admin", in: clearway))
            #expect(state.status == .approved && !state.automatic)
        }
    }

    @Test("the declaration form: a forged post is refused, mistakes come back beside their fields, a good one is lodged once",
          arguments: TestBackend.available)
    func declarationForm(backend: TestBackend) async throws {
        try await withApp(backend) { clearway, client in
            let cookie = try await Self.logIn(client, "trader")
            let page = try await client.send(Call(method: .get, path: "/app/declarations/new", headers: [.cookie: cookie, .acceptLanguage: "en"]))
            #expect(page.text.contains("value=\"913100007178848X2R\""))  // the trader's own credit code, filled in
            let token = Self.csrf(page.text)
            #expect(token.count == 32)
            func post(_ fields: String) async throws -> TestResponse {
                try await client.send(Call(method: .post, path: "/app/declarations", headers: [.cookie: cookie, .acceptLanguage: "en"],
                                           raw: (Array(fields.utf8), "application/x-www-form-urlencoded")))
            }
            let good = "direction=import&procedure=serial&supervisionMode=0110&declarant=913100007178848X2R&tradingParty=913100007178848X2R"
                + "&declarationOffice=2248&entryExitOffice=2248&transportMode=2&means=COSCO+SHIPPING+ARIES&voyage=045E&incoterm=CIF"
                + "&container=CSQU3054383&seal=SH1&commodityCode=2106909090&description=Food+preparations&quantity=10&unit=KGM"
                + "&value=100.00&currency=USD&origin=AU&submission=form-1"
            let forged = try await post(good + "&csrf=0000")
            #expect(forged.status == .forbidden)
            let before = try await clearway.declarations(.init(), by: try await Demo.principal("trader", in: clearway)).items.count
            let bad = try await post(good.replacingOccurrences(of: "CSQU3054383", with: "CSQU3054384")
                .replacingOccurrences(of: "2106909090", with: "21069") + "&csrf=\(token)")
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("id=\"container\" name=\"container\" value=\"CSQU3054384\""))
            #expect(bad.text.contains("aria-invalid=\"true\""))
            #expect(bad.text.contains("check digit of CSQU3054384"))
            #expect(bad.text.contains("<a href=\"#commodityCode\">Commodity code (10 digits)</a>"))
            let after = try await clearway.declarations(.init(), by: try await Demo.principal("trader", in: clearway)).items.count
            #expect(after == before)
            let lodged = try await post(good + "&csrf=\(token)")
            #expect(lodged.status == .seeOther)
            let again = try await post(good + "&csrf=\(token)")
            #expect(again.headers[.location] == lodged.headers[.location])
            let detail = try await client.send(Call(method: .get, path: lodged.headers[.location] ?? "", headers: [.cookie: cookie, .acceptLanguage: "en"]))
            #expect(detail.text.contains("data-status=\"accepted\""))
            #expect(detail.text.contains("duties not paid or guaranteed (declarant)"))
            #expect(detail.text.contains("Declaration accepted"))
            #expect(detail.text.contains("None issued yet."))
            // Released, a release note is issued: the trader's page lists it with its verification link.
            let id = String((lodged.headers[.location] ?? "").split(separator: "/").last ?? "")
            let officer = try await Demo.principal("officer", in: clearway)
            _ = try await clearway.decideRisk(id, lane: .green, by: officer)
            _ = try await clearway.settleDuties(id, .paid, by: try await Demo.principal("trader", in: clearway))
            _ = try await clearway.recordPortEvent(PortEvent(kind: .discharged, at: Date(), container: try ContainerNumber("CSQU3054383")),
                                                   by: try await Demo.principal("terminal", in: clearway))
            let note = try await clearway.issueReleaseNote(id, by: officer)
            let released = try await client.send(Call(method: .get, path: "/app/declarations/\(id)", headers: [.cookie: cookie, .acceptLanguage: "en"]))
            #expect(released.text.contains("data-status=\"released\""))
            #expect(released.text.contains("Release note") && released.text.contains("<a href=\"/verify/\(note.id)\">verify</a>"))
        }
    }
}

/// The pages' colours meet WCAG 2.1 AA: at least 4.5:1 for text against what it is written on.
@Suite("Pages: contrast")
struct PageContrastTests {
    static func luminance(_ hex: String) -> Double {
        let value = Int(hex.dropFirst(), radix: 16)!
        let channels = [(value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF].map { Double($0) / 255 }
        let linear = channels.map { $0 <= 0.03928 ? $0 / 12.92 : pow(($0 + 0.055) / 1.055, 2.4) }
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    }

    static func ratio(_ a: String, _ b: String) -> Double {
        let (x, y) = (luminance(a), luminance(b))
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }

    @Test("every text colour the stylesheet pairs with a background reaches 4.5:1")
    func contrast() throws {
        let header = try String(contentsOf: PageLanguageTests.resources.appendingPathComponent("Templates/header.mustache"), encoding: .utf8)
        // (text, background) as the stylesheet pairs them: body, header, links, buttons, hints, errors, alerts, statuses.
        let pairs = [("#1a1a1a", "#ffffff"), ("#ffffff", "#0b3d6e"), ("#0b5cad", "#ffffff"), ("#ffffff", "#0b5cad"),
                     ("#3d3d3d", "#ffffff"), ("#a4161a", "#ffffff"), ("#a4161a", "#fbeeee"), ("#1b6e20", "#ffffff"),
                     ("#1a1a1a", "#eef2f6"), ("#1a1a1a", "#fff3b0"), ("#1a1a1a", "#eef8ef")]
        for (text, background) in pairs {
            #expect(header.contains(text == "#ffffff" ? "#fff" : text) && header.contains(background == "#ffffff" ? "#fff" : background),
                    "\(text) on \(background) is not in the stylesheet any more")
            #expect(Self.ratio(text, background) >= 4.5, "\(text) on \(background): \(Self.ratio(text, background))")
        }
        #expect(abs(Self.ratio("#000000", "#ffffff") - 21) < 0.01)
    }
}
