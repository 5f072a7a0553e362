import ClearwayApp
import Logging

/// Every ten minutes, issues the summary tax bills of every half-month whose return window has closed.
public enum TaxBilling {
    public static func beat(clearway: Clearway, interval: Duration = .seconds(600), logger: Logger) -> Beat {
        Beat("tax billing", every: interval, logger: logger) { logger in
            let bills = try await clearway.issueTaxBills()
            if !bills.isEmpty { logger.info("tax bills issued", metadata: ["bills": "\(bills.count)"]) }
        }
    }
}
