import ClearwayAPI
import ClearwayApp
import ClearwayCore
import ClearwayStore
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func listWebhooks(_ input: Operations.ListWebhooks.Input) async throws -> Operations.ListWebhooks.Output {
        let list = try await clearway.webhooks(by: try RequestPrincipal.required())
        return .ok(.init(body: .json(list.map { Schemas.WebhookSubscription($0, secret: nil) })))
    }

    func subscribeWebhook(_ input: Operations.SubscribeWebhook.Input) async throws -> Operations.SubscribeWebhook.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let created = try await clearway.subscribeWebhook(url: body.url, topics: body.topics, by: try RequestPrincipal.required())
        return .created(.init(body: .json(Schemas.WebhookSubscription(created.subscription, secret: created.secret))))
    }

    func unsubscribeWebhook(_ input: Operations.UnsubscribeWebhook.Input) async throws -> Operations.UnsubscribeWebhook.Output {
        try await clearway.unsubscribeWebhook(input.path.webhookId, by: try RequestPrincipal.required())
        return .noContent(.init())
    }

    func replayWebhook(_ input: Operations.ReplayWebhook.Input) async throws -> Operations.ReplayWebhook.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let rewound = try await clearway.replayWebhook(input.path.webhookId, from: body.from, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(Schemas.WebhookSubscription(rewound, secret: nil))))
    }

    func listWebhookDeliveries(_ input: Operations.ListWebhookDeliveries.Input) async throws -> Operations.ListWebhookDeliveries.Output {
        let attempts = try await clearway.webhookAttempts(input.path.webhookId, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(attempts.map {
            .init(eventId: $0.outboxID, at: $0.at, delivered: $0.delivered, httpStatus: $0.httpStatus, error: $0.error)
        })))
    }
}

extension Components.Schemas.WebhookSubscription {
    init(_ s: WebhookTables.Subscription, secret: String?) {
        self.init(id: s.id, url: s.url, topics: s.topics, position: s.position, failures: s.failures, nextAttemptAt: s.nextAttemptAt,
                  lastError: s.lastError, createdAt: s.createdAt, secret: secret)
    }
}
