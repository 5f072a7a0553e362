import ClearwayApp
import ClearwayCore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Degraded mode")
struct DegradedModeTests {
    static func car(_ client: any TestClientProtocol, code: String = "8703800000") async throws -> String {
        let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader",
                                                json: declarationJSON(commodityCode: code)))
        let id = try #require(try lodged.json()["id"] as? String, "\(lodged.text)")
        let paid = try await AgencyApprovalHTTPTests.greenArrivedPaid(client, id)
        #expect(try paid.json()["status"] as? String == "accepted", "waiting for the agency")
        return id
    }

    static func down(_ client: any TestClientProtocol, _ agency: String, _ down: Bool = true) async throws -> TestResponse {
        try await client.send(Call(method: .put, path: "/api/v1/dependencies/\(agency)", token: "demo-token-admin",
                                   json: down ? #"{"down":true,"reason":"licence system outage"}"# : #"{"down":false}"#))
    }

    @Test("an agency's system down releases a certified firm's goods provisionally; the agency's decision later confirms or holds them",
          arguments: TestBackend.available)
    func provisionalRelease(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            let confirmed = try await Self.car(client)
            let refused = try await Self.car(client)
            let apples = try await Self.car(client, code: "0808100000")

            let noReason = try await client.send(Call(method: .put, path: "/api/v1/dependencies/mofcom", token: "demo-token-admin",
                                                      json: #"{"down":true}"#))
            #expect(noReason.status == .unprocessableContent)
            let notAdmin = try await client.send(Call(method: .put, path: "/api/v1/dependencies/mofcom", token: "demo-token-officer",
                                                      json: #"{"down":true,"reason":"x"}"#))
            #expect(notAdmin.status == .forbidden)
            let unknown = try await Self.down(client, "nowhere")
            #expect(unknown.status == .notFound)

            let outage = try await Self.down(client, "mofcom")
            #expect(outage.status == .ok, "\(outage.text)")
            #expect(Set(try outage.json()["provisionallyReleased"] as? [String] ?? []) == [confirmed, refused])
            let quarantineDown = try await Self.down(client, "gacc")
            #expect(try quarantineDown.json()["provisionallyReleased"] as? [String] == [], "a quarantine approval is never waived")
            let stillWaiting = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(apples)", token: "demo-token-trader"))
            #expect(try stillWaiting.json()["status"] as? String == "accepted")

            let released = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(confirmed)", token: "demo-token-trader"))
            #expect(try released.json()["status"] as? String == "released")
            #expect((try released.json()["clearance"] as? [String: Any])?["provisionalFor"] as? [String] == ["mofcom"])
            let note = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(confirmed)/release-note", token: "demo-token-officer"))
            #expect(note.status == .created, "\(note.text)")
            let subject = (try note.json()["credential"] as? [String: Any])?["credentialSubject"] as? [String: Any]
            #expect(subject?["provisional"] as? Bool == true, "the signed release note says it is provisional")

            // The licence system is back: the agency decides, and the platform reconciles.
            _ = try await Self.down(client, "mofcom", false)
            let status = try await client.send(Call(method: .get, path: "/api/v1/dependencies", token: "demo-token-officer"))
            #expect(status.text.contains("licence system outage"))
            _ = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(confirmed)/agency-approvals/mofcom", token: "demo-token-mofcom",
                                           json: #"{"kind":"automatic-import-licence","approve":true,"note":"licence issued"}"#))
            let ok = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(confirmed)", token: "demo-token-trader"))
            #expect((try ok.json()["clearance"] as? [String: Any])?["holdReason"] == nil)
            let refusal = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(refused)/agency-approvals/mofcom", token: "demo-token-mofcom",
                                                     json: #"{"kind":"automatic-import-licence","approve":false,"note":"quota exhausted"}"#))
            #expect(refusal.status == .ok, "\(refusal.text)")
            let hold = (try refusal.json()["clearance"] as? [String: Any])?["holdReason"] as? String
            #expect(hold == "mofcom refused automatic-import-licence after the provisional release: quota exhausted")
        }
    }
}
