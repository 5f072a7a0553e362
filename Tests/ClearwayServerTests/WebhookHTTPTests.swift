import ClearwayApp
import ClearwayCore
import ClearwayInterop
import ClearwayStore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// A trader's own system receiving webhooks: a real HTTP server on a loopback port that can be taken down.
actor WebhookReceiver {
    struct Delivery {
        var headers: [String: String]
        var body: Data
    }
    private(set) var up = false
    private(set) var deliveries: [Delivery] = []
    private(set) var refused = 0
    func set(up: Bool) { self.up = up }
    func take(_ headers: [String: String], _ body: Data) -> Bool {
        guard up else {
            refused += 1
            return false
        }
        deliveries.append(Delivery(headers: headers, body: body))
        return true
    }

    /// Runs `body` with the receiver listening at the URL it is given.
    static func with<T: Sendable>(_ body: @Sendable (URL, WebhookReceiver) async throws -> T) async throws -> T {
        let receiver = WebhookReceiver()
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            return await receiver.take(headers, Data(buffer.readableBytesView)) ? .noContent : .serviceUnavailable
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var quiet = Logger(label: "webhook-receiver")
        quiet.logLevel = .critical  // its shutdown on cancellation is expected, not an error worth printing
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: quiet)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            let result = try await body(URL(string: "http://127.0.0.1:\(port)/hook")!, receiver)
            group.cancelAll()
            return result
        }
    }
}

@Suite("Webhooks over HTTP")
struct WebhookHTTPTests {
    @Test("a receiver down for minutes loses nothing: every event arrives signed, once up, in order; replay sends them again", arguments: TestBackend.available)
    func downThenUp(backend: TestBackend) async throws {
        let clock = TestClock()
        try await withApp(backend, clock: clock) { clearway, client in
            try await WebhookReceiver.with { url, receiver in
                let bad = try await client.send(Call(method: .post, path: "/api/v1/webhooks", token: "demo-token-trader",
                                                     json: #"{"url":"ftp://example.com","topics":["declaration"]}"#))
                #expect(bad.status == .unprocessableContent)
                #expect(bad.text.contains("/url") && bad.text.contains("/topics/0"))
                let created = try await client.send(Call(method: .post, path: "/api/v1/webhooks", token: "demo-token-trader",
                                                         json: #"{"url":"\#(url.absoluteString)","topics":["declaration.*"]}"#))
                #expect(created.status == .created, "\(created.text)")
                let id = try #require(try created.json()["id"] as? String)
                let secret = try #require(try created.json()["secret"] as? String)

                // The trader's declaration goes all the way to release while its system is down.
                let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON()))
                let declaration = try #require(try lodged.json()["id"] as? String)
                _ = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-foods",
                                               json: declarationJSON(declarant: Demo.yangtzeFoods)))
                let paid = try await AgencyApprovalHTTPTests.greenArrivedPaid(client, declaration)
                #expect(try paid.json()["status"] as? String == "released")

                #expect(try await clearway.deliverWebhooks() == 0)
                #expect(try await clearway.deliverWebhooks() == 0, "not due again before its backoff")
                for _ in 0..<6 {
                    clock.advance(60)
                    _ = try await clearway.deliverWebhooks()
                }
                let refused = await receiver.refused
                #expect(refused == 7)
                let state = try await client.send(Call(method: .get, path: "/api/v1/webhooks", token: "demo-token-trader"))
                #expect((try JSONSerialization.jsonObject(with: Data(state.text.utf8)) as? [[String: Any]])?.first?["failures"] as? Int == 7)

                await receiver.set(up: true)
                clock.advance(300)
                let sent = try await clearway.deliverWebhooks()
                let deliveries = await receiver.deliveries
                #expect(sent == deliveries.count)
                let topics = deliveries.compactMap { $0.headers["clearway-topic"] }
                #expect(topics.first == "declaration.accepted")
                #expect(topics.last == "declaration.released", "\(topics)")
                #expect(topics.contains("declaration.duties-settled"))
                let ids = deliveries.compactMap { $0.headers["clearway-event-id"].flatMap(Int64.init) }
                #expect(ids == ids.sorted() && Set(ids).count == ids.count)
                for delivery in deliveries {
                    let signature = delivery.headers["clearway-signature"] ?? ""
                    #expect(Webhook.verify(header: signature, secret: secret, body: delivery.body, now: clock.now))
                    let event = try JSONSerialization.jsonObject(with: delivery.body) as? [String: Any]
                    #expect(event?["stream"] as? String == declaration, "only the trader's own declaration")
                }

                let log = try await client.send(Call(method: .get, path: "/api/v1/webhooks/\(id)/deliveries", token: "demo-token-trader"))
                let attempts = try JSONSerialization.jsonObject(with: Data(log.text.utf8)) as? [[String: Any]] ?? []
                #expect(attempts.filter { $0["delivered"] as? Bool == false }.count == 7)
                #expect(attempts.first?["delivered"] as? Bool == true)
                let stranger = try await client.send(Call(method: .get, path: "/api/v1/webhooks/\(id)/deliveries", token: "demo-token-foods"))
                #expect(stranger.status == .notFound)

                let replay = try await client.send(Call(method: .post, path: "/api/v1/webhooks/\(id)/replay", token: "demo-token-trader",
                                                        json: #"{"from":\#(ids.first ?? 1)}"#))
                #expect(replay.status == .ok)
                _ = try await clearway.deliverWebhooks()
                let again = await receiver.deliveries.count
                #expect(again == 2 * deliveries.count)

                let gone = try await client.send(Call(method: .delete, path: "/api/v1/webhooks/\(id)", token: "demo-token-trader"))
                #expect(gone.status == .noContent)
            }
        }
    }

    @Test("a subscription starts after everything committed before it, placed or not: its first delivery holds only what came after",
          arguments: TestBackend.available)
    func startsAfterWhatCameBefore(backend: TestBackend) async throws {
        try await withApp(backend) { clearway, client in
            try await WebhookReceiver.with { url, receiver in
                await receiver.set(up: true)
                let before = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON()))
                #expect(before.status == .created || before.status == .ok, "\(before.text)")
                let created = try await client.send(Call(method: .post, path: "/api/v1/webhooks", token: "demo-token-trader",
                                                         json: #"{"url":"\#(url.absoluteString)","topics":["declaration.*"]}"#))
                #expect(created.status == .created, "\(created.text)")
                let after = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON()))
                let declaration = try #require(try after.json()["id"] as? String)
                _ = try await clearway.deliverWebhooks()
                let streams = await receiver.deliveries.compactMap {
                    (try? JSONSerialization.jsonObject(with: $0.body) as? [String: Any])?["stream"] as? String
                }
                #expect(!streams.isEmpty && streams.allSatisfy { $0 == declaration }, "\(streams)")
            }
        }
    }
}

