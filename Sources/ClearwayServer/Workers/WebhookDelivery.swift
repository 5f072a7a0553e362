import ClearwayApp
import Logging

/// Delivers webhooks every second, so a release reaches the trader's system at once; each node leases the
/// subscriptions it delivers, so several nodes share the work without sending one message twice at the same time.
public enum WebhookDelivery {
    public static func beat(clearway: Clearway, interval: Duration = .seconds(1), logger: Logger) -> Beat {
        Beat("webhook delivery", every: interval, logger: logger) { _ in
            try await clearway.deliverWebhooks()
        }
    }
}
