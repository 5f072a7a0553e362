import ClearwayApp
import ClearwayCore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("One submission, many agencies")
struct AgencyApprovalHTTPTests {
    /// Chilean apples (quarantine approval) and an electric car (automatic import licence) on one declaration.
    static var mixed: String {
        declarationJSON(commodityCode: "0808100000").replacingOccurrences(
            of: #""origin":"AU"}]"#,
            with: #""origin":"CL"},{"commodityCode":"8703800000","description":"Electric car","quantity":"1","unit":"SET","value":"30000","currency":"USD","origin":"DE"}]"#)
    }

    /// Everything else a release needs: a green lane, the vessel's arrival, the duties paid; returns the last answer.
    static func greenArrivedPaid(_ client: any TestClientProtocol, _ id: String) async throws -> TestResponse {
        _ = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(id)/risk", token: "demo-token-officer", json: #"{"lane":"green"}"#))
        _ = try await client.send(Call(method: .post, path: "/api/v1/port-events", token: "demo-token-terminal",
                                       json: #"{"kind":"conveyance-arrived","at":"2026-05-28T20:00:00Z","means":"COSCO SHIPPING ARIES","voyage":"045E"}"#))
        return try await client.send(Call(method: .post, path: "/api/v1/declarations/\(id)/duties", token: "demo-token-trader",
                                          json: #"{"settlement":"paid"}"#))
    }

    @Test("each agency approves in its own queue within its SLA; release waits for all of them", arguments: TestBackend.available)
    func routedApprovals(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: Self.mixed))
            #expect(lodged.status == .created, "\(lodged.text)")
            let id = try #require(try lodged.json()["id"] as? String)
            let approvals = (try lodged.json()["clearance"] as? [String: Any])?["agencyApprovals"] as? [[String: Any]] ?? []
            #expect(approvals.first { $0["agency"] as? String == "gacc" }?["items"] as? [Int] == [1], "\(approvals)")
            #expect(approvals.first { $0["agency"] as? String == "mofcom" }?["items"] as? [Int] == [2])
            #expect(Set(approvals.compactMap { $0["agency"] as? String }) == ["gacc", "mofcom"])
            #expect(approvals.allSatisfy { $0["status"] as? String == "pending" && $0["overdue"] as? Bool == false })
            #expect(approvals.first { $0["agency"] as? String == "mofcom" }?["dueAt"] as? String == "2026-05-29T04:26:40.000Z")

            let waiting = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)/waiting", token: "demo-token-trader"))
            #expect(waiting.text.contains("agencies-approved"), "\(waiting.text)")

            // Each agency sees its own queue, and only declarations that need it.
            let mofcomQueue = try await client.send(Call(method: .get, path: "/api/v1/agency-approvals?status=pending", token: "demo-token-mofcom"))
            let entries = try JSONSerialization.jsonObject(with: Data(mofcomQueue.text.utf8)) as? [[String: Any]] ?? []
            #expect(entries.compactMap { $0["declarationId"] as? String } == [id], "\(mofcomQueue.text)")
            let miitQueue = try await client.send(Call(method: .get, path: "/api/v1/agency-approvals", token: "demo-token-miit"))
            #expect(miitQueue.text.filter { !$0.isWhitespace } == "[]")
            let miitRead = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)", token: "demo-token-miit"))
            #expect(miitRead.status == .notFound)
            let mofcomRead = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)", token: "demo-token-mofcom"))
            #expect(mofcomRead.status == .ok)
            let traderQueue = try await client.send(Call(method: .get, path: "/api/v1/agency-approvals", token: "demo-token-trader"))
            #expect(traderQueue.status == .forbidden)

            let silent = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(id)/agency-approvals/mofcom", token: "demo-token-mofcom",
                                                    json: #"{"kind":"automatic-import-licence","approve":true,"note":" "}"#))
            #expect(silent.status == .unprocessableContent)
            let wrongAgency = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(id)/agency-approvals/mofcom",
                                                         token: "demo-token-quarantine",
                                                         json: #"{"kind":"automatic-import-licence","approve":true,"note":"ok"}"#))
            #expect(wrongAgency.status == .forbidden)
            let licensed = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(id)/agency-approvals/mofcom", token: "demo-token-mofcom",
                                                      json: #"{"kind":"automatic-import-licence","approve":true,"note":"licence issued","reference":"AIL-2026-000123"}"#))
            #expect(licensed.status == .ok, "\(licensed.text)")

            // The importer's quarantine permit, written off against the declaration, is the quarantine approval it owes.
            let permit = try await client.send(Call(method: .post, path: "/api/v1/quarantine-approvals", token: "demo-token-trader",
                                                    json: QuarantineApprovalHTTPTests.application()))
            let permitID = try #require(try permit.json()["id"] as? String, "\(permit.text)")
            let writeOff = try await client.send(Call(method: .post, path: "/api/v1/quarantine-approvals/\(permitID)/write-offs",
                                                      token: "demo-token-trader", json: #"{"declaration":"\#(id)","quantityKg":1200}"#))
            #expect(writeOff.status == .ok, "\(writeOff.text)")

            let paid = try await Self.greenArrivedPaid(client, id)
            #expect(try paid.json()["status"] as? String == "released", "\(paid.text)")
            let final = (try paid.json()["clearance"] as? [String: Any])?["agencyApprovals"] as? [[String: Any]] ?? []
            #expect(final.allSatisfy { $0["status"] as? String == "approved" })
            #expect(final.first { $0["agency"] as? String == "gacc" }?["reference"] as? String == permitID)
            #expect(final.first { $0["agency"] as? String == "mofcom" }?["decidedBy"] as? String == "mofcom")
        }
    }

    @Test("an agency's refusal holds the goods and says why", arguments: TestBackend.available.prefix(1))
    func refusal(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            let body = declarationJSON(commodityCode: "8517130000")
            let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: body))
            let id = try #require(try lodged.json()["id"] as? String)
            let refused = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(id)/agency-approvals/miit", token: "demo-token-miit",
                                                     json: #"{"kind":"radio-type-approval","approve":false,"note":"no type approval for this model"}"#))
            #expect(refused.status == .ok, "\(refused.text)")
            let paid = try await Self.greenArrivedPaid(client, id)
            #expect(try paid.json()["status"] as? String == "accepted")
            let again = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(id)/agency-approvals/miit", token: "demo-token-miit",
                                                   json: #"{"kind":"radio-type-approval","approve":true,"note":"changed my mind"}"#))
            #expect(again.status == .conflict)
            let timeline = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)/events", token: "demo-token-trader"))
            #expect(timeline.text.contains("no type approval for this model"))
        }
    }
}
