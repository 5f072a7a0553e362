import ClearwayApp
import ClearwayCore
import ClearwayInterop
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Logging
import Testing

@Suite("Cross-border e-commerce imports: three orders, limits, tax")
struct ECommerceTests {
    /// The demo firms that send each message, in the generator's order: order, payment, waybill, inventory.
    static let senders = ["platform", "payment", "logistics", "broker"]

    static func send(_ messages: CEBGenerator.Messages, order: [Int], to clearway: Clearway) async throws -> [CEBAnswer] {
        var answers: [CEBAnswer] = []
        for index in order {
            answers.append(try await clearway.receiveCEB(messages.all[index], by: try await Demo.principal(senders[index], in: clearway)))
        }
        return answers
    }

    static func receipt(_ answer: CEBAnswer) throws -> [(status: String, info: String)] {
        let root = try XMLTree.parse(answer.receipt)
        return root.elements().map { ($0.element("returnStatus")?.text ?? "", $0.element("returnInfo")?.text ?? "") }
    }

    @Test("order, payment, waybill and list match in every one of the 24 arrival orders; the last arrival decides", arguments: TestBackend.available)
    func everyArrivalOrder(backend: TestBackend) async throws {
        let clock = TestClock()
        try await backend.withClearway(clock: clock) { clearway in
            let rules = try await clearway.crossBorderRules()
            let generator = CEBGenerator(seed: 7, buyers: 1000)
            let admin = try await Demo.principal("admin", in: clearway)
            var permutations: [[Int]] = [[]]
            for n in 0..<4 { permutations = permutations.flatMap { p in (0...p.count).map { i in var q = p; q.insert(n, at: i); return q } } }
            #expect(permutations.count == 24)
            for (index, order) in permutations.enumerated() {
                let messages = generator.parcel(index, rules: rules, at: clock.now)
                let id = Parcel.id(ebpCode: generator.ebpCode, orderNo: messages.orderNo)
                let first = try await Self.send(messages, order: Array(order.prefix(3)), to: clearway)
                let waiting = try? await clearway.parcel(id, by: admin).state
                #expect(waiting?.assessment == nil && waiting?.status != .released, "\(order): decided before the last document")
                let last = try await Self.send(messages, order: [order[3]], to: clearway)
                let receipts = try (first + last).map(Self.receipt)
                #expect((first + last).allSatisfy { $0.refused == 0 }, "\(order): \(receipts)")
                let parcel = try await clearway.parcel(id, by: admin).state
                #expect([.released, .inspection].contains(parcel.status), "\(order): \(parcel.status) \(parcel.findings)")
                #expect(parcel.assessment != nil && parcel.invtNo?.count == 18)
            }
        }
    }

    @Test("an order and its payment sent at the same moment both join the parcel: the one prepared on a parcel that moved meanwhile is decided again", arguments: TestBackend.available)
    func orderAndPaymentAtOnce(backend: TestBackend) async throws {
        let clock = TestClock()
        try await backend.withClearway(clock: clock) { clearway in
            let rules = try await clearway.crossBorderRules()
            let generator = CEBGenerator(seed: 13, buyers: 1000)
            let platform = try await Demo.principal("platform", in: clearway), payer = try await Demo.principal("payment", in: clearway)
            let parcels = (0..<24).map { generator.parcel($0, rules: rules, at: clock.now) }
            // Both documents of each parcel are read against the same empty parcel before either is written.
            let answers = try await withThrowingTaskGroup(of: CEBAnswer.self) { group in
                for messages in parcels {
                    group.addTask { try await clearway.receiveCEB(messages.order, by: platform) }
                    group.addTask { try await clearway.receiveCEB(messages.payment, by: payer) }
                }
                return try await group.reduce(into: [CEBAnswer]()) { $0.append($1) }
            }
            #expect(answers.count == 48 && answers.allSatisfy { $0.refused == 0 })
            for messages in parcels { _ = try await Self.send(messages, order: [2, 3], to: clearway) }
            let admin = try await Demo.principal("admin", in: clearway)
            var decided = 0
            for messages in parcels {
                let parcel = try await clearway.parcel(Parcel.id(ebpCode: generator.ebpCode, orderNo: messages.orderNo), by: admin).state
                if parcel.order != nil, parcel.payment != nil, [.released, .inspection].contains(parcel.status) { decided += 1 }
            }
            #expect(decided == 24, "every parcel has its order and payment and was decided once its list came")
            let audit = try await clearway.verifyAudit()
            #expect(audit.break == nil)
        }
    }
}

