import ClearwayCore
import Foundation
import Testing

@Suite("Webhook signatures and retries")
struct WebhookTests {
    let body = Data(#"{"name":"released"}"#.utf8)

    @Test("the signature is HMAC-SHA256 of the timestamp and body, as Python's hmac computes it")
    func knownVector() {
        // python3 -c "import hmac,hashlib; print(hmac.new(b'whsec_test', b'1780000000.{\"name\":\"released\"}', hashlib.sha256).hexdigest())"
        #expect(Webhook.signature(secret: "whsec_test", timestamp: 1_780_000_000, body: body)
            == "t=1780000000,v1=3cf7d94175e19db0b4482ea765bf85fa880236a2b9a913c8d3e6f8491f117381")
    }

    @Test("a receiver accepts a fresh, untouched delivery and refuses a changed body, a wrong secret or an old timestamp")
    func verification() {
        let now = Date(timeIntervalSince1970: 1_780_000_100)
        let header = Webhook.signature(secret: "s", timestamp: 1_780_000_000, body: body)
        #expect(Webhook.verify(header: header, secret: "s", body: body, now: now))
        #expect(!Webhook.verify(header: header, secret: "s", body: Data(#"{"name":"rejected"}"#.utf8), now: now))
        #expect(!Webhook.verify(header: header, secret: "t", body: body, now: now))
        #expect(!Webhook.verify(header: header, secret: "s", body: body, now: now.addingTimeInterval(600)))
    }

    @Test("retries back off exponentially up to five minutes")
    func backoff() {
        #expect((1...10).map { Webhook.backoff(afterFailures: $0) } == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300])
    }

    @Test("topic patterns and subscription requests")
    func topics() {
        #expect(Webhook.matches("declaration.*", "declaration.released"))
        #expect(Webhook.matches("*", "appointment.reminded"))
        #expect(!Webhook.matches("declaration.released", "declaration.accepted"))
        #expect(!Webhook.matches("declaration.*", "diversion-box.scheduled"))
        #expect(throws: ValidationFailure.self) { try Webhook.validate(url: "ftp://example.com/x", topics: ["*"]) }
        #expect(throws: ValidationFailure.self) { try Webhook.validate(url: "https://example.com/x", topics: ["declaration"]) }
        #expect(throws: ValidationFailure.self) { try Webhook.validate(url: "https://example.com/x", topics: ["dec*ration.x"]) }
    }
}
