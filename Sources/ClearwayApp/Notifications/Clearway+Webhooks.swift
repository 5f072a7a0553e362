import ClearwayCore
import ClearwayStore
import Crypto
import Foundation
import SQLKit

/// A new subscription, with its signing secret shown this once.
public struct WebhookCreated: Sendable {
    public var subscription: WebhookTables.Subscription
    public var secret: String
}

extension Clearway {
    /// Who may subscribe: enterprises for their own events, administrators for everything.
    func webhookOwner(_ principal: Principal) throws -> String? {
        if principal.role == .admin { return nil }
        guard principal.role.actsForParty, let party = principal.partyID else {
            throw ClearanceError.forbidden(reason: "webhooks carry an enterprise's own events; a \(principal.role.rawValue) has none")
        }
        return party
    }

    /// Subscribes the principal's enterprise to topics from now on; the secret signs every delivery.
    public func subscribeWebhook(url: String, topics: [String], by principal: Principal) async throws -> WebhookCreated {
        let party = try webhookOwner(principal)
        do { try Webhook.validate(url: url, topics: topics) } catch { throw ClearanceError.invalid(error) }
        var random = SystemRandomNumberGenerator()
        let secret = "whsec_" + Hex.encode(Data((0..<24).map { _ in UInt8.random(in: .min ... .max, using: &random) }))
        let now = environment.now()
        let id = environment.makeID()
        return try await store.transaction { db in
            // What was committed before is placed first, so that the subscription starts after all of it.
            try await Outbox.place(on: db)
            let subscription = WebhookTables.Subscription(
                id: id, partyID: party, ownerUser: principal.userID, url: url, secret: secret, topics: topics,
                position: try await WebhookTables.head(on: db), createdAt: now)
            try await WebhookTables.insert(subscription, on: db)
            return WebhookCreated(subscription: subscription, secret: secret)
        }
    }

    func ownedWebhook(_ id: String, by principal: Principal, on db: any SQLDatabase) async throws -> WebhookTables.Subscription {
        let party = try webhookOwner(principal)
        guard let found = try await WebhookTables.find(id, on: db), found.active, party == nil || found.partyID == party else {
            throw ClearanceError.notFound(kind: "webhook subscription", id: id)
        }
        return found
    }

    public func webhooks(by principal: Principal) async throws -> [WebhookTables.Subscription] {
        let party = try webhookOwner(principal)
        return try await store.read { db in try await WebhookTables.list(party: party, on: db) }
    }

    public func unsubscribeWebhook(_ id: String, by principal: Principal) async throws {
        try await store.transaction { db in
            _ = try await self.ownedWebhook(id, by: principal, on: db)
            try await WebhookTables.deactivate(id, on: db)
        }
    }

    /// Delivers again every message from outbox position `from` on, in order.
    public func replayWebhook(_ id: String, from position: Int64, by principal: Principal) async throws -> WebhookTables.Subscription {
        guard position >= 1 else {
            throw ClearanceError.invalid(ValidationFailure([FieldIssue("/from", "position-range", "positions start at 1")]))
        }
        return try await store.transaction { db in
            _ = try await self.ownedWebhook(id, by: principal, on: db)
            try await WebhookTables.rewind(id, to: position - 1, on: db)
            return try await WebhookTables.find(id, on: db)!
        }
    }

    public func webhookAttempts(_ id: String, by principal: Principal) async throws -> [WebhookTables.Attempt] {
        try await store.read { db in
            _ = try await self.ownedWebhook(id, by: principal, on: db)
            return try await WebhookTables.attempts(subscription: id, limit: 200, on: db)
        }
    }

    /// One delivery round, what the webhook beat runs: every due subscription this node can lease gets its next
    /// messages in the order they were placed (`Outbox.place`); the first failure stops that subscription and
    /// schedules a retry with exponential backoff, so nothing is skipped and a declaration's events arrive in the order
    /// they happened. Returns how many messages were delivered.
    @discardableResult
    public func deliverWebhooks(batch: Int = 100) async throws -> Int {
        let now = environment.now()
        // Messages committed since the last round are placed before they are read, whether or not anyone is due, so
        // that few wait for a subscription made later to place before it starts.
        if try await store.read({ db in try await Outbox.waiting(on: db) }) {
            try await store.transaction { db in try await Outbox.place(limit: 10_000, on: db) }
        }
        let leased = try await store.transaction { db in
            try await WebhookTables.lease(now: now, until: now.addingTimeInterval(60), limit: 50, on: db)
        }
        var delivered = 0
        for subscription in leased {
            let messages = try await store.read { db in try await WebhookTables.messages(for: subscription, limit: batch, on: db) }
            var position = subscription.position
            var failures = subscription.failures
            var nextAttempt: Date?
            var lastError: String?
            var attempts: [WebhookTables.Attempt] = []
            for message in messages {
                guard subscription.topics.contains(where: { Webhook.matches($0, message.topic) }) else {
                    position = message.id
                    continue
                }
                let body = Data(message.payload.utf8)
                let sentAt = environment.now()
                let headers = [
                    "Content-Type": "application/json", "Clearway-Event-Id": String(message.id), "Clearway-Topic": message.topic,
                    "Clearway-Signature": Webhook.signature(secret: subscription.secret, timestamp: Int(sentAt.timeIntervalSince1970), body: body),
                ]
                var status: Int?
                var failure: String?
                do {
                    status = try await environment.postWebhook(URL(string: subscription.url)!, headers, body)
                    if !(200..<300).contains(status!) { failure = "HTTP \(status!)" }
                } catch {
                    failure = "\(error)"
                }
                attempts.append(.init(outboxID: message.id, at: sentAt, delivered: failure == nil, httpStatus: status, error: failure))
                if let failure {
                    failures += 1
                    nextAttempt = sentAt.addingTimeInterval(Webhook.backoff(afterFailures: failures))
                    lastError = failure
                    break
                }
                position = message.id
                failures = 0
                delivered += 1
            }
            try await store.transaction { db in
                for attempt in attempts { try await WebhookTables.log(attempt, subscription: subscription.id, on: db) }
                try await WebhookTables.settle(subscription.id, position: position, failures: failures, nextAttemptAt: nextAttempt,
                                               lastError: lastError, on: db)
            }
        }
        return delivered
    }
}
