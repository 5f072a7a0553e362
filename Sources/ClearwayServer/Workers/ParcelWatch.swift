import ClearwayApp
import Logging

/// Once a minute, reports the parcels whose matching window passed with a document missing, naming the party whose
/// document it is (the event reaches the firms by webhook).
public enum ParcelWatch {
    public static func beat(clearway: Clearway, interval: Duration = .seconds(60), logger: Logger) -> Beat {
        Beat("parcel watch", every: interval, logger: logger) { logger in
            let reported = try await clearway.reportMissingParcelDocuments()
            if reported > 0 { logger.info("parcels reported with documents missing", metadata: ["parcels": "\(reported)"]) }
        }
    }
}
