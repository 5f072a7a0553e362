import ClearwayCore
import Foundation

/// Time-release report rows written out for people: a text table, CSV and an SVG bar chart.
public enum TimeReleaseExport {
    /// Segments shown by default, in flow order.
    public static let segments: [TimeRelease.Segment] = [
        .arrivalToLodgement, .lodgementToRiskDecision, .riskDecisionToInspection, .inspectionToRelease, .releaseToExit,
        .arrivalToRelease,
    ]

    static func hours(_ seconds: Double) -> String { String(format: "%.2f", seconds / 3600) }

    /// A fixed-width table with count, mean, p50, p90 and p99 in hours per group and segment.
    public static func table(_ rows: [TimeRelease.Row]) -> String {
        let header = ["group", "segment", "count", "mean h", "p50 h", "p90 h", "p99 h"]
        var lines: [[String]] = []
        for row in rows {
            for segment in segments {
                guard let stats = row.segments[segment] else { continue }
                lines.append([
                    row.group, segment.rawValue, String(stats.count), hours(stats.mean), hours(stats.p50), hours(stats.p90),
                    hours(stats.p99),
                ])
            }
        }
        let widths = header.indices.map { column in ([header] + lines).map { $0[column].count }.max()! }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index < 2 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([format(header), rule] + lines.map(format)).joined(separator: "\n") + "\n"
    }

    /// CSV with one line per group and segment, times in seconds.
    public static func csv(_ rows: [TimeRelease.Row]) -> String {
        var out = "group,segment,count,mean_seconds,p50_seconds,p90_seconds,p99_seconds\n"
        for row in rows {
            for segment in TimeRelease.Segment.allCases {
                guard let s = row.segments[segment] else { continue }
                let group = row.group.contains(",") ? "\"\(row.group)\"" : row.group
                out += "\(group),\(segment.rawValue),\(s.count),\(s.mean),\(s.p50),\(s.p90),\(s.p99)\n"
            }
        }
        return out
    }

    /// A bar chart of p50 (solid) and p90 (pale) hours per segment, one panel per group.
    public static func svg(_ rows: [TimeRelease.Row], title: String) -> String {
        let barHeight = 14.0, gap = 6.0, labelWidth = 150.0, chartWidth = 420.0
        let maximum = max(
            rows.flatMap { row in segments.compactMap { row.segments[$0]?.p90 } }.max() ?? 1, 1)
        var y = 40.0
        var body = ""
        for row in rows {
            body += #"<text x="10" y="\#(y)" font-weight="bold">\#(escape(row.group))</text>"# + "\n"
            y += gap + 4
            for segment in segments {
                guard let s = row.segments[segment] else { continue }
                let p90 = s.p90 / maximum * chartWidth, p50 = max(0, s.p50) / maximum * chartWidth
                body += #"<text x="10" y="\#(y + barHeight - 3)">\#(segment.rawValue)</text>"#
                body += ##"<rect x="\##(labelWidth)" y="\##(y)" width="\##(max(0, p90))" height="\##(barHeight)" fill="#9ecae1"><title>p90 \##(hours(s.p90)) h</title></rect>"##
                body += ##"<rect x="\##(labelWidth)" y="\##(y)" width="\##(p50)" height="\##(barHeight)" fill="#3182bd"><title>p50 \##(hours(s.p50)) h</title></rect>"##
                body += #"<text x="\#(labelWidth + chartWidth + 8)" y="\#(y + barHeight - 3)">\#(hours(s.p50)) / \#(hours(s.p90)) h</text>"# + "\n"
                y += barHeight + gap
            }
            y += gap * 2
        }
        let height = y + 10
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(labelWidth + chartWidth + 140)" height="\(height)" \
            font-family="sans-serif" font-size="12" role="img" aria-label="\(escape(title))">
            <title>\(escape(title))</title>
            <text x="10" y="20" font-size="14" font-weight="bold">\(escape(title)) (p50 dark, p90 light, hours)</text>
            \(body)</svg>

            """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
