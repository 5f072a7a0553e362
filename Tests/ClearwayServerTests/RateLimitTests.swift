import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Rate limits")
struct RateLimitTests {
    @Test("a token over its requests a minute gets 429 with Retry-After; another token is not slowed")
    func perToken() async throws {
        let clock = TestClock()
        try await withApp(.sqlite, clock: clock, rateLimit: 5) { _, client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 {
                statuses.append(try await client.send(Call(method: .get, path: "/api/v1/declarations", token: "demo-token-trader")).status)
            }
            #expect(statuses.allSatisfy { $0 == .ok })
            let limited = try await client.send(Call(method: .get, path: "/api/v1/declarations", token: "demo-token-trader"))
            #expect(limited.status == .tooManyRequests)
            // One request every 12 s at 5 a minute; the platform's clock stood still while the five were answered.
            let retryAfter = limited.headers[.retryAfter].flatMap(Int.init) ?? 0
            #expect(retryAfter == 12)
            #expect(limited.text.contains("rate-limited"))
            let other = try await client.send(Call(method: .get, path: "/api/v1/declarations", token: "demo-token-broker"))
            #expect(other.status == .ok)
            let public_ = try await client.send(Call(method: .get, path: "/api/v1/offices"))
            #expect(public_.status == .ok, "requests without a token are not counted against one")
            clock.advance(12)
            let refilled = try await client.send(Call(method: .get, path: "/api/v1/declarations", token: "demo-token-trader"))
            #expect(refilled.status == .ok, "after Retry-After seconds one more request is let through")
        }
    }
}
