import ClearwayApp
import ClearwayCore
import ClearwayInterop
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Testing

extension CEBExportGenerator {
    static func receipts(_ answer: CEBAnswer) throws -> [(status: String, info: String)] {
        try XMLTree.parse(answer.receipt).elements().map { ($0.element("returnStatus")?.text ?? "", $0.element("returnInfo")?.text ?? "") }
    }
}

@Suite("Cross-border e-commerce exports: list release, summary declaration, the customs–tax–forex chain")
struct ExportChainTests {
    static let seller = "3122441234", otherSeller = "4403961234"

    /// Lodges one export parcel through all its messages and returns its list number.
    static func ship(_ n: Int, in clearway: Clearway, ebc: String = seller, owner: String = seller, country: String = "USA",
                     lines: [(String, Int, Int)] = [("8541410000", 10, 20)], depart: Bool = true) async throws -> String {
        let platform = try await Demo.principal("platform", in: clearway)
        let logistics = try await Demo.principal("logistics", in: clearway)
        let broker = try await Demo.principal("broker", in: clearway)
        let order = "EXP\(n)", waybill = "WB\(n)"
        _ = try await clearway.receiveCEB(CEBExportGenerator.waybill(waybill), by: logistics)
        let listed = try await clearway.receiveCEB(CEBExportGenerator.list(order, waybill: waybill, ebc: ebc, owner: owner, country: country, lines: lines), by: broker)
        let listReceipts = try CEBExportGenerator.receipts(listed)
        #expect(listed.refused == 0, "\(listReceipts)")
        _ = try await clearway.receiveCEB(CEBExportGenerator.order(order, ebc: ebc, lines: lines), by: platform)
        _ = try await clearway.receiveCEB(CEBExportGenerator.movement(.arrival, [waybill]), by: logistics)
        if depart { _ = try await clearway.receiveCEB(CEBExportGenerator.movement(.departure, [waybill]), by: logistics) }
        let found = try await clearway.exportParcels(status: nil, by: broker).first { $0.state.order?.orderNo == order }
        return found?.state.invtNo ?? ""
    }

    @Test("a list is released once order, waybill and list agree and the goods have arrived, and closed when they leave", arguments: TestBackend.available)
    func listRelease(backend: TestBackend) async throws {
        try await backend.withClearway { clearway in
            let logistics = try await Demo.principal("logistics", in: clearway)
            let broker = try await Demo.principal("broker", in: clearway)
            let platform = try await Demo.principal("platform", in: clearway)
            _ = try await clearway.receiveCEB(CEBExportGenerator.order("E1", ebc: Self.seller, lines: [("8541410000", 10, 20)]), by: platform)
            let listed = try await clearway.receiveCEB(CEBExportGenerator.list("E1", waybill: "W1", ebc: Self.seller, owner: Self.seller,
                                                                           lines: [("8541410000", 10, 20)]), by: broker)
            let listedText = String(decoding: listed.receipt, as: UTF8.self)
            #expect(listed.receiptType == "CEB604Message", "\(listedText)")
            let waiting = try CEBExportGenerator.receipts(listed)
            #expect(waiting.first?.status == "120" && waiting.first?.info.contains("waybill (CEB505), arrival report (CEB507)") == true, "\(waiting)")
            let early = try await clearway.receiveCEB(CEBExportGenerator.movement(.departure, ["W1"]), by: logistics)
            #expect(try CEBExportGenerator.receipts(early).first?.status == "100", "goods do not leave before release")
            _ = try await clearway.receiveCEB(CEBExportGenerator.waybill("W1"), by: logistics)
            let arrived = try await clearway.receiveCEB(CEBExportGenerator.movement(.arrival, ["W1"]), by: logistics)
            #expect(arrived.receiptType == "CEB508Message" && arrived.refused == 0)
            var state = try await clearway.exportParcels(status: nil, by: broker).first!.state
            #expect(state.status == .released && state.invtNo?.hasPrefix("22002026E") == true)
            let backdated = try await clearway.receiveCEB(CEBExportGenerator.movement(.departure, ["W1"], leaveTime: "20200101000000"), by: logistics)
            #expect(try CEBExportGenerator.receipts(backdated).first?.info.contains("before-release") == true, "a list cannot leave before it was released")
            let departed = try await clearway.receiveCEB(CEBExportGenerator.movement(.departure, ["W1"]), by: logistics)
            #expect(departed.receiptType == "CEB510Message" && departed.refused == 0)
            state = try await clearway.exportParcels(status: nil, by: broker).first!.state
            #expect(state.status == .closed && state.departedAt != nil)
            let unknown = try await clearway.receiveCEB(CEBExportGenerator.movement(.arrival, ["NOPE"]), by: logistics)
            #expect(try CEBExportGenerator.receipts(unknown).first?.info.contains("NOPE") == true)
        }
    }

