import ClearwayApp
import Logging

/// Raises the missed-deadline alert on supervised transfers past due, once a minute; a failed sweep is retried on
/// the next beat and the deadline does not move.
public enum CustodyWatch {
    public static func beat(clearway: Clearway, interval: Duration = .seconds(60), logger: Logger) -> Beat {
        Beat("custody sweep", every: interval, logger: logger) { logger in
            let alerted = try await clearway.checkCustody()
            if !alerted.isEmpty { logger.warning("custody deadline missed", metadata: ["declarations": "\(alerted)"]) }
        }
    }
}
