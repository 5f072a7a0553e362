import ClearwayApp
import Logging

/// Every ten minutes, consolidates each month's released e-commerce export lists once its generation day has come,
/// well before the deadline on the 15th; several nodes may run it, a list is summarised once.
public enum ExportSummaries {
    public static func beat(clearway: Clearway, interval: Duration = .seconds(600), logger: Logger) -> Beat {
        Beat("export summaries", every: interval, logger: logger) { logger in
            let made = try await clearway.generateExportSummaries()
            if !made.isEmpty { logger.info("export summary declarations made", metadata: ["summaries": "\(made.count)"]) }
        }
    }
}
