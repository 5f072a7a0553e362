import ClearwayApp
import Logging
import ServiceLifecycle

/// Raises the missed-deadline alert on supervised transfers past due, once a minute.
public struct CustodyWatch: Service {
    let clearway: Clearway
    let interval: Duration
    let logger: Logger

    public init(clearway: Clearway, interval: Duration = .seconds(60), logger: Logger) {
        self.clearway = clearway
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let alerted = try await clearway.checkCustody()
                if !alerted.isEmpty { logger.warning("custody deadline missed", metadata: ["declarations": "\(alerted)"]) }
            } catch {
                // A failed sweep is retried on the next tick; the deadline does not move.
                logger.error("custody sweep failed: \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
