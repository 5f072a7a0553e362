import ClearwayApp
import ClearwayCore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Cloud diversion over HTTP")
struct DiversionHTTPTests {
    /// Lodges an import through Yangshan with the given containers and has the officer pick it for inspection.
    static func picked(_ client: any TestClientProtocol, containers: String, kind: String) async throws -> String {
        let body = declarationJSON().replacingOccurrences(
            of: #""containers":[{"number":"CSQU3054383","seals":["SH123456"]}]"#, with: #""containers":\#(containers)"#)
        let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: body))
        let id = try #require(try lodged.json()["id"] as? String, "\(lodged.text)")
        let risk = try await client.send(Call(
            method: .post, path: "/api/v1/declarations/\(id)/risk", token: "demo-token-officer",
            json: #"{"lane":"inspection","inspection":{"kind":"\#(kind)","place":"port"}}"#))
        #expect(risk.status == .ok, "\(risk.text)")
        return id
    }

    static func discharge(_ client: any TestClientProtocol, _ container: String, at block: String) async throws {
        let response = try await client.send(Call(
            method: .post, path: "/api/v1/port-events", token: "demo-token-terminal",
            json: #"{"kind":"discharged","at":"2026-05-28T20:00:00Z","container":"\#(container)","location":"\#(block)"}"#))
        #expect(response.status == .accepted, "\(response.text)")
    }

    static func boxes(_ client: any TestClientProtocol, query: String = "") async throws -> [[String: Any]] {
        let response = try await client.send(Call(method: .get, path: "/api/v1/diversion/CNSHA/boxes\(query)", token: "demo-token-officer"))
        #expect(response.status == .ok, "\(response.text)")
        return try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [[String: Any]] ?? []
    }

    static func slotSites(_ client: any TestClientProtocol) async throws -> [String] {
        try await boxes(client).compactMap { ($0["slot"] as? [String: Any])?["site"] as? String }
    }

    @Test("a reefer picked for inspection goes to the powered bay, is moved, inspected and returned, and its circulation is measured", arguments: TestBackend.available)
    func reeferRoundTrip(backend: TestBackend) async throws {
        let clock = TestClock()
        try await withApp(backend, clock: clock) { _, client in
            let id = try await Self.picked(client, containers: #"[{"number":"CSQU3054383","seals":["S1"],"sizeType":"45R1"}]"#, kind: "physical")
            let queued = try await Self.boxes(client)
            #expect(queued.count == 1)
            #expect(queued.first?["needs"] as? [String] == ["reefer-power"])
            let box = try #require(queued.first?["id"] as? String)

            // Not discharged yet: the plan says so instead of inventing a position.
            let early = try await client.send(Call(method: .post, path: "/api/v1/diversion/CNSHA/plan", token: "demo-token-officer"))
            #expect(early.status == .ok, "\(early.text)")
            #expect(early.text.contains("has not reported the box discharged"))

            try await Self.discharge(client, "CSQU3054383", at: "R1")
            // The discharge itself re-plans the port: the box has its slot before anyone asks.
            let landed = try await Self.slotSites(client)
            #expect(landed == ["YS-COLD"])
            let round = try await client.send(Call(method: .post, path: "/api/v1/diversion/CNSHA/plan", token: "demo-token-officer"))
            #expect(try round.json()["placed"] as? Int == 1)
            let planned = try await Self.boxes(client, query: "?site=YS-COLD")
            let slot = try #require(planned.first?["slot"] as? [String: Any])
            // 04:26:40 China time, five minutes from block R1: the cold bay's 05:00 slot, leave by 04:55.
            #expect(slot["start"] as? String == "2026-05-28T21:00:00.000Z")
            #expect(slot["leaveBy"] as? String == "2026-05-28T20:55:00.000Z")

            let queue = try await client.send(Call(method: .get, path: "/api/v1/inspection-orders", token: "demo-token-officer"))
            #expect(queue.text.contains("YS-COLD"))
            let moves = try await client.send(Call(method: .get, path: "/api/v1/diversion/CNSHA/moves", token: "demo-token-terminal"))
            let move = (try JSONSerialization.jsonObject(with: Data(moves.text.utf8)) as? [[String: Any]])?.first
            #expect(move?["kind"] as? String == "to-site")
            #expect(move?["from"] as? String == "R1")
            #expect(move?["to"] as? String == "YS-COLD")

            // Only officers rostered at the site start its inspections.
            let stranger = try await client.send(Call(method: .post, path: "/api/v1/diversion/boxes/\(box)/start", token: "demo-token-ningbo-officer"))
            #expect(stranger.status == .forbidden)
            clock.advance(40 * 60)
            let started = try await client.send(Call(method: .post, path: "/api/v1/diversion/boxes/\(box)/start", token: "demo-token-officer"))
            #expect(try started.json()["status"] as? String == "started", "\(started.text)")

            // The bay loses power: the started inspection stays where it is.
            let down = try await client.send(Call(method: .put, path: "/api/v1/diversion/CNSHA/sites/YS-COLD/status", token: "demo-token-officer",
                                                  json: #"{"down":true,"reason":"power failure"}"#))
            #expect(down.status == .ok, "\(down.text)")
            let kept = try await Self.slotSites(client)
            #expect(kept == ["YS-COLD"])

            clock.advance(60 * 60)
            let result = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(id)/inspection", token: "demo-token-officer",
                                                    json: #"{"order":1,"outcome":"no-discrepancy","findings":"cargo as declared"}"#))
            #expect(result.status == .ok, "\(result.text)")
            let inspected = try await Self.boxes(client).first?["status"] as? String
            #expect(inspected == "inspected")
            let back = try await client.send(Call(method: .get, path: "/api/v1/diversion/CNSHA/moves", token: "demo-token-terminal"))
            let backMoves = try JSONSerialization.jsonObject(with: Data(back.text.utf8)) as? [[String: Any]] ?? []
            #expect(backMoves.map { $0["kind"] as? String } == ["back"])

            clock.advance(10 * 60)
            let early2 = try await client.send(Call(method: .post, path: "/api/v1/diversion/boxes/\(box)/return", token: "demo-token-officer",
                                                    json: #"{"location":"R1"}"#))
            #expect(early2.status == .forbidden)
            let returned = try await client.send(Call(method: .post, path: "/api/v1/diversion/boxes/\(box)/return", token: "demo-token-terminal",
                                                      json: #"{"location":"R1"}"#))
            #expect(try returned.json()["status"] as? String == "returned", "\(returned.text)")
            // Picked at 04:26:40, back at 06:16:40: 110 minutes of circulation.
            #expect(try returned.json()["circulationSeconds"] as? Double == 6_600)
            let again = try await client.send(Call(method: .post, path: "/api/v1/diversion/boxes/\(box)/return", token: "demo-token-terminal",
                                                   json: "{}"))
            #expect(again.status == .conflict, "\(again.text)")

            let report = try await client.send(Call(method: .get, path: "/api/v1/reports/time-release", token: "demo-token-officer"))
            #expect(report.text.contains("selection-back-in-flow"), "\(report.text)")
        }
    }

    @Test("a site taken out of service sends its queue to the next best site; bad requests name what is wrong", arguments: TestBackend.available)
    func siteDown(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            _ = try await Self.picked(
                client, containers: #"[{"number":"CSQU3054383","seals":[]},{"number":"MSCU1234566","seals":[]}]"#, kind: "scan")
            try await Self.discharge(client, "CSQU3054383", at: "A1")
            try await Self.discharge(client, "MSCU1234566", at: "A1")
            _ = try await client.send(Call(method: .post, path: "/api/v1/diversion/CNSHA/plan", token: "demo-token-officer"))
            // At 04:26 only scanner lane A is open nearby: 04:40 and 04:50.
            let first = try await Self.slotSites(client)
            #expect(first == ["YS-H986-A", "YS-H986-A"])

            let noReason = try await client.send(Call(method: .put, path: "/api/v1/diversion/CNSHA/sites/YS-H986-A/status",
                                                      token: "demo-token-officer", json: #"{"down":true}"#))
            #expect(noReason.status == .unprocessableContent)
            #expect(noReason.text.contains("/reason"))
            let unknown = try await client.send(Call(method: .put, path: "/api/v1/diversion/CNSHA/sites/NOPE/status",
                                                     token: "demo-token-officer", json: #"{"down":true,"reason":"x"}"#))
            #expect(unknown.status == .notFound)
            let otherPort = try await client.send(Call(method: .get, path: "/api/v1/diversion/CNTAO/boxes", token: "demo-token-officer"))
            #expect(otherPort.status == .notFound)
            let trader = try await client.send(Call(method: .get, path: "/api/v1/diversion/CNSHA/boxes", token: "demo-token-trader"))
            #expect(trader.status == .forbidden)

            let down = try await client.send(Call(method: .put, path: "/api/v1/diversion/CNSHA/sites/YS-H986-A/status",
                                                  token: "demo-token-terminal", json: #"{"down":true,"reason":"detector calibration"}"#))
            #expect(try down.json()["moved"] as? Int == 2, "\(down.text)")
            let after = try await Self.slotSites(client)
            #expect(after == ["YS-COLD", "YS-COLD"])
            let sites = try await client.send(Call(method: .get, path: "/api/v1/diversion/CNSHA/sites", token: "demo-token-officer"))
            let list = try JSONSerialization.jsonObject(with: Data(sites.text.utf8)) as? [[String: Any]] ?? []
            let scanner = list.first { $0["id"] as? String == "YS-H986-A" }
            #expect(scanner?["down"] as? Bool == true)
            #expect(scanner?["reason"] as? String == "detector calibration")
            #expect(list.first { $0["id"] as? String == "YS-COLD" }?["planned"] as? Int == 2)
        }
    }
}