extension ECommerceTests {
    static func complete(_ clearway: Clearway, _ generator: CEBGenerator, _ indices: Range<Int>, at date: Date) async throws {
        let rules = try await clearway.crossBorderRules()
        for index in indices {
            let messages = generator.parcel(index, rules: rules, at: date)
            _ = try await send(messages, order: [0, 1, 2], to: clearway)
        }
    }

    @Test("a node keeps the parcels it last wrote: one is given back only for the very text it was written as, the oldest making way")
    func recentParcels() {
        let recent = ParcelTables.RecentParcels(capacity: 2)
        func state(_ id: String, version: Int) -> Parcel.State {
            var state = Parcel.State(id: id)
            state.version = version
            return state
        }
        func text(_ id: String, version: Int) -> String { #"{"id":"\#(id)","version":\#(version)}"# }
        recent.remember(state("cbec-1", version: 1), text: text("cbec-1", version: 1))
        #expect(recent.recall("cbec-1", text: text("cbec-1", version: 1))?.state == state("cbec-1", version: 1))
        #expect(recent.recall("cbec-1", text: text("cbec-1", version: 2)) == nil, "another node wrote it since")
        #expect(recent.recall("cbec-2", text: text("cbec-2", version: 1)) == nil)
        recent.remember(state("cbec-1", version: 2), text: text("cbec-1", version: 2))
        #expect(recent.recall("cbec-1", text: text("cbec-1", version: 1)) == nil, "only the last write is kept")
        #expect(recent.recall("cbec-1", text: text("cbec-1", version: 2))?.state.version == 2)
        recent.remember(state("cbec-2", version: 1), text: text("cbec-2", version: 1))
        recent.remember(state("cbec-3", version: 1), text: text("cbec-3", version: 1))
        #expect(recent.count == 2)
        #expect(recent.recall("cbec-1", text: text("cbec-1", version: 2)) == nil, "the oldest made way")
        #expect(recent.recall("cbec-2", text: text("cbec-2", version: 1)) != nil && recent.recall("cbec-3", text: text("cbec-3", version: 1)) != nil)
    }

    @Test("a node works from the parcel as it last wrote it only while that is still what is stored: a payment another node added meanwhile is kept",
          arguments: TestBackend.available)
    func anotherNodeWroteMeanwhile(backend: TestBackend) async throws {
        // Times below the millisecond, as a real clock gives them: the state a node keeps has them, its stored text not.
        let clock = TestClock(Date(timeIntervalSince1970: 1_780_000_000.123_456_7))
        try await backend.withClearway(clock: clock) { nodeA in
            let nodeB = Clearway(store: nodeA.store, environment: clock.environment, logger: Logger(label: "node B"))
            let rules = try await nodeA.crossBorderRules()
            let generator = CEBGenerator(seed: 17, buyers: 1000)
            let messages = generator.parcel(0, rules: rules, at: clock.now)
            let id = Parcel.id(ebpCode: generator.ebpCode, orderNo: messages.orderNo)
            let platform = try await Demo.principal("platform", in: nodeA), payer = try await Demo.principal("payment", in: nodeA)
            let logistics = try await Demo.principal("logistics", in: nodeA), broker = try await Demo.principal("broker", in: nodeA)
            // A writes the order (and keeps that parcel), B adds the payment, then A takes the corrected order, the
            // waybill and the list: each of A's later documents must start from the parcel with B's payment in it.
            _ = try await nodeA.receiveCEB(messages.order, by: platform)
            clock.advance(0.000_3)
            _ = try await nodeB.receiveCEB(messages.payment, by: payer)
            clock.advance(1.000_7)
            let corrected = Data(String(decoding: messages.order, as: UTF8.self)
                .replacingOccurrences(of: "<ceb:appType>1</ceb:appType>", with: "<ceb:appType>2</ceb:appType>")
                .replacingOccurrences(of: "<ceb:ebpName>", with: "<ceb:ebpName>corrected: ").utf8)
            let answers = [try await nodeA.receiveCEB(corrected, by: platform), try await nodeA.receiveCEB(messages.waybill, by: logistics),
                           try await nodeA.receiveCEB(messages.inventory, by: broker)]
            let receipts = try answers.map(Self.receipt)
            #expect(answers.allSatisfy { $0.refused == 0 }, "\(receipts)")
            let parcel = try await nodeA.parcel(id, by: try await Demo.principal("admin", in: nodeA)).state
            #expect(parcel.payment != nil, "the payment node B added is not lost")
            #expect(parcel.order?.ebpName.hasPrefix("corrected: ") == true, "the corrected order was taken")
            #expect([.released, .inspection].contains(parcel.status), "\(parcel.status) \(parcel.findings)")
            let audit = try await nodeA.verifyAudit()
            #expect(audit.break == nil)
        }
    }

    @Test("parcels of one buyer declared at the same moment never together pass the 26,000 CNY year", arguments: TestBackend.available)
    func quotaRace(backend: TestBackend) async throws {
        let clock = TestClock()
        try await backend.withClearway(clock: clock) { clearway in
            let generator = CEBGenerator(seed: 11, buyers: 1)
            let rules = try await clearway.crossBorderRules()
            try await Self.complete(clearway, generator, 0..<24, at: clock.now)
            let broker = try await Demo.principal("broker", in: clearway)
            let lists = (0..<24).map { generator.parcel($0, rules: rules, at: clock.now).inventory }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for list in lists { group.addTask { _ = try await clearway.receiveCEB(list, by: broker) } }
                try await group.waitForAll()
            }
            let admin = try await Demo.principal("admin", in: clearway)
            var counted: Int64 = 0, declared: Int64 = 0, refusedForLimit = 0
            var buyer = ""
            for index in 0..<24 {
                let messages = generator.parcel(index, rules: rules, at: clock.now)
                let parcel = try await clearway.parcel(Parcel.id(ebpCode: generator.ebpCode, orderNo: messages.orderNo), by: admin).state
                declared += parcel.inventory!.dutiableValue.fen
                buyer = parcel.inventory!.buyer.key
                if parcel.countsTowardQuota { counted += parcel.assessment!.valueFen }
                if parcel.findings.contains(where: { $0.code == "annual-limit-exceeded" }) { refusedForLimit += 1 }
            }
            let used = try await clearway.store.read { db in try await ParcelTables.used(buyer: buyer, year: 2026, on: db) }
            #expect(declared > 2_600_000, "the test needs more than a year's worth")
            #expect(counted <= 2_600_000)
            #expect(used == counted)
            #expect(refusedForLimit > 0)
            #expect(buyer.count == 64 && !buyer.contains(generator.idNumber(buyer: 0)), "the ID number is kept only as a keyed hash")
        }
    }