    @Test("a list whose lines do not add up to the order is rejected naming both totals; a list that breaks its arithmetic stores nothing")
    func mismatches() async throws {
        try await TestBackend.sqlite.withClearway { clearway in
            let broker = try await Demo.principal("broker", in: clearway)
            let platform = try await Demo.principal("platform", in: clearway)
            _ = try await clearway.receiveCEB(CEBExportGenerator.order("E2", ebc: Self.seller, lines: [("8541410000", 10, 20)]), by: platform)
            let listed = try await clearway.receiveCEB(CEBExportGenerator.list("E2", waybill: "W2", ebc: Self.seller, owner: Self.seller,
                                                                           lines: [("8541410000", 10, 30)]), by: broker)
            _ = try await clearway.receiveCEB(CEBExportGenerator.waybill("W2"), by: try await Demo.principal("logistics", in: clearway))
            #expect(listed.refused == 0)
            let state = try await clearway.exportParcels(status: nil, by: broker).first!.state
            #expect(state.status == .rejected)
            #expect(state.findings.first?.detail == "the list's lines total 300, the order's goodsValue 200", "\(state.findings)")
            var bad = String(decoding: CEBExportGenerator.list("E3", waybill: "W3", ebc: Self.seller, owner: "", lines: [("8541410000", 10, 20)]), as: UTF8.self)
            bad = bad.replacingOccurrences(of: "<ceb:totalPrice>200</ceb:totalPrice>", with: "<ceb:totalPrice>201</ceb:totalPrice>")
            let refused = try await clearway.receiveCEB(Data(bad.utf8), by: broker)
            let info = try CEBExportGenerator.receipts(refused).first?.info ?? ""
            #expect(refused.refused == 1 && info.contains("line-total-mismatch") && info.contains("/InventoryHead/ownerCode"), "\(info)")
            #expect(try await clearway.exportParcelCounts()["stored"] == nil)
        }
    }

    @Test("the month's released lists are consolidated by seller, producer, destination and commodity before the 15th; the worker runs once",
          arguments: TestBackend.available)
    func monthlySummary(backend: TestBackend) async throws {
        let clock = TestClock()
        try await backend.withClearway(clock: clock) { clearway in
            var numbers: [String] = []
            for n in 0..<3 { numbers.append(try await Self.ship(n, in: clearway, lines: [("8541410000", 10, 20), ("6109100011", 2, 50)])) }
            numbers.append(try await Self.ship(3, in: clearway, country: "DEU"))
            numbers.append(try await Self.ship(4, in: clearway, depart: false))
            #expect(numbers.allSatisfy { !$0.isEmpty })
            #expect(try await clearway.generateExportSummaries().isEmpty, "nothing is summarised before the month ends")
            clock.advance(4 * 86_400)  // 2026-06-02, China time
            let made = try await clearway.generateExportSummaries()
            #expect(made.count == 2, "USA and DEU make two declarations")
            let usa = try #require(made.first { $0.group.head["country"] == "USA" })
            #expect(usa.group.invtNos.count == 4 && usa.period == "2026-05" && usa.deadline == "2026-06-15")
            let lines = usa.group.lines.map { "\($0.gcode) \($0.qty) \($0.value)" }
            #expect(lines == ["8541410000 40 800", "6109100011 6 300"], "\(lines)")
            #expect(usa.group.lines[0].sources.count == 4)
            #expect(try await clearway.generateExportSummaries().isEmpty, "a second round finds nothing left")
            let schema = try XMLSchema(documents: [try Data(contentsOf: Self.exportSchema)])
            #expect(schema.validate(try XMLTree.parse(usa.result)) == [], "CEB792 passes the official export schema")
            let records = try await clearway.exportRecords(by: try Demo.principal("tax", in: clearway))
            #expect(records.count == 2)
            let record = try #require(records.first { $0.recorded?.reference == usa.sumNo })
            #expect(record.recorded?.value == [Money(minor: 110_000, currency: "CNY")])
            #expect(record.recorded?.items.map(\.rebateRate) == [Decimal(string: "0.13")!, Decimal(string: "0.13")!])
        }
    }

    @Test("a summary is due on the 15th of the next month, moved past weekends and holidays")
    func deadlines() {
        let spring: Set<String> = ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-23"]
        #expect(ExportSummary.deadline(of: "2026-01", nonWorkingDays: spring) == "2026-02-24")
        #expect(ExportSummary.deadline(of: "2026-10", nonWorkingDays: []) == "2026-11-16", "15 November 2026 is a Sunday")
        #expect(ExportSummary.deadline(of: "2026-09", nonWorkingDays: []) == "2026-10-15")
        #expect(ExportSummary.deadline(of: "2026-12", nonWorkingDays: []) == "2027-01-15")
        #expect(ExportSummary.deadline(of: "2026-10", nonWorkingDays: [], workingDays: ["2026-11-15"]) == "2026-11-15")
    }

