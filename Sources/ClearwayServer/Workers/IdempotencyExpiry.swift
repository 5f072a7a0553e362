import ClearwayApp
import Logging

/// Forgets the answers kept for idempotency keys past their lifetime, once an hour, so the table holds a lifetime's
/// worth of keys rather than every key ever sent.
public enum IdempotencyExpiry {
    public static func beat(clearway: Clearway, interval: Duration = .seconds(3600), logger: Logger) -> Beat {
        Beat("idempotency expiry", every: interval, logger: logger) { logger in
            let forgotten = try await clearway.expireIdempotencyKeys()
            if forgotten > 0 { logger.info("idempotency keys past their lifetime forgotten", metadata: ["count": "\(forgotten)"]) }
        }
    }
}
