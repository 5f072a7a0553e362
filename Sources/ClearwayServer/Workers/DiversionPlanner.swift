import ClearwayApp
import Logging

/// Re-plans every port's inspection diversion on a fixed beat, so new boxes get slots, boxes the terminal has just
/// discharged become ready, and overrunning inspections push the queue back without anyone asking. A failed round
/// changes nothing; the next beat plans from the same rows.
public enum DiversionPlanner {
    public static func beat(clearway: Clearway, interval: Duration = .seconds(30), logger: Logger) -> Beat {
        Beat("diversion planning", every: interval, logger: logger) { logger in
            for round in try await clearway.replanAllPorts() where round.moved > 0 {
                logger.info("diversion re-planned", metadata: [
                    "port": "\(round.port)", "placed": "\(round.placed)", "moved": "\(round.moved)", "unplaced": "\(round.unplaced.count)",
                ])
            }
        }
    }
}