    @Test("summary keys outside the list's fields are refused naming them")
    func badKeys() {
        #expect(throws: ClearanceError.self) { try ExportSummary.Keys(head: ["colour"], line: ["gcode"]) }
        #expect(throws: ClearanceError.self) { try ExportSummary.Keys(head: ["ebcCode"], line: ["currency"]) }
    }

    @Test("the tax agency sees what a rebate needs and no more, every read is logged, and forex money is reconciled", arguments: TestBackend.available)
    func chain(backend: TestBackend) async throws {
        let clock = TestClock()
        try await backend.withClearway(clock: clock) { clearway in
            _ = try await Self.ship(0, in: clearway)
            clock.advance(4 * 86_400)
            let summary = try #require(try await clearway.generateExportSummaries().first)
            let tax = try await Demo.principal("tax", in: clearway)
            let forex = try await Demo.principal("forex", in: clearway)
            let id = "xr-" + summary.sumNo
            let view = try await clearway.exportRecord(id, by: tax)
            #expect(view.fields["rebateRates"] == "8541410000:0.13" && view.fields["receipts"] == nil && view.withheld.contains("receipts"))
            await #expect(throws: ClearanceError.self) { try await clearway.exportRecord(id, field: "receipts", by: tax) }
            _ = try await clearway.recordRebate(id, paid: false, amountFen: 2_600, reference: "R1", by: tax)
            await #expect(throws: ClearanceError.self) { try await clearway.recordRebate(id, paid: true, amountFen: 2_700, reference: "P1", by: tax) }
            let paid = try await clearway.recordRebate(id, paid: true, amountFen: 2_600, reference: "P1", by: tax)
            #expect(paid.stage == .rebatePaid)
            await #expect(throws: ClearanceError.self) { try await clearway.recordRebate(id, paid: false, amountFen: 1, reference: "R2", by: forex) }
            // 200 CNY declared; 20 USD at 7.1846 = 143.69 CNY first (awaiting), then 8 USD more (200.43: within 5%).
            let first = try await clearway.recordForexReceipt(id, amount: "20.00", currency: "USD", receivedAt: clock.now,
                                                              bankReference: "BK1", by: forex)
            #expect(try await clearway.exportRecord(id, by: forex).reconciliation?.status == .awaiting)
            let again = try await clearway.recordForexReceipt(id, amount: "20.00", currency: "USD", receivedAt: clock.now,
                                                              bankReference: "BK1", by: forex)
            #expect(again.version == first.version, "the same bank receipt twice is one receipt")
            _ = try await clearway.recordForexReceipt(id, amount: "8.00", currency: "USD", receivedAt: clock.now, bankReference: "BK2", by: forex)
            let forexView = try await clearway.exportRecord(id, by: forex)
            #expect(forexView.reconciliation?.status == .matched && forexView.reconciliation?.receivedFen == 20_117, "\(String(describing: forexView.reconciliation))")
            #expect(forexView.fields["rebateRates"] == nil)
            let trader = try await Demo.principal("trader", in: clearway)
            let own = try await clearway.exportRecord(id, by: trader)
            #expect(own.reads.map(\.agency).sorted() == ["safe", "safe", "sta"], "the exporter sees who read its record")
            #expect(own.state.chain.allSatisfy { $0.at != nil }, "declared → released → departed → closed → rebate filed → paid → money received")
            await #expect(throws: ClearanceError.self) {
                try await clearway.exportRecord(id, by: try await Demo.principal("foods", in: clearway))
            }
        }
    }

    @Test("the flagged list finds a record whose money fell short behind hundreds of newer ones still within their window",
          arguments: TestBackend.available)
    func flaggedBehindNewer(backend: TestBackend) async throws {
        let clock = TestClock()
        try await backend.withClearway(clock: clock) { clearway in
            func record(_ id: String, closedDaysAgo: Double) throws -> ExportRecord.State {
                let closedAt = clock.now.addingTimeInterval(-closedDaysAgo * 86_400)
                let recorded = ExportRecord.Recorded(
                    source: .declaration, reference: id, exporter: "p-east-ocean", producer: "p-east-ocean", serviceFirm: nil,
                    items: [.init(commodityCode: "8541410000", description: "cells", value: Money(minor: 20_000, currency: "CNY"), rebateRate: 0.13)],
                    declaredAt: closedAt, releasedAt: closedAt, departedAt: closedAt, closedAt: closedAt)
                let events = try ExportRecord.decide(.record(recorded), ExportRecord.State(id: "xr-" + id), now: closedAt, principal: .system)
                return events.reduce(ExportRecord.State(id: "xr-" + id), ExportRecord.evolve)
            }
            // Nothing received 200 days after closure (the window is 90): short. Then 600 closed yesterday: awaiting.
            let records = try [record("old", closedDaysAgo: 200)] + (0..<600).map { try record("new-\($0)", closedDaysAgo: 1) }
            try await clearway.store.transaction { db in
                for state in records { try await ExportChainTables.upsert(state, forexStatus: nil, at: clock.now, on: db) }
            }
            let tax = try await Demo.principal("tax", in: clearway)
            let flagged = try await clearway.exportRecords(flagged: true, limit: 5, by: tax).map(\.id)
            let all = try await clearway.exportRecords(limit: 5, by: tax).map(\.id)
            #expect(flagged == ["xr-old"])
            #expect(all.count == 5 && !all.contains("xr-old"))
        }
    }

    @Test("a service enterprise declares only for producers that authorised it, naming them on the list")
    func serviceEnterprise() async throws {
        try await TestBackend.sqlite.withClearway { clearway in
            let ftse = try await Demo.principal("ftse", in: clearway)
            let list = CEBExportGenerator.list("F1", waybill: "FW1", ebc: CEBExportGenerator.agent, owner: Self.seller, agentCode: "4403961234",
                                           lines: [("8541410000", 1, 20)])
            let refused = try await clearway.receiveCEB(list, by: ftse)
            let refusal = try CEBExportGenerator.receipts(refused)
            #expect(refusal.first?.info.contains("not-authorised") == true, "\(refusal)")
            let trader = try await Demo.principal("trader", in: clearway)
            await #expect(throws: ClearanceError.self) {
                try await clearway.authoriseServiceFirm("p-silkroad-ftse", client: "p-east-ocean", validUntil: TestClock().now.addingTimeInterval(-86_400), by: trader)
            }
            _ = try await clearway.authoriseServiceFirm("p-silkroad-ftse", client: "p-east-ocean",
                                                        validUntil: TestClock().now.addingTimeInterval(365 * 86_400), by: trader)
            let taken = try await clearway.receiveCEB(list, by: ftse)
            let takenReceipts = try CEBExportGenerator.receipts(taken)
            #expect(taken.refused == 0, "\(takenReceipts)")
            #expect(try await clearway.serviceAuthorisations(by: ftse).map(\.clientParty) == ["p-east-ocean"])
        }
    }

    static let exportSchema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Data/ceb/export-business-node-202205.xsd")

    static func sample(_ version: String, _ name: String) throws -> Data? {
        guard let folder = SharedData.directory?.appendingPathComponent("ceb/\(version)/samples/export") else { return nil }
        return try Data(contentsOf: folder.appendingPathComponent(name))
    }

    @Test("the official export samples: 2022-05's duplicated BaseTransfer is refused by CEB900; the 2018 lists fail their arithmetic; goodsValue is read to five places")
    func officialSamples() async throws {
        guard SharedData.directory != nil else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        try await TestBackend.sqlite.withClearway { clearway in
            let admin = try await Demo.principal("admin", in: clearway)
            for name in ["CEB303", "CEB403", "CEB505", "CEB507", "CEB509", "CEB603", "CEB605", "CEB607"] {
                let answer = try await clearway.receiveCEB(try Self.sample("v202205", "\(name)Message.xml")!, by: admin)
                let text = String(decoding: answer.receipt, as: UTF8.self)
                #expect(answer.receiptType == "CEB900Message" && text.contains("unexpected element BaseTransfer"), "\(name): \(text.prefix(300))")
            }
            let apply = try await clearway.receiveCEB(try Self.sample("v202205", "CEB701Message.xml")!, by: admin)
            #expect(apply.receiptType == "CEB702Message" && apply.refused > 0, "unknown lists are refused, not summarised")
            for name in ["CEB303", "CEB403", "CEB505", "CEB507", "CEB509", "CEB603", "CEB605", "CEB607", "CEB701"] {
                let answer = try await clearway.receiveCEB(try Self.sample("v2018-113", "\(name)Message.xml")!, by: admin)
                #expect(answer.receiptType != "CEB900Message", "\(name): \(String(decoding: answer.receipt, as: UTF8.self).prefix(400))")
            }
            let orders = try await clearway.receiveCEB(try Self.sample("v2018-113", "CEB303Message.xml")!, by: admin)
            #expect(try CEBExportGenerator.receipts(orders).allSatisfy {
                $0.status == "100" && $0.info.contains("goodsValue 12345678912345.12345 is not the sum of the lines' totalPrice, 2000")
            })
            let lists = try await clearway.receiveCEB(try Self.sample("v2018-113", "CEB603Message.xml")!, by: admin)
            #expect(try CEBExportGenerator.receipts(lists).allSatisfy { $0.status == "100" && $0.info.contains("line-total-mismatch") })
        }
    }
}
