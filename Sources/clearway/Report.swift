import ArgumentParser
import ClearwayApp
import ClearwayCore
import ClearwayInterop
import ClearwayStore
import Foundation

/// `clearway report trs`: the Time Release Study over a date range, as a table, CSV and SVG.
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Reports over the ledger.", subcommands: [TRS.self])

    struct TRS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "trs",
            abstract: "Time-release statistics (mean, p50, p90, p99 per segment) of declarations accepted in a range.")

        @OptionGroup var options: DatabaseOptions

        @Option(help: "First day (YYYY-MM-DD, China time) or RFC 3339 time, inclusive.")
        var from: String?

        @Option(help: "Last day (YYYY-MM-DD, inclusive) or RFC 3339 time (exclusive).")
        var to: String?

        @Option(help: "Group by: port, office, procedure, supervision-mode, lane, credit-tier or direction.")
        var by: String?

        @Option(help: "Also write the figures as CSV to this file.")
        var csv: String?

        @Option(help: "Also write an SVG bar chart to this file.")
        var svg: String?

        func validate() throws {
            if let by, TimeRelease.Dimension(rawValue: by) == nil {
                throw ValidationError("--by is one of \(TimeRelease.Dimension.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            for (name, value) in [("--from", from), ("--to", to)] where value != nil && Self.date(value!, endOfDay: false) == nil {
                throw ValidationError("\(name) '\(value!)' is not YYYY-MM-DD or an RFC 3339 time")
            }
        }

        static func date(_ text: String, endOfDay: Bool) -> Date? {
            if text.count == 10, let day = Timestamp.parse(text + "T00:00:00+08:00") {
                return endOfDay ? day.addingTimeInterval(86_400) : day
            }
            return Timestamp.parse(text)
        }

        func run() async throws {
            let logger = options.logger()
            let store = try await openStore(options.location, logger: logger)
            let rows: [TimeRelease.Row]
            do {
                rows = try await Clearway(store: store, logger: logger).timeReleaseReport(
                    from: from.flatMap { Self.date($0, endOfDay: false) }, to: to.flatMap { Self.date($0, endOfDay: true) },
                    by: by.flatMap(TimeRelease.Dimension.init), principal: .system)
            } catch {
                await store.close()
                throw error
            }
            await store.close()
            if rows.isEmpty {
                print("no declarations in that range")
                return
            }
            print(TimeReleaseExport.table(rows), terminator: "")
            if let csv {
                try TimeReleaseExport.csv(rows).write(toFile: csv, atomically: true, encoding: .utf8)
                print("wrote \(csv)")
            }
            if let svg {
                let title = "Time release \(from ?? "…") to \(to ?? "…")\(by.map { " by \($0)" } ?? "")"
                try TimeReleaseExport.svg(rows, title: title).write(toFile: svg, atomically: true, encoding: .utf8)
                print("wrote \(svg)")
            }
        }
    }
}