@Suite("Webhooks for cross-border parcels")
struct ParcelWebhookTests {
    @Test("the platform's system receives its parcel's release and its tax bill; a firm the parcel does not name receives nothing")
    func parcelAndBillEvents() async throws {
        let clock = TestClock()
        try await WebhookReceiver.with { url, receiver in
            await receiver.set(up: true)
            try await TestBackend.sqlite.withClearway(clock: clock) { clearway in
                let platform = try await Demo.principal("platform", in: clearway)
                let trader = try await Demo.principal("trader", in: clearway)
                _ = try await clearway.subscribeWebhook(url: url.absoluteString, topics: ["parcel.*", "tax-bill.*"], by: platform)
                let other = try await clearway.subscribeWebhook(url: url.absoluteString, topics: ["*"], by: trader)
                let rules = try await clearway.crossBorderRules()
                let generator = CEBGenerator(seed: 41)
                for index in 0..<3 {
                    let messages = generator.parcel(index, rules: rules, at: clock.now)
                    for (data, user) in zip(messages.all, ["platform", "payment", "logistics", "broker"]) {
                        _ = try await clearway.receiveCEB(data, by: try await Demo.principal(user, in: clearway))
                    }
                }
                clock.advance(40 * 86_400)
                let bills = try await clearway.issueTaxBills()
                #expect(bills.count == 1)
                for _ in 0..<5 { try await clearway.deliverWebhooks() }
                let topics = await receiver.deliveries.compactMap { $0.headers["clearway-topic"] }
                #expect(topics.filter { $0 == "parcel.received" }.count == 12)
                #expect(topics.contains("parcel.released"))
                #expect(topics.contains("tax-bill.issued"))
                let attempts = try await clearway.webhookAttempts(other.subscription.id, by: trader)
                #expect(attempts.isEmpty, "the trader is named on no parcel")
            }
        }
    }
}