    @Test("a return within 30 days gives the value back to the buyer's year; after 30 days it is refused", arguments: TestBackend.available)
    func returnRestoresQuota(backend: TestBackend) async throws {
        let clock = TestClock()
        try await backend.withClearway(clock: clock) { clearway in
            let generator = CEBGenerator(seed: 3, buyers: 1)
            let rules = try await clearway.crossBorderRules()
            let admin = try await Demo.principal("admin", in: clearway), broker = try await Demo.principal("broker", in: clearway)
            var released: [(index: Int, state: Parcel.State)] = []
            for index in 0..<6 where released.count < 2 {
                let messages = generator.parcel(index, rules: rules, at: clock.now)
                _ = try await Self.send(messages, order: [0, 1, 2, 3], to: clearway)
                let state = try await clearway.parcel(Parcel.id(ebpCode: generator.ebpCode, orderNo: messages.orderNo), by: admin).state
                if state.status == .released { released.append((index, state)) }
            }
            try #require(released.count == 2)
            let buyer = released[0].state.assessment!.personKey
            let before = try await clearway.store.read { db in try await ParcelTables.used(buyer: buyer, year: 2026, on: db) }
            clock.advance(10 * 86_400)
            let first = released[0]
            let answer = try await clearway.receiveCEB(
                generator.withdrawal(.return, of: first.index, invtNo: first.state.invtNo!, rules: rules, at: clock.now), by: broker)
            let receipt = try Self.receipt(answer)
            #expect(answer.refused == 0, "\(receipt)")
            #expect(answer.receiptType == "CEB626Message")
            let after = try await clearway.store.read { db in try await ParcelTables.used(buyer: buyer, year: 2026, on: db) }
            #expect(before - after == first.state.assessment!.valueFen)
            let returned = try await clearway.parcel(first.state.id, by: admin).state.status
            #expect(returned == .returned)
            clock.advance(25 * 86_400)
            let second = released[1]
            let late = try await clearway.receiveCEB(
                generator.withdrawal(.return, of: second.index, invtNo: second.state.invtNo!, rules: rules, at: clock.now), by: broker)
            let lateReceipt = try Self.receipt(late)
            #expect(late.refused == 1 && lateReceipt.first?.info.contains("return-window-closed") == true, "\(lateReceipt)")
        }
    }
}

