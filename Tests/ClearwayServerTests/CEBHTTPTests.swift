import ClearwayApp
import ClearwayCore
import ClearwayInterop
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("CEB messages over HTTP")
struct CEBHTTPTests {
    @Test("a platform's order is answered 200 with CEB312; a message that is not CEB is answered 400 with CEB900 naming why")
    func receipts() async throws {
        try await withApp(.sqlite) { clearway, client in
            let order = CEBGenerator(seed: 51).parcel(0, rules: try await clearway.crossBorderRules(), at: Date()).order
            let taken = try await client.send(Call(method: .post, path: "/api/v1/ceb", token: "demo-token-platform",
                                                   raw: (Array(order), "application/xml")))
            #expect(taken.status == .ok)
            #expect(taken.headers[.contentType]?.hasPrefix("application/xml") == true)
            let receipt = try XMLTree.parse(Data(taken.text.utf8))
            #expect(receipt.localName == "CEB312Message")
            #expect(receipt.element("OrderReturn")?.element("returnStatus")?.text == "120")

            let garbage = try await client.send(Call(method: .post, path: "/api/v1/ceb", token: "demo-token-platform",
                                                     raw: (Array("<order><id>1</id></order>".utf8), "text/xml")))
            #expect(garbage.status == .badRequest)
            let failure = try XMLTree.parse(Data(garbage.text.utf8))
            #expect(failure.localName == "CEB900Message")
            #expect(failure.element("MessageReturn")?.element("returnInfo")?.text.contains("not order") == true)

            // A payment firm may send CEB messages, but not the platform's order: the entry is refused on its receipt.
            let stranger = try await client.send(Call(method: .post, path: "/api/v1/ceb", token: "demo-token-payment",
                                                      raw: (Array(order), "application/xml")))
            let refusal = try XMLTree.parse(Data(stranger.text.utf8)).element("OrderReturn")
            #expect(stranger.status == .ok && refusal?.element("returnStatus")?.text == "100")
            #expect(refusal?.element("returnInfo")?.text.contains("is not the e-commerce-platform this order (CEB311) names") == true)
        }
    }
}
