import ClearwayCore
import ClearwayStore
import Foundation
import SQLKit

/// The reference data of e-commerce exports and the customs–tax–forex chain, read into the Core types that use it.
struct ExportChainTerms: Sendable {
    var keys: ExportSummary.Keys
    /// Day of the month after a period on which the worker consolidates that period's lists.
    var generateDay: Int
    var nonWorkingDays: Set<String>
    var workingDays: Set<String>
    /// Rebate rates by commodity-code prefix.
    var rebateRates: [String: Decimal]
    var forexTerms: ForexReconciliation.Terms
    var rates: ForexReconciliation.Rates
    var sharing: AgencySharing
    /// CEB currency codes (142) to ISO 4217 (CNY).
    var currencies: [String: String]

    static let defaultKeys = try! ExportSummary.Keys(
        head: ["agentCode", "ebcCode", "ownerCode", "trafMode", "country", "portCode"], line: ["gcode", "country", "currency", "unit"])

    static func read(on db: any SQLDatabase) async throws -> ExportChainTerms {
        func codes(_ table: String) async throws -> [ReferenceTables.Code] { try await ReferenceTables.codes(table, on: db) }
        let keys = Dictionary(try await codes("export-summary-keys").map { ($0.code, $0.extra) }, uniquingKeysWith: { a, _ in a })
        func words(_ text: String?) -> [String]? { text.map { $0.split(separator: " ").map(String.init) } }
        let calendar = try await codes("non-working-days")
        let terms = Dictionary(try await codes("forex-terms").map { ($0.code, $0.extra) }, uniquingKeysWith: { a, _ in a })
        return ExportChainTerms(
            keys: (try? ExportSummary.Keys(head: words(keys["head"]) ?? defaultKeys.head, line: words(keys["line"]) ?? defaultKeys.line))
                ?? defaultKeys,
            generateDay: keys["generate-day"].flatMap { Int($0) } ?? 1,
            nonWorkingDays: Set(calendar.filter { $0.extra == "holiday" }.map(\.code)),
            workingDays: Set(calendar.filter { $0.extra == "workday" }.map(\.code)),
            rebateRates: Dictionary(try await codes("export-rebate-rates").compactMap { code in Decimal(string: code.extra).map { (code.code, $0) } },
                                    uniquingKeysWith: { a, _ in a }),
            forexTerms: ForexReconciliation.Terms(
                tolerance: terms["tolerance"].flatMap { Decimal(string: $0) } ?? Decimal(string: "0.05")!,
                windowDays: terms["window-days"].flatMap { Int($0) } ?? 90),
            rates: ForexReconciliation.Rates(try await codes("forex-rates").compactMap { code in
                // Rows: code "<ISO currency>|<YYYY-MM-DD>", extra = CNY for one unit.
                let key = code.code.split(separator: "|").map(String.init)
                guard key.count == 2, let from = ChinaTime.startOfDay(key[1]), let cny = Decimal(string: code.extra) else { return nil }
                return (key[0], from, cny)
            }),
            sharing: AgencySharing(fields: Dictionary(try await codes("agency-sharing").map {
                ($0.code, Set($0.extra.split(separator: " ").map(String.init)))
            }, uniquingKeysWith: { a, _ in a })),
            currencies: Dictionary(try await codes("customs-currencies").map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a }))
    }

    /// The deadline of a period's summary.
    func deadline(of period: String) -> String {
        ExportSummary.deadline(of: period, nonWorkingDays: nonWorkingDays, workingDays: workingDays)
    }
}
