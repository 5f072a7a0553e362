import ClearwayApp
import ClearwayCore
import ClearwayStore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import SQLKit
import Testing

@Suite("Port flow over HTTP")
struct PortFlowTests {
    static func export(_ procedure: String = "serial") -> String {
        declarationJSON(extra: #""procedure":"\#(procedure)","#).replacingOccurrences(of: #""direction":"import""#, with: #""direction":"export""#)
    }

    static func portEvent(_ kind: String, _ at: String, container: String? = "CSQU3054383", extra: String = "") -> String {
        #"{"kind":"\#(kind)","at":"\#(at)"\#(container.map { #","container":"\#($0)""# } ?? "")\#(extra)}"#
    }

    @Test("a box gated in before its declaration is matched at lodgement; loading before release is refused and recorded; the export closes", arguments: TestBackend.available)
    func serialExport(backend: TestBackend) async throws {
        let clock = TestClock()
        try await withApp(backend, clock: clock) { _, client in
            let early = try await client.send(Call(
                method: .post, path: "/api/v1/port-events", token: "demo-token-terminal",
                json: Self.portEvent("gated-in", "2026-05-28T08:00:00Z")))
            #expect(early.status == .accepted)
            #expect(try early.json()["outcome"] as? String == "unmatched")

            let lodged = try await client.send(Call(
                method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: Self.export()))
            #expect(lodged.status == .created)
            let id = try #require(try lodged.json()["id"] as? String)
            let boxes = try lodged.json()["boxes"] as? [[String: Any]]
            #expect(boxes?.first?["gatedInAt"] as? String == "2026-05-28T08:00:00.000Z")

            let waiting = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)/waiting", token: "demo-token-trader"))
            let waits = try waiting.json()["waits"] as? [[String: Any]] ?? []
            #expect(waits.compactMap { $0["condition"] as? String } == ["risk-decided", "inspection-done", "duties-settled"])
            #expect(waits.first?["party"] as? String == "customs")

            let early_load = try await client.send(Call(
                method: .post, path: "/api/v1/port-events", token: "demo-token-terminal",
                json: Self.portEvent("loaded", "2026-05-28T09:00:00Z")))
            #expect(early_load.status == .conflict)
            #expect(try early_load.json()["detail"] as? String == "declaration \(id): hold: not released")

            clock.advance(600)
            _ = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(id)/risk", token: "demo-token-officer", json: #"{"lane":"green"}"#))
            let paid = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(id)/duties", token: "demo-token-trader", json: #"{"settlement":"paid"}"#))
            #expect(try paid.json()["status"] as? String == "released")

            let loaded = try await client.send(Call(
                method: .post, path: "/api/v1/port-events", token: "demo-token-terminal",
                json: Self.portEvent("loaded", "2026-05-28T10:00:00Z")))
            #expect(try loaded.json()["applied"] as? [String] == [id])
            for kind in ["conveyance-departed", "manifest-filed"] {
                let body = Self.portEvent(
                    kind, "2026-05-28T12:00:00Z", container: nil,
                    extra: #","means":"COSCO SHIPPING ARIES","voyage":"045E","manifest":"clean""#)
                #expect(try await client.send(Call(method: .post, path: "/api/v1/port-events", token: "demo-token-terminal", json: body)).status == .accepted)
            }
            let closed = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)", token: "demo-token-trader"))
            #expect(try closed.json()["status"] as? String == "closed")

            let timeline = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)/events", token: "demo-token-officer"))
            let names = (try JSONSerialization.jsonObject(with: Data(timeline.text.utf8)) as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names == [
                "accepted", "port-event-recorded", "movement-refused", "risk-decided", "duties-settled", "released",
                "port-event-recorded", "port-event-recorded", "port-event-recorded", "closed",
            ])
            let report = try await client.send(Call(method: .get, path: "/api/v1/reports/time-release?by=procedure", token: "demo-token-officer"))
            let rows = try JSONSerialization.jsonObject(with: Data(report.text.utf8)) as? [[String: Any]] ?? []
            #expect(rows.first?["group"] as? String == "serial")

            // Closure sends the tax agency the export record: who, what, value, commodity codes and rebate rates.
            let record = try await client.send(Call(method: .get, path: "/api/v1/export-records/xr-\(id)", token: "demo-token-tax"))
            #expect(record.status == .ok)
            let fields = try record.json()["fields"] as? [String: String] ?? [:]
            #expect(fields["reference"] == id && fields["exporter"] == "p-east-ocean" && fields["rebateRates"]?.isEmpty == false)
            #expect(fields["closedAt"] == "2026-05-28T12:00:00.000Z" || fields["closedAt"]?.hasPrefix("2026-05-28") == true, "\(fields)")
            let chain = (try record.json()["record"] as? [String: Any])?["chain"] as? [[String: Any]] ?? []
            #expect(chain.prefix(4).allSatisfy { $0["at"] != nil } && chain.count == 7)
        }
    }

    /// An import lodged, released on the green lane with its duties paid, discharged and picked up at the gate.
    static func pickedUpImport(_ client: any TestClientProtocol, report: (String, String) async throws -> [String: Any]) async throws -> String {
        let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON()))
        let imported = try #require(try lodged.json()["id"] as? String)
        _ = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(imported)/risk", token: "demo-token-officer", json: #"{"lane":"green"}"#))
        _ = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(imported)/duties", token: "demo-token-trader", json: #"{"settlement":"paid"}"#))
        #expect(try await report("discharged", "2026-05-28T09:00:00Z")["applied"] as? [String] == [imported])
        let pickedUp = try await report("gated-out", "2026-05-28T10:00:00Z")
        #expect(pickedUp["applied"] as? [String] == [imported], "\(pickedUp)")
        return imported
    }

    @Test("a box reused for a later shipment is that shipment's: the import it left no longer hears of it, and what came before it left is not applied to the next", arguments: TestBackend.available)
    func reusedBox(backend: TestBackend) async throws {
        let clock = TestClock()
        try await withApp(backend, clock: clock) { _, client in
            func report(_ kind: String, _ at: String) async throws -> [String: Any] {
                try await client.send(Call(method: .post, path: "/api/v1/port-events", token: "demo-token-terminal",
                                           json: Self.portEvent(kind, at))).json()
            }
            func eventNames(_ id: String) async throws -> [String] {
                let timeline = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)/events", token: "demo-token-officer"))
                return (try JSONSerialization.jsonObject(with: Data(timeline.text.utf8)) as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            }
            let imported = try await Self.pickedUpImport(client, report: report)
            let history = try await eventNames(imported)

            // The exit sent again, and a month later the emptied box back at the gate for an export.
            #expect(try await report("gated-out", "2026-05-28T10:00:00Z")["outcome"] as? String == "unmatched")
            clock.advance(30 * 86_400)
            #expect(try await report("gated-in", "2026-06-27T08:00:00Z")["outcome"] as? String == "unmatched")
            #expect(try await eventNames(imported) == history)

            let export = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: Self.export()))
            let box = (try export.json()["boxes"] as? [[String: Any]])?.first
            #expect(box?["gatedInAt"] as? String == "2026-06-27T08:00:00.000Z", "\(export.text)")
            #expect(box?["gatedOutAt"] == nil && box?["dischargedAt"] == nil, "\(export.text)")
        }
    }

    @Test("a database written before box stays were kept has its picked-up boxes' keys put right by its upgrade: the import no longer hears of its box", arguments: TestBackend.available)
    func boxStaysUpgrade(backend: TestBackend) async throws {
        try await withApp(backend) { clearway, client in
            func report(_ kind: String, _ at: String) async throws -> [String: Any] {
                try await client.send(Call(method: .post, path: "/api/v1/port-events", token: "demo-token-terminal",
                                           json: Self.portEvent(kind, at))).json()
            }
            let imported = try await Self.pickedUpImport(client, report: report)
            // As an older build left it: the box's key still active, and the upgrade not yet applied.
            try await clearway.store.transaction { db in
                try await db.raw("UPDATE declaration_keys SET active = 1 WHERE declaration_id = \(bind: imported)").run()
                try await db.raw("DELETE FROM schema_migrations WHERE id = '0028-box-stays'").run()
            }
            #expect(try await Migrations.run(on: clearway.store) == ["0028-box-stays"])
            #expect(try await report("gated-in", "2026-05-29T08:00:00Z")["outcome"] as? String == "unmatched")
        }
    }

    @Test("a feed's second delivery of an event, the same id from the same source, is answered as the first and changes nothing; the same id with other content is refused", arguments: TestBackend.available)
    func redelivery(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON()))
            let id = try #require(try lodged.json()["id"] as? String)
            func arrival(at time: String) -> String {
                Self.portEvent("conveyance-arrived", time, container: nil,
                               extra: #","means":"COSCO SHIPPING ARIES","voyage":"045E","externalId":"ARRI-2026-0528-01""#)
            }
            let first = try await client.send(Call(method: .post, path: "/api/v1/port-events", token: "demo-token-terminal", json: arrival(at: "2026-05-28T06:00:00Z")))
            let second = try await client.send(Call(method: .post, path: "/api/v1/port-events", token: "demo-token-terminal", json: arrival(at: "2026-05-28T06:00:00Z")))
            let applied = try first.json()["applied"] as? [String]
            #expect(first.status == .accepted && applied == [id], "\(first.text)")
            #expect(second.status == .accepted && second.text == first.text)
            let changed = try await client.send(Call(method: .post, path: "/api/v1/port-events", token: "demo-token-terminal", json: arrival(at: "2026-05-28T07:00:00Z")))
            let issue = (try changed.json()["errors"] as? [[String: Any]])?.first
            #expect(changed.status == .unprocessableContent && issue?["pointer"] as? String == "/externalId" && issue?["code"] as? String == "event-id-reused", "\(changed.text)")

            let timeline = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)/events", token: "demo-token-officer"))
            let names = (try JSONSerialization.jsonObject(with: Data(timeline.text.utf8)) as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names.filter { $0 == "port-event-recorded" }.count == 1, "\(names)")
        }
    }

    @Test("a DCSA batch that gives an event's id to other content is refused whole, naming the id: none of its events is taken; a 3.0 event with a later update time is its newer version", arguments: TestBackend.available.prefix(1))
    func batchReusingAnID(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON()))
            let id = try #require(try lodged.json()["id"] as? String)
            func event(_ eventID: String, _ code: String, _ at: String) -> String {
                #"{"eventID":"\#(eventID)","eventDateTime":"\#(at)","eventClassification":{"eventTypeCode":"EQUIPMENT","eventClassifierCode":"ACT","equipmentEventTypeCode":"\#(code)"},"equipmentDetails":{"equipmentReference":"CSQU3054383"}}"#
            }
            func send(_ events: String...) async throws -> TestResponse {
                try await client.send(Call(method: .post, path: "/api/v1/port-events/dcsa", token: "demo-token-terminal",
                                           json: #"{"events":[\#(events.joined(separator: ","))]}"#))
            }
            func eventNames() async throws -> [String] {
                let timeline = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)/events", token: "demo-token-officer"))
                return (try JSONSerialization.jsonObject(with: Data(timeline.text.utf8)) as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            }
            let discharge = event("DISC-0001", "DISC", "2026-05-28T08:00:00Z")
            #expect(try await send(discharge).status == .accepted)
            let before = try await eventNames()
            let refused = try await send(event("GTOT-0001", "GTOT", "2026-05-28T09:00:00Z"), event("DISC-0001", "DISC", "2026-05-28T08:30:00Z"))
            #expect(refused.status == .unprocessableContent && refused.text.contains("event DISC-0001 from"), "\(refused.text)")
            #expect(try await eventNames() == before)
            // The same batch with the discharge as first delivered: the discharge is answered again, the gate-out taken.
            let taken = try await send(event("GTOT-0001", "GTOT", "2026-05-28T09:00:00Z"), discharge)
            #expect(taken.status == .accepted, "\(taken.text)")
            #expect(try await eventNames().count == before.count + 1)

            // Track & Trace 3.0: a later eventUpdatedDateTime makes the same id a newer version of the event, taken as such.
            func version(_ updated: String, at: String) -> String {
                event("DISC-0002", "DISC", at).replacingOccurrences(of: #""eventID""#, with: #""eventUpdatedDateTime":"\#(updated)","eventID""#)
            }
            #expect(try await send(version("2026-05-28T08:01:00Z", at: "2026-05-28T08:00:00Z")).status == .accepted)
            let newer = try await send(version("2026-05-28T08:05:00Z", at: "2026-05-28T07:59:00Z"))
            #expect(newer.status == .accepted, "\(newer.text)")
            let sameVersion = try await send(version("2026-05-28T08:05:00Z", at: "2026-05-28T07:58:00Z"))
            #expect(sameVersion.status == .unprocessableContent, "\(sameVersion.text)")
        }
    }

    @Test("a DCSA 3.0 retraction voids every version of its event: the declaration it was recorded on is undone, an early one is never applied, and a second delivery is answered as the first; a newer version replaces the earlier", arguments: TestBackend.available)
    func retraction(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            func event(_ eventID: String, _ code: String, _ at: String, updated: String, box: String = "CSQU3054383") -> String {
                #"{"eventID":"\#(eventID)","eventUpdatedDateTime":"\#(updated)","eventDateTime":"\#(at)","eventClassification":{"eventTypeCode":"EQUIPMENT","eventClassifierCode":"ACT","equipmentEventTypeCode":"\#(code)"},"equipmentDetails":{"equipmentReference":"\#(box)"}}"#
            }
            func retract(_ eventID: String, updated: String) -> String {
                #"{"eventID":"\#(eventID)","isRetracted":true,"eventUpdatedDateTime":"\#(updated)"}"#
            }
            func send(_ events: String...) async throws -> TestResponse {
                try await client.send(Call(method: .post, path: "/api/v1/port-events/dcsa", token: "demo-token-terminal",
                                           json: #"{"events":[\#(events.joined(separator: ","))]}"#))
            }
            // A gate-in for another box, before any declaration names it, and its retraction.
            let early = try await send(event("GTIN-9", "GTIN", "2026-05-28T07:00:00Z", updated: "2026-05-28T07:01:00Z", box: "MSKU1234565"))
            let earlyLog = try #require(try early.jsonArray().first?["logId"] as? Int)
            let voided = try await send(retract("GTIN-9", updated: "2026-05-28T07:30:00Z"))
            let voidedOutcome = try voided.jsonArray().first
            #expect(voidedOutcome?["outcome"] as? String == "retracted" && voidedOutcome?["retracted"] as? [Int] == [earlyLog], "\(voided.text)")

            let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader",
                json: declarationJSON().replacingOccurrences(of: "CSQU3054383", with: "MSKU1234565")))
            let boxes = try lodged.json()["boxes"] as? [[String: Any]]
            #expect(lodged.status == .created && boxes?.first?["gatedInAt"] == nil, "\(lodged.text)")

            // A gate-in kept until its declaration came, applied then, and retracted after: the declaration is undone.
            #expect(try await send(event("GTIN-11", "GTIN", "2026-05-28T07:10:00Z", updated: "2026-05-28T07:11:00Z", box: "TGHU1234567")).status == .accepted)
            let late = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader",
                json: declarationJSON().replacingOccurrences(of: "CSQU3054383", with: "TGHU1234567")))
            let lateID = try #require(try late.json()["id"] as? String)
            let lateBox = (try late.json()["boxes"] as? [[String: Any]])?.first
            #expect(lateBox?["gatedInAt"] as? String == "2026-05-28T07:10:00.000Z", "\(late.text)")
            let lateRetraction = try await send(retract("GTIN-11", updated: "2026-05-28T09:00:00Z"))
            #expect(try lateRetraction.jsonArray().first?["applied"] as? [String] == [lateID], "\(lateRetraction.text)")

            // A discharge recorded on a declaration, corrected by a newer version (its time replaces the first's), then
            // retracted: what is left of it is voided.
            let other = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON()))
            let id = try #require(try other.json()["id"] as? String)
            func discharge() async throws -> String? {
                let declaration = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)", token: "demo-token-officer"))
                return (try declaration.json()["boxes"] as? [[String: Any]])?.first?["dischargedAt"] as? String
            }
            #expect(try await send(event("DISC-5", "DISC", "2026-05-28T08:00:00Z", updated: "2026-05-28T08:01:00Z")).status == .accepted)
            #expect(try await discharge() == "2026-05-28T08:00:00.000Z")
            #expect(try await send(event("DISC-5", "DISC", "2026-05-28T07:59:00Z", updated: "2026-05-28T08:02:00Z")).status == .accepted)
            #expect(try await discharge() == "2026-05-28T07:59:00.000Z")
            let retraction = try await send(retract("DISC-5", updated: "2026-05-28T08:30:00Z"))
            let outcome = try retraction.jsonArray().first
            #expect(retraction.status == .accepted && outcome?["applied"] as? [String] == [id], "\(retraction.text)")
            #expect((outcome?["retracted"] as? [Int])?.count == 1, "\(retraction.text)")
            let again = try await send(retract("DISC-5", updated: "2026-05-28T08:30:00Z"))
            #expect(again.status == .accepted && again.text == retraction.text, "\(again.text)")

            #expect(try await discharge() == nil)
            let timeline = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)/events", token: "demo-token-officer"))
            let names = (try JSONSerialization.jsonObject(with: Data(timeline.text.utf8)) as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names.filter { $0 == "port-event-retracted" }.count == 2, "\(names)")
        }
    }

    @Test("a DCSA 3.0 version delivered after a newer one is outdated: logged, recorded on no declaration and never applied to a later one, answered the same when delivered again", arguments: TestBackend.available)
    func outdatedVersion(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            func event(_ eventID: String, _ code: String, _ at: String, updated: String, box: String = "CSQU3054383") -> String {
                #"{"eventID":"\#(eventID)","eventUpdatedDateTime":"\#(updated)","eventDateTime":"\#(at)","eventClassification":{"eventTypeCode":"EQUIPMENT","eventClassifierCode":"ACT","equipmentEventTypeCode":"\#(code)"},"equipmentDetails":{"equipmentReference":"\#(box)"}}"#
            }
            func send(_ events: String...) async throws -> TestResponse {
                try await client.send(Call(method: .post, path: "/api/v1/port-events/dcsa", token: "demo-token-terminal",
                                           json: #"{"events":[\#(events.joined(separator: ","))]}"#))
            }
            let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON()))
            let id = try #require(try lodged.json()["id"] as? String)
            func declaration() async throws -> (discharged: String?, events: Int) {
                let read = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)", token: "demo-token-officer"))
                let timeline = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)/events", token: "demo-token-officer"))
                let events = (try JSONSerialization.jsonObject(with: Data(timeline.text.utf8)) as? [Any])?.count ?? 0
                return ((try read.json()["boxes"] as? [[String: Any]])?.first?["dischargedAt"] as? String, events)
            }
            // The feed delivers the corrected version (made at 08:05) before the first one (made at 08:01).
            let newer = try await send(event("DISC-7", "DISC", "2026-05-28T07:59:00Z", updated: "2026-05-28T08:05:00Z"))
            #expect(try newer.jsonArray().first?["applied"] as? [String] == [id], "\(newer.text)")
            let recorded = try await declaration()
            #expect(recorded.discharged == "2026-05-28T07:59:00.000Z")
            let older = try await send(event("DISC-7", "DISC", "2026-05-28T08:00:00Z", updated: "2026-05-28T08:01:00Z"))
            let outcome = try older.jsonArray().first
            #expect(older.status == .accepted && outcome?["outcome"] as? String == "outdated", "\(older.text)")
            #expect(outcome?["applied"] as? [String] == [] && (outcome?["logId"] as? Int ?? 0) > 0, "\(older.text)")
            let after = try await declaration()
            #expect(after.discharged == recorded.discharged && after.events == recorded.events, "\(after)")
            let again = try await send(event("DISC-7", "DISC", "2026-05-28T08:00:00Z", updated: "2026-05-28T08:01:00Z"))
            #expect(again.status == .accepted && again.text == older.text, "\(again.text)")
            // A still newer version replaces the one that stands.
            let newest = try await send(event("DISC-7", "DISC", "2026-05-28T07:58:00Z", updated: "2026-05-28T08:10:00Z"))
            #expect(try newest.jsonArray().first?["applied"] as? [String] == [id], "\(newest.text)")
            #expect(try await declaration().discharged == "2026-05-28T07:58:00.000Z")

            // A box no declaration names yet, whose first version (a gate-out) the terminal corrected to a gate-in: the
            // first, delivered late, is kept void, so the lodgement finds the box in the port.
            #expect(try await send(event("GATE-21", "GTIN", "2026-05-28T07:10:00Z", updated: "2026-05-28T07:30:00Z", box: "MSKU1234565")).status == .accepted)
            let early = try await send(event("GATE-21", "GTOT", "2026-05-28T07:20:00Z", updated: "2026-05-28T07:20:00Z", box: "MSKU1234565"))
            #expect(try early.jsonArray().first?["outcome"] as? String == "outdated", "\(early.text)")
            let late = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader",
                json: declarationJSON().replacingOccurrences(of: "CSQU3054383", with: "MSKU1234565")))
            let box = (try late.json()["boxes"] as? [[String: Any]])?.first
            #expect(late.status == .created && box?["gatedInAt"] as? String == "2026-05-28T07:10:00.000Z", "\(late.text)")
        }
    }

    @Test("a refused departure confirmation says why; after a normal tally it is approved", arguments: TestBackend.available.prefix(1))
    func departureConfirmation(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            let id = try await Self.lodgeTransshipment(client)
            let refused = try await Self.confirmDeparture(id, client)
            #expect(refused.status == .conflict)
            #expect(try refused.json()["detail"] as? String == "departure-approval refused: hold: manifest tally not normal")
            let tally = Self.portEvent("tallied", "2026-05-28T08:00:00Z", container: nil, extra: #","billOfLading":"COSU6245187340","tallyNormal":true"#)
            let tallied = try await client.send(Call(method: .post, path: "/api/v1/port-events", token: "demo-token-terminal", json: tally))
            #expect(try tallied.json()["applied"] as? [String] == [id], "\(tallied.text)")
            let approved = try await Self.confirmDeparture(id, client)
            #expect(approved.status == .ok, "\(approved.text)")
            #expect((try approved.json()["clearance"] as? [String: Any])?["departureApprovedAt"] != nil)
        }
    }

    @Test("a tally reported before its declaration counts, with its result, when the declaration comes: the departure is approved without another", arguments: TestBackend.available)
    func tallyBeforeDeclaration(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            let tally = Self.portEvent("tallied", "2026-05-28T08:00:00Z", container: nil, extra: #","billOfLading":"COSU6245187340","tallyNormal":true"#)
            let early = try await client.send(Call(method: .post, path: "/api/v1/port-events", token: "demo-token-terminal", json: tally))
            #expect(try early.json()["outcome"] as? String == "unmatched", "\(early.text)")
            let id = try await Self.lodgeTransshipment(client)
            let approved = try await Self.confirmDeparture(id, client)
            #expect(approved.status == .ok, "\(approved.text)")
        }
    }

    /// A departure-confirmation declaration of bill COSU6245187340, its barge not yet known, lane decided green.
    static func lodgeTransshipment(_ client: any TestClientProtocol) async throws -> String {
        let body = declarationJSON(extra: #""procedure":"departure-confirmation","billOfLading":"COSU6245187340","#)
            .replacingOccurrences(of: #","means":"COSCO SHIPPING ARIES","voyage":"045E""#, with: "")
        let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: body))
        let id = try #require(try lodged.json()["id"] as? String, "\(lodged.text)")
        _ = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(id)/risk", token: "demo-token-officer", json: #"{"lane":"green"}"#))
        return id
    }

    static func confirmDeparture(_ id: String, _ client: any TestClientProtocol) async throws -> TestResponse {
        try await client.send(Call(method: .post, path: "/api/v1/declarations/\(id)/departure-confirmation", token: "demo-token-trader",
                                   json: #"{"means":"CHANGJIANG 7","voyage":"B2417"}"#))
    }

    @Test("a bad port event gets every problem at once and changes nothing")
    func badPortEvent() async throws {
        try await withApp(.sqlite) { _, client in
            let response = try await client.send(Call(
                method: .post, path: "/api/v1/port-events", token: "demo-token-terminal",
                json: #"{"kind":"teleported","at":"2026-05-28T08:00:00Z","container":"CSQU3054384"}"#))
            #expect(response.status == .unprocessableContent)
            let pointers = (try response.json()["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
            #expect(pointers == ["/kind", "/container"])
            let dcsa = try await client.send(Call(
                method: .post, path: "/api/v1/port-events/dcsa", token: "demo-token-terminal",
                json: #"[{"eventType":"EQUIPMENT","eventID":"incorrect"}]"#))
            #expect(dcsa.status == .unprocessableContent)
            #expect((try dcsa.json()["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/0/eventID")
        }
    }

    @Test("a terminal's EDIFACT discharge report matches the declaration's box; a gate-out before release is refused; a bad interchange changes nothing", arguments: TestBackend.available)
    func edifactInterchange(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader",
                                                    json: declarationJSON(extra: #""procedure":"direct-pickup","#)))
            let id = try #require(try lodged.json()["id"] as? String)
            func interchange(_ message: String, _ code: String, _ box: String = "CSQU3054383") -> String {
                "UNA:+.? 'UNB+UNOC:3+YANGSHAN+CLEARWAY+260528:0800+42'UNH+1+\(message):D:95B:UN'BGM+\(code)+R1+9'"
                    + "TDT+20+045E+1++COS:172:20+++9783:103::COSCO SHIPPING ARIES'EQD+CN+\(box)+22G1'DTM+203:202605280830:203'"
                    + "UNT+6+1'UNZ+1+42'"
            }
            func send(_ text: String) async throws -> TestResponse {
                try await client.send(Call(method: .post, path: "/api/v1/edi", token: "demo-token-terminal",
                                           raw: (Array(text.utf8), "application/edifact")))
            }
            let discharged = try await send(interchange("COARRI", "44"))
            #expect(discharged.status == .accepted, "\(discharged.text)")
            let outcomes = try JSONSerialization.jsonObject(with: Data(discharged.text.utf8)) as? [[String: Any]] ?? []
            #expect(outcomes.first?["applied"] as? [String] == [id])
            let gateOut = try await send(interchange("CODECO", "36"))
            // The terminal's feed delivers the same interchange again: the same answer, and nothing recorded twice.
            let again = try await send(interchange("CODECO", "36"))
            #expect(again.status == gateOut.status && again.text == gateOut.text)
            let refused = (try JSONSerialization.jsonObject(with: Data(gateOut.text.utf8)) as? [[String: Any]])?.first
            let refusal = (refused?["refused"] as? [[String: Any]])?.first
            #expect(refusal?["declarationId"] as? String == id)
            #expect(refusal?["reason"] as? String == "hold: not released")

            let bad = try await send(interchange("COARRI", "44", "CSQU3054384"))
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("/segments/5/elements/2"))
            let events = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)/events", token: "demo-token-trader"))
            let names = (try JSONSerialization.jsonObject(with: Data(events.text.utf8)) as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names == ["accepted", "port-event-recorded", "movement-refused"])

            // The terminal cancels its discharge report (BGM function 1, the same document number, a new interchange).
            let cancellation = interchange("COARRI", "44").replacingOccurrences(of: "R1+9", with: "R1+1").replacingOccurrences(of: "+42'", with: "+43'")
            let cancelled = try await send(cancellation)
            let outcome = (try JSONSerialization.jsonObject(with: Data(cancelled.text.utf8)) as? [[String: Any]])?.first
            #expect(cancelled.status == .accepted && outcome?["outcome"] as? String == "retracted", "\(cancelled.text)")
            #expect(outcome?["applied"] as? [String] == [id] && (outcome?["retracted"] as? [Int])?.count == 1, "\(cancelled.text)")
            let declaration = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)", token: "demo-token-trader"))
            let box = (try declaration.json()["boxes"] as? [[String: Any]])?.first
            #expect(box?["dischargedAt"] == nil, "\(declaration.text)")
        }
    }

    @Test("an EDIFACT discharge report delivered after its replacement, issued later, is outdated: the replacement's time stands", arguments: TestBackend.available)
    func edifactOutdated(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON()))
            let id = try #require(try lodged.json()["id"] as? String)
            // Document R7 issued at 08:40 as an original (9), replaced at 09:10 (5) with a corrected discharge time.
            func report(_ control: String, function: String, issued: String, discharged: String) -> String {
                "UNA:+.? 'UNB+UNOC:3+YANGSHAN+CLEARWAY+260528:0800+\(control)'UNH+1+COARRI:D:95B:UN'BGM+44+R7+\(function)'DTM+137:\(issued):203'"
                    + "TDT+20+045E+1++COS:172:20+++9783:103::COSCO SHIPPING ARIES'EQD+CN+CSQU3054383+22G1'DTM+203:\(discharged):203'"
                    + "UNT+7+1'UNZ+1+\(control)'"
            }
            func send(_ text: String) async throws -> [String: Any]? {
                let answer = try await client.send(Call(method: .post, path: "/api/v1/edi", token: "demo-token-terminal",
                                                        raw: (Array(text.utf8), "application/edifact")))
                #expect(answer.status == .accepted, "\(answer.text)")
                return (try JSONSerialization.jsonObject(with: Data(answer.text.utf8)) as? [[String: Any]])?.first
            }
            func discharged() async throws -> String? {
                let declaration = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)", token: "demo-token-trader"))
                return (try declaration.json()["boxes"] as? [[String: Any]])?.first?["dischargedAt"] as? String
            }
            let replacement = try await send(report("51", function: "5", issued: "202605280910", discharged: "202605280825"))
            #expect(replacement?["applied"] as? [String] == [id])
            let corrected = try await discharged()
            let original = try await send(report("50", function: "9", issued: "202605280840", discharged: "202605280830"))
            #expect(original?["outcome"] as? String == "outdated" && original?["applied"] as? [String] == [], "\(String(describing: original))")
            #expect(try await discharged() == corrected && corrected != nil)
        }
    }
}