extension ECommerceTests {
    static func sample(_ version: String, _ name: String) throws -> Data? {
        guard let folder = SharedData.directory?.appendingPathComponent("ceb/\(version)/samples/import") else { return nil }
        return try Data(contentsOf: folder.appendingPathComponent(name))
    }

    @Test("a list of goods not on the positive list is refused naming the line; wine, bonded-only, is refused under 9610")
    func positiveList() async throws {
        try await TestBackend.sqlite.withClearway { clearway in
            let rules = try await clearway.crossBorderRules()
            let messages = CEBGenerator(seed: 5).parcel(0, rules: rules, at: Date())
            let list = String(decoding: messages.inventory, as: UTF8.self)
            let gcode = try #require(list.range(of: #"<ceb:gcode>\d{10}</ceb:gcode>"#, options: .regularExpression))
            for (code, reason) in [("9304000000", "not-on-positive-list"), ("2204210000", "positive-list-bonded-only")] {
                let changed = Data(list.replacingCharacters(in: gcode, with: "<ceb:gcode>\(code)</ceb:gcode>").utf8)
                let answer = try await clearway.receiveCEB(changed, by: try await Demo.principal("broker", in: clearway))
                let info = try Self.receipt(answer).first?.info ?? ""
                #expect(answer.refused == 1 && info.contains("[Code:\(reason);Desc:/InventoryList/0/gcode \(code)"), "\(info)")
            }
            #expect(try await clearway.parcelCounts().isEmpty, "a refused list stores nothing")
        }
    }

    @Test("the official CEB311 sample: every order is refused naming line 2, whose 200 × 10 is not 12000; its totals pass")
    func officialOrderSample() async throws {
        guard let data = try Self.sample("v202205", "CEB311Message.xml") else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        try await TestBackend.sqlite.withClearway { clearway in
            let answer = try await clearway.receiveCEB(data, by: try await Demo.principal("admin", in: clearway))
            #expect(answer.receiptType == "CEB312Message")
            let receipts = try Self.receipt(answer)
            #expect(receipts.count == 6 && answer.refused == 6)
            for receipt in receipts {
                #expect(receipt.status == "100")
                #expect(receipt.info.contains("[Code:line-total-mismatch;Desc:/OrderList/1/totalPrice line 2: qty 200 × price 10 = 2000, not totalPrice 12000]"))
                #expect(!receipt.info.contains("paid-mismatch") && !receipt.info.contains("goods-value-mismatch"), "\(receipt.info)")
            }
        }
    }

