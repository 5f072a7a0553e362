import ClearwayApp
import ClearwayCore
import ClearwayStore
import ClearwayTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Declaration ledger")
struct DeclarationLedgerTests {
    func count(_ table: String, _ clearway: Clearway) async throws -> Int {
        try await clearway.store.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()!.decode(column: "n", as: Int.self)
        }
    }

    @Test("50 concurrent lodgements at one office get customs numbers 1 to 50 with no gap", arguments: TestBackend.available)
    func gaplessNumbers(backend: TestBackend) async throws {
        try await backend.withClearway { clearway in
            let trader = try await Demo.principal("trader", in: clearway)
            let numbers = try await withThrowingTaskGroup(of: CustomsNumber.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await clearway.lodge(Demo.importForm(), by: trader).customsNumber! }
                }
                return try await group.reduce(into: [CustomsNumber]()) { $0.append($1) }
            }
            #expect(numbers.map(\.sequence).sorted() == Array(1...50))
            #expect(Set(numbers.map { $0.rawValue.prefix(9) }) == ["224820261"])
        }
    }

    @Test("a refused lodgement stores nothing and uses no number", arguments: TestBackend.available)
    func refusedStoresNothing(backend: TestBackend) async throws {
        try await backend.withClearway { clearway in
            let trader = try await Demo.principal("trader", in: clearway)
            let first = try await clearway.lodge(Demo.importForm(), by: trader)
            let before = try await (count("events", clearway), count("outbox", clearway), count("declarations", clearway))
            await #expect(throws: ClearanceError.self) {
                try await clearway.lodge(Demo.importForm(commodityCode: "8517120000"), by: trader)
            }
            await #expect(throws: ClearanceError.self) {
                try await clearway.lodge(Demo.importForm(declarant: Demo.harbourBrokers), by: trader)
            }
            let after = try await (count("events", clearway), count("outbox", clearway), count("declarations", clearway))
            #expect(before == after)
            let second = try await clearway.lodge(Demo.importForm(), by: trader)
            #expect(second.customsNumber!.sequence == first.customsNumber!.sequence + 1)
        }
    }

    @Test("the same Idempotency-Key and body return the first declaration; another body is refused", arguments: TestBackend.available)
    func idempotentReplay(backend: TestBackend) async throws {
        try await backend.withClearway { clearway in
            let trader = try await Demo.principal("trader", in: clearway)
            let results = try await withThrowingTaskGroup(of: Declaration.State.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await clearway.lodge(Demo.importForm(), by: trader, idempotencyKey: "order-77") }
                }
                return try await group.reduce(into: [Declaration.State]()) { $0.append($1) }
            }
            #expect(Set(results.map(\.id)).count == 1)
            #expect(Set(results.map(\.customsNumber)).count == 1)
            #expect(try await count("declarations", clearway) == 1)
            await #expect(throws: ClearanceError.idempotencyKeyReused(key: "order-77")) {
                try await clearway.lodge(Demo.importForm(container: "MSKU9070323"), by: trader, idempotencyKey: "order-77")
            }
            let broker = try await Demo.principal("broker", in: clearway)
            let other = try await clearway.lodge(
                Demo.importForm(declarant: Demo.harbourBrokers), by: broker, idempotencyKey: "order-77")
            #expect(other.id != results[0].id)
        }
    }

    @Test("changing one stored event makes audit verification fail and name it", arguments: TestBackend.available)
    func tamperDetection(backend: TestBackend) async throws {
        try await backend.withClearway { clearway in
            let trader = try await Demo.principal("trader", in: clearway)
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await clearway.lodge(Demo.importForm(), by: trader).id) }
            _ = try await clearway.bindTransport(ids[1], means: "COSCO SHIPPING ARIES", voyage: "045E", by: trader)
            let clean = try await clearway.verifyAudit()
            #expect(clean.break == nil)
            #expect(clean.events == 4)
            try await clearway.store.transaction { db in
                try await db.raw(
                    """
                    UPDATE events SET payload = REPLACE(payload, '045E', '046E')
                    WHERE stream_id = \(bind: ids[1]) AND version = 2
                    """
                ).run()
            }
            let tampered = try await clearway.verifyAudit()
            #expect(tampered.break?.streamID == ids[1])
            #expect(tampered.break?.version == 2)
        }
    }

    @Test("amend, bind, cancel and reject are recorded with actor and time, and the projection follows", arguments: TestBackend.available)
    func lifecycle(backend: TestBackend) async throws {
        let clock = TestClock()
        try await backend.withClearway(clock: clock) { clearway in
            let trader = try await Demo.principal("trader", in: clearway)
            let officer = try await Demo.principal("officer", in: clearway)
            let lodged = try await clearway.lodge(Demo.importForm(), by: trader)
            clock.advance(60)
            var amended = Demo.importForm()
            amended.items[0].quantity = "1300"
            _ = try await clearway.amend(lodged.customsNumber!.rawValue, amended, by: trader)
            clock.advance(60)
            await #expect(throws: ClearanceError.conflict(stream: lodged.id, expectedVersion: 1)) {
                try await clearway.cancel(lodged.id, reason: "stale", by: trader, expectedVersion: 1)
            }
            await #expect(throws: ClearanceError.self) {
                try await clearway.reject(lodged.id, reason: "trader cannot reject", by: trader)
            }
            let rejected = try await clearway.reject(lodged.id, reason: "documents missing", by: officer)
            #expect(rejected.status == .rejected)
            await #expect(throws: ClearanceError.notAllowedInState(action: "cancel", state: "rejected")) {
                try await clearway.cancel(lodged.id, reason: "too late", by: trader)
            }
            let timeline = try await clearway.timeline(lodged.id, by: trader)
            #expect(timeline.map(\.name) == ["accepted", "amended", "rejected"])
            #expect(timeline.map { $0.actor?.username } == ["trader", "trader", "officer"])
            #expect(timeline[2].occurredAt.timeIntervalSince(timeline[0].occurredAt) == 120)
            let read = try await clearway.declaration(lodged.id, by: officer)
            #expect(read.status == .rejected)
            #expect(read.draft?.items[0].quantity.text == "1300")
            #expect(read.version == 3)
        }
    }

    @Test("lists show only what the reader may see, filtered, in pages that cover everything once", arguments: TestBackend.available)
    func listsAndPaging(backend: TestBackend) async throws {
        let clock = TestClock()
        try await backend.withClearway(clock: clock) { clearway in
            let trader = try await Demo.principal("trader", in: clearway)
            let broker = try await Demo.principal("broker", in: clearway)
            var lodged: [String] = []
            for index in 0..<7 {
                clock.advance(1)
                let form = index % 2 == 0
                    ? Demo.importForm() : Demo.importForm(declarant: Demo.harbourBrokers, tradingParty: Demo.yangtzeFoods)
                lodged.append(try await clearway.lodge(form, by: index % 2 == 0 ? trader : broker).id)
            }
            clock.advance(1)
            _ = try await clearway.cancel(lodged[0], reason: "duplicate", by: trader)

            var seen: [String] = []
            var cursor: DeclarationQuery.Cursor?
            let admin = try await Demo.principal("admin", in: clearway)
            repeat {
                let page = try await clearway.declarations(DeclarationQuery(after: cursor, limit: 3), by: admin)
                seen += page.items.map(\.id)
                cursor = page.next
            } while cursor != nil
            #expect(seen == lodged.reversed())

            let mine = try await clearway.declarations(DeclarationQuery(), by: trader).items
            #expect(Set(mine.map(\.id)) == Set(stride(from: 0, to: 7, by: 2).map { lodged[$0] }))
            let cancelled = try await clearway.declarations(DeclarationQuery(status: .cancelled), by: trader).items
            #expect(cancelled.map(\.id) == [lodged[0]])
            let foods = try await Demo.principal("foods", in: clearway)
            #expect(try await clearway.declarations(DeclarationQuery(), by: foods).items.count == 3)

            let shanghai = try await Demo.principal("officer", in: clearway)
            #expect(try await clearway.declarations(DeclarationQuery(), by: shanghai).items.count == 7)
            let ningbo = try await Demo.principal("ningbo-officer", in: clearway)
            #expect(try await clearway.declarations(DeclarationQuery(), by: ningbo).items.isEmpty)
            await #expect(throws: ClearanceError.self) {
                try await clearway.declaration(lodged[1], by: ningbo)
            }
            await #expect(throws: ClearanceError.notFound(kind: "declaration", id: lodged[1])) {
                try await clearway.declaration(lodged[1], by: trader)
            }
            let start = clock.now.addingTimeInterval(-5)
            let recent = try await clearway.declarations(DeclarationQuery(acceptedFrom: start), by: admin).items
            #expect(recent.count == 5)
        }
    }

    @Test("reference data is loaded once and reloaded only when its file changes", arguments: TestBackend.available)
    func referenceReload(backend: TestBackend) async throws {
        try await backend.withClearway { clearway in
            #expect(try await clearway.loadReferenceData(from: DataDirectory.locate()).isEmpty)
            let reference = try await clearway.referenceData()
            #expect(reference.hs.subheadings.count == 5612)
            #expect(reference.offices.offices.count >= 43)
            #expect(reference.currencies["JPY"] == 0)
        }
    }
}
