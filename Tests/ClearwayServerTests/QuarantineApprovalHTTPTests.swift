import ClearwayApp
import ClearwayCore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Quarantine approval over HTTP")
struct QuarantineApprovalHTTPTests {
    static func application(producer: String = "CL-0808-001", kg: Double = 100_000) -> String {
        #"{"commodityCode":"0808100000","product":"Fresh apples","originCountry":"CL","producerRegistration":"\#(producer)","quantityKg":\#(kg),"portOfEntry":"CNSHA","documents":{"trade-contract":"\#(String(repeating: "ab", count: 32))"}}"#
    }

    static func submit(_ client: any TestClientProtocol, _ body: String) async throws -> [String: Any] {
        let response = try await client.send(Call(method: .post, path: "/api/v1/quarantine-approvals", token: "demo-token-trader", json: body))
        #expect(response.status == .created, "\(response.text)")
        return try response.json()
    }

    @Test("an application meeting every condition is approved at submission; one from an unregistered producer waits for an officer with the reason", arguments: TestBackend.available)
    func automaticAndManual(backend: TestBackend) async throws {
        let clock = TestClock()
        try await withApp(backend, clock: clock) { _, client in
            let approved = try await Self.submit(client, Self.application())
            #expect(approved["status"] as? String == "approved")
            #expect(approved["automatic"] as? Bool == true)
            #expect((approved["secondsToDecision"] as? Double ?? 99) < 1)

            let referred = try await Self.submit(client, Self.application(producer: "CL-9999-999"))
            #expect(referred["status"] as? String == "referred")
            #expect((referred["reasons"] as? [[String: Any]])?.map { $0["code"] as? String } == ["producer-not-registered"])
            let id = try #require(referred["id"] as? String)
            let queue = try await client.send(Call(method: .get, path: "/api/v1/quarantine-approvals?status=referred", token: "demo-token-quarantine"))
            #expect((try JSONSerialization.jsonObject(with: Data(queue.text.utf8)) as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            let refused = try await client.send(Call(method: .post, path: "/api/v1/quarantine-approvals/\(id)/decision", token: "demo-token-trader",
                                                     json: #"{"approve":true,"note":"self-approval"}"#))
            #expect(refused.status == .forbidden)
            clock.advance(2 * 3600)
            let decided = try await client.send(Call(method: .post, path: "/api/v1/quarantine-approvals/\(id)/decision", token: "demo-token-quarantine",
                                                     json: #"{"approve":true,"note":"registration confirmed with the exporting authority"}"#))
            #expect(try decided.json()["status"] as? String == "approved")
            let report = try await client.send(Call(method: .get, path: "/api/v1/reports/quarantine-approvals", token: "demo-token-quarantine"))
            let figures = try report.json()
            #expect((figures["automatic"] as? [String: Any])?["medianSeconds"] as? Double == 0)
            #expect((figures["manual"] as? [String: Any])?["medianSeconds"] as? Double == 7_200)
        }
    }

    @Test("ten shipments racing to write off 20 t each from a 100 t approval: exactly five succeed", arguments: TestBackend.available)
    func concurrentWriteOffs(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            let approval = try await Self.submit(client, Self.application())
            let id = try #require(approval["id"] as? String)
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for shipment in 0..<10 {
                    group.addTask {
                        // A client retries when another write-off won the race (409), as it would in production.
                        for _ in 0..<20 {
                            let response = try await client.send(Call(
                                method: .post, path: "/api/v1/quarantine-approvals/\(id)/write-offs", token: "demo-token-trader",
                                json: #"{"declaration":"d-\#(shipment)","quantityKg":20000}"#))
                            if response.status != .conflict { return Int(response.status.code) }
                        }
                        return 409
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(results.filter { $0 == 200 }.count == 5)
            #expect(results.filter { $0 == 422 }.count == 5)
            let final = try await client.send(Call(method: .get, path: "/api/v1/quarantine-approvals/\(id)", token: "demo-token-trader"))
            #expect(try final.json()["remainingKg"] as? Double == 0)
        }
    }
}