    @Test("the official CEB621 sample: all ten lists are refused, every line failing qty × price")
    func officialInventorySample() async throws {
        guard let data = try Self.sample("v202205", "CEB621Message.xml") else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        try await TestBackend.sqlite.withClearway { clearway in
            let answer = try await clearway.receiveCEB(data, by: try await Demo.principal("admin", in: clearway))
            let receipts = try Self.receipt(answer)
            #expect(answer.receiptType == "CEB622Message" && receipts.count == 10 && answer.refused == 10)
            for receipt in receipts {
                #expect(receipt.status == "100")
                #expect(receipt.info.components(separatedBy: "line-total-mismatch").count - 1 == 2, "\(receipt.info)")
            }
            #expect(try await clearway.parcelCounts().isEmpty, "a refused list stores nothing")
        }
    }

    @Test("every official import sample of both editions passes the schema check; payments and waybills are stored, withdrawals of unknown lists refused")
    func officialSamplesRead() async throws {
        guard SharedData.directory != nil else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        try await TestBackend.sqlite.withClearway { clearway in
            let admin = try await Demo.principal("admin", in: clearway)
            for version in ["v2018-113", "v202205"] {
                for name in ["CEB311Message.xml", "CEB411Message.xml", "CEB511Message.xml", "CEB621Message.xml", "CEB623Message.xml", "CEB625Message.xml"] {
                    let answer = try await clearway.receiveCEB(try Self.sample(version, name)!, by: admin)
                    #expect(answer.receiptType != "CEB900Message", "\(version)/\(name): \(String(decoding: answer.receipt, as: UTF8.self).prefix(600))")
                }
            }
            let payment = try await clearway.receiveCEB(try Self.sample("v202205", "CEB411Message.xml")!, by: admin)
            #expect(try Self.receipt(payment).allSatisfy { $0.status == "120" || $0.info.contains("already-declared") })
            let cancel = try await clearway.receiveCEB(try Self.sample("v202205", "CEB623Message.xml")!, by: admin)
            #expect(try Self.receipt(cancel).allSatisfy { $0.status == "100" && $0.info.contains("not-found") })
        }
    }

    @Test("a message with an entity declaration, one that breaks the schema, one of the wrong kind and one stating an amount past what is kept exactly are answered by CEB900 and change nothing")
    func formatErrors() async throws {
        try await TestBackend.sqlite.withClearway { clearway in
            let admin = try await Demo.principal("admin", in: clearway)
            let bomb = Data("""
                <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
                <ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="x" version="1.0">&lol2;</ceb:CEB311Message>
                """.utf8)
            let rules = try await clearway.crossBorderRules()
            let good = String(decoding: CEBGenerator(seed: 1).parcel(0, rules: rules, at: Date()).order, as: UTF8.self)
            let broken = Data(good.replacingOccurrences(of: "<ceb:orderType>I</ceb:orderType>", with: "").utf8)
            // An import order under an export root is checked against the export schema; a receipt is not a message firms send.
            let export = Data(good.replacingOccurrences(of: "CEB311Message", with: "CEB303Message").utf8)
            let receipt = Data(good.replacingOccurrences(of: "CEB311Message", with: "CEB304Message").utf8)
            // decimal(19,5) allows 14 whole digits; past Int64's units the amount is refused by name (it stopped the server).
            let huge = Data(good.replacingOccurrences(of: #"<ceb:goodsValue>[0-9.]+</ceb:goodsValue>"#, with: "<ceb:goodsValue>99999999999999</ceb:goodsValue>",
                                                      options: .regularExpression).utf8)
            for (data, expected) in [(bomb, "not accepted"), (broken, "expected orderType, found orderNo"),
                                     (export, "OrderHead: expected currency, found discount"), (receipt, "not CEB304Message"),
                                     (huge, "goodsValue: '99999999999999' is beyond 92233720368547.75807")] {
                let answer = try await clearway.receiveCEB(data, by: admin)
                let root = try XMLTree.parse(answer.receipt)
                #expect(answer.receiptType == "CEB900Message" && root.localName == "CEB900Message")
                let info = root.element("MessageReturn")?.element("returnInfo")?.text ?? ""
                #expect(info.contains(expected), "\(info)")
                #expect(root.element("MessageReturn")?.element("returnStatus")?.text == "-1")
            }
            #expect(try await clearway.parcelCounts().isEmpty)
        }
    }
}

