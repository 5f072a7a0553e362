import ClearwayCore
@testable import ClearwayStore
import Logging
import SQLKit
import ClearwayTestSupport
import Foundation
import Testing

@Suite("Port event log")
struct PortEventLogTests {
    @Test("an event kept until its declaration comes is read back whole: box, conveyance and bill keys, with its tally, manifest and ship side", arguments: TestBackend.available)
    func readBackWhole(backend: TestBackend) async throws {
        let at = Date(timeIntervalSince1970: 1_780_000_000)
        let box = try ContainerNumber("CSQU3054383")
        let events = [
            PortEvent(kind: .gatedOut, at: at, container: box, location: "CNSHA-YS4", atShipSide: true, source: "dcsa-3.0", externalID: "GTOT-1"),
            PortEvent(kind: .tallied, at: at.addingTimeInterval(60), billOfLading: "COSU6245187340", tallyNormal: false),
            PortEvent(kind: .manifestFiled, at: at.addingTimeInterval(120), means: "COSCO SHIPPING ARIES", voyage: "045E", manifest: .clean),
        ]
        try await backend.withStore { store in
            try await store.transaction { db in
                for (index, event) in events.enumerated() {
                    _ = try await PortEventLog.append(event, reportedBy: "u-terminal", outcome: index == 0 ? "applied" : "unmatched",
                                                      detail: "", declarations: index == 0 ? ["d-1"] : [], at: at, on: db)
                }
            }
            let keys: [(kind: DeclarationKeys.Kind, value: String)] = [
                (.container, box.rawValue), (.billOfLading, "COSU6245187340"),
                (.conveyance, DeclarationKeys.conveyance(means: "COSCO SHIPPING ARIES", voyage: "045E")),
            ]
            let logged = try await store.read { db in
                try await PortEventLog.logged(keys: keys, since: at.addingTimeInterval(-1), on: db)
            }
            #expect(logged == [LoggedPortEvent(events[0], matched: true), LoggedPortEvent(events[1], matched: false),
                               LoggedPortEvent(events[2], matched: false)])
            let later = try await store.read { db in try await PortEventLog.logged(keys: keys, since: at.addingTimeInterval(90), on: db) }
            #expect(later.map(\.event.kind) == [.manifestFiled])
        }
    }

    @Test("a retraction marks every version of its sender's event, none of another id or sender, and a marked event is never read back for a lodgement; the latest revision counts retracted versions", arguments: TestBackend.available)
    func retraction(backend: TestBackend) async throws {
        let at = Date(timeIntervalSince1970: 1_780_000_000)
        let box = try ContainerNumber("CSQU3054383")
        func gateIn(_ id: String, _ minutes: Double) -> PortEvent {
            let parts = id.split(separator: "@").map(String.init)
            return PortEvent(kind: .gatedIn, at: at.addingTimeInterval(minutes * 60), container: box, source: "dcsa-3.0", externalID: id,
                             eventID: parts[0], revisedAt: parts.count > 1 ? Timestamp.parse(parts[1]) : nil)
        }

        let sent = [("GTIN-1@2026-05-28T08:00:00Z", "u-terminal"), ("GTIN-1@2026-05-28T08:05:00Z", "u-terminal"),
                    ("GTIN-10", "u-terminal"), ("GTIN-1", "u-other-terminal")]
        try await backend.withStore { store in
            let ids = try await store.transaction { db in
                var ids: [Int64] = []
                for (index, (id, reporter)) in sent.enumerated() {
                    ids.append(try await PortEventLog.append(gateIn(id, Double(index)), reportedBy: reporter, outcome: "unmatched",
                                                             detail: "", declarations: [], at: at, on: db))
                }
                return ids
            }
            func latest(_ reporter: String) async throws -> Date? {
                try await store.read { db in
                    try await PortEventLog.latestRevision(source: "dcsa-3.0", eventID: "GTIN-1", reportedBy: .user(reporter), on: db)
                }
            }
            #expect(try await latest("u-terminal") == Timestamp.parse("2026-05-28T08:05:00Z"))
            #expect(try await latest("u-other-terminal") == nil)
            let retracted = try await store.transaction { db in
                try await PortEventLog.retract(source: "dcsa-3.0", eventID: "GTIN-1", reportedBy: .user("u-terminal"), at: at, on: db)
            }
            #expect(retracted.map(\.id) == Array(ids.prefix(2)))
            #expect(retracted.map(\.event) == [gateIn(sent[0].0, 0), gateIn(sent[1].0, 1)])
            let again = try await store.transaction { db in
                try await PortEventLog.retract(source: "dcsa-3.0", eventID: "GTIN-1", reportedBy: .user("u-terminal"), at: at, on: db)
            }
            #expect(again.isEmpty)
            #expect(try await latest("u-terminal") == Timestamp.parse("2026-05-28T08:05:00Z"))
            // A version logged void (outdated on arrival) is never read back for a lodgement either.
            _ = try await store.transaction { db in
                try await PortEventLog.append(gateIn("GTIN-1@2026-05-28T08:01:00Z", 4), reportedBy: "u-other-terminal", outcome: "outdated",
                                              detail: "", declarations: [], voided: true, at: at, on: db)
            }
            let logged = try await store.read { db in
                try await PortEventLog.logged(keys: [(.container, box.rawValue)], since: at.addingTimeInterval(-1), on: db)
            }
            #expect(logged.map(\.event.externalID) == ["GTIN-10", "GTIN-1"])
        }
    }

    @Test("events logged before versions were kept get their event's id from their delivery's, so a retraction finds every version of them", arguments: TestBackend.available)
    func versionsOfOldEvents(backend: TestBackend) async throws {
        let at = Date(timeIntervalSince1970: 1_780_000_000)
        let sent = [("dcsa-3.0", "GTIN-1@2026-05-28T08:00:00Z"), ("dcsa-3.0", "GTIN-1"), ("edifact", "TERM1/CODECO/D-7/CSQU3054383@000123/1"),
                    ("api", "gate@north-7"), ("dcsa-2.2", "e@2")]
        try await backend.withDatabaseLocation { location in
            let store = try await openStore(location, logger: Logger(label: "test"))
            do {
                try await Migrations.run(on: store, before: "0027-port-event-versions")
                try await store.transaction { db in
                    for (source, id) in sent {
                        try await db.raw("""
                            INSERT INTO port_events (received_at, occurred_at, kind, container, source, external_id, reported_by, outcome, detail, declarations)
                            VALUES (\(bind: at.timestamp), \(bind: at.timestamp), 'gated-in', 'CSQU3054383', \(bind: source), \(bind: id), 'u-terminal', 'unmatched', '', '')
                            """).run()
                    }
                }
                #expect(try await Migrations.run(on: store).first == "0027-port-event-versions")
                let ids = try await store.read { db in
                    try await db.raw("SELECT event_id FROM port_events ORDER BY id").all().map { try $0.decode(column: "event_id", as: String.self) }
                }
                #expect(ids == ["GTIN-1", "GTIN-1", "TERM1/CODECO/D-7/CSQU3054383", "gate@north-7", "e@2"])
                let retracted = try await store.transaction { db in
                    try await PortEventLog.retract(source: "dcsa-3.0", eventID: "GTIN-1", reportedBy: .user("u-terminal"), at: at, on: db)
                }
                #expect(retracted.map(\.id) == [1, 2])
            } catch {
                await store.close()
                throw error
            }
            await store.close()
        }
    }

    @Test("answers kept for idempotency keys are forgotten past their lifetime, oldest first and a batch at a time", arguments: TestBackend.available)
    func idempotencyExpiry(backend: TestBackend) async throws {
        let at = Date(timeIntervalSince1970: 1_780_000_000)
        try await backend.withStore { store in
            try await store.transaction { db in
                for day in 0..<5 {
                    try await IdempotencyKeys.record(scope: "p-1:lodge", key: "k-\(day)", fingerprint: "f", response: "{}",
                                                     at: at.addingTimeInterval(Double(day) * 86_400), on: db)
                }
            }
            let cutoff = at.addingTimeInterval(3 * 86_400)
            let first = try await store.transaction { db in try await IdempotencyKeys.expire(before: cutoff, limit: 2, on: db) }
            let second = try await store.transaction { db in try await IdempotencyKeys.expire(before: cutoff, limit: 2, on: db) }
            #expect(first == 2 && second == 1)
            let left = try await store.read { db in
                try await (0..<5).asyncFilter { try await IdempotencyKeys.find(scope: "p-1:lodge", key: "k-\($0)", on: db) != nil }
            }
            #expect(left == [3, 4])
        }
    }
}

extension Sequence {
    fileprivate func asyncFilter(_ isIncluded: (Element) async throws -> Bool) async rethrows -> [Element] {
        var kept: [Element] = []
        for element in self where try await isIncluded(element) { kept.append(element) }
        return kept
    }
}