extension ECommerceTests {
    @Test("a list changed after it was signed is refused whole when digests are enforced, and noted on the receipt when not")
    func signatureDigest() async throws {
        let clock = TestClock()
        for enforce in [true, false] {
            try await TestBackend.sqlite.withClearway(clock: clock, configure: { $0.refuseBadCEBDigests = enforce }) { clearway in
                let rules = try await clearway.crossBorderRules()
                let messages = CEBGenerator(seed: 5).parcel(0, rules: rules, at: clock.now)
                let broker = try await Demo.principal("broker", in: clearway)
                let genuine = try await clearway.receiveCEB(messages.inventory, by: broker)
                #expect(genuine.receiptType == "CEB622Message")
                let text = String(decoding: messages.inventory, as: UTF8.self)
                let tampered = Data(text.replacingOccurrences(of: "<ceb:copNo>COP0</ceb:copNo>", with: "<ceb:copNo>COP9</ceb:copNo>").utf8)
                let answer = try await clearway.receiveCEB(tampered, by: broker)
                let body = String(decoding: answer.receipt, as: UTF8.self)
                if enforce {
                    #expect(answer.receiptType == "CEB900Message" && body.contains("changed after signing"))
                } else {
                    #expect(answer.receiptType == "CEB622Message" && body.contains("Code:signature-digest"))
                }
            }
        }
    }
}

extension ECommerceTests {
    @Test("after the matching window a list without its payment reports the payment firm's document missing, once")
    func missingDocumentReported() async throws {
        let clock = TestClock()
        try await TestBackend.sqlite.withClearway(clock: clock) { clearway in
            let generator = CEBGenerator(seed: 21)
            let messages = generator.parcel(0, rules: try await clearway.crossBorderRules(), at: clock.now)
            _ = try await Self.send(messages, order: [0, 2, 3], to: clearway)
            #expect(try await clearway.reportMissingParcelDocuments() == 0)
            clock.advance(25 * 3600)
            #expect(try await clearway.reportMissingParcelDocuments() == 1)
            #expect(try await clearway.reportMissingParcelDocuments() == 0)
            let admin = try await Demo.principal("admin", in: clearway)
            let parcel = try await clearway.parcel(Parcel.id(ebpCode: generator.ebpCode, orderNo: messages.orderNo), by: admin).state
            #expect(parcel.status == .stored)
            #expect(parcel.missingReported == [.payment])
            // The late payment still completes the set.
            _ = try await Self.send(messages, order: [1], to: clearway)
            let done = try await clearway.parcel(parcel.id, by: admin).state
            #expect([.released, .inspection].contains(done.status))
        }
    }

    @Test("an officer refusing a parcel under review gives its value back to the buyer's year")
    func reviewRefusal() async throws {
        let clock = TestClock()
        try await TestBackend.sqlite.withClearway(clock: clock) { clearway in
            var generator = CEBGenerator(seed: 22)
            generator.misstateTax = true
            let messages = generator.parcel(0, rules: try await clearway.crossBorderRules(), at: clock.now)
            _ = try await Self.send(messages, order: [0, 1, 2, 3], to: clearway)
            let officer = try await Demo.principal("officer", in: clearway)
            let id = Parcel.id(ebpCode: generator.ebpCode, orderNo: messages.orderNo)
            let waiting = try await clearway.parcel(id, by: officer).state
            #expect(waiting.status == .manualReview)
            #expect(waiting.findings.map(\.code) == ["tax-withheld-differs"])
            let buyer = waiting.assessment!.personKey
            let held = try await clearway.store.read { db in try await ParcelTables.used(buyer: buyer, year: 2026, on: db) }
            #expect(held == waiting.assessment!.valueFen)
            let refused = try await clearway.decideParcel(id, review: false, inspectionPassed: nil, note: "tax not withheld", by: officer)
            #expect(refused.status == .rejected)
            let after = try await clearway.store.read { db in try await ParcelTables.used(buyer: buyer, year: 2026, on: db) }
            #expect(after == 0)
            let queue = try await clearway.parcels(status: .manualReview, by: officer)
            #expect(queue.isEmpty)
        }
    }
}
