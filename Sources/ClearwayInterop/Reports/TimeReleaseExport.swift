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

    /// A bar chart of p50 (solid) and p90 (pale) hours per segment, one panel per group; `label` names segments and
    /// groups and `legend` explains the bars, in the reader's language.
    public static func svg(_ rows: [TimeRelease.Row], title: String, label: (String) -> String = { $0 },
                           legend: String = "p50 dark, p90 light, hours") -> String {
        let barHeight = 14.0, gap = 6.0, labelWidth = 150.0, chartWidth = 420.0
        let maximum = max(
            rows.flatMap { row in segments.compactMap { row.segments[$0]?.p90 } }.max() ?? 1, 1)
        var y = 40.0
        var body = ""
        for row in rows {
            body += #"<text x="10" y="\#(y)" font-weight="bold">\#(escape(label(row.group)))</text>"# + "\n"
            y += gap + 4
            for segment in segments {
                guard let s = row.segments[segment] else { continue }
                let p90 = s.p90 / maximum * chartWidth, p50 = max(0, s.p50) / maximum * chartWidth
                body += #"<text x="10" y="\#(y + barHeight - 3)">\#(escape(label(segment.rawValue)))</text>"#
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
            <text x="10" y="20" font-size="14" font-weight="bold">\(escape(title)) (\(escape(legend)))</text>
            \(body)</svg>

            """
    }

    /// Horizontal bars of each group's share of declarations, with the count and percentage.
    public static func sharesSVG(_ shares: [(group: String, count: Int)], title: String, label: (String) -> String = { $0 }) -> String {
        let total = max(shares.reduce(0) { $0 + $1.count }, 1)
        let colours = ["#1b6e20", "#0b5cad", "#b35806", "#6a3d9a", "#8c510a", "#4d4d4d"]
        var y = 40.0
        var body = ""
        for (index, share) in shares.enumerated() {
            let fraction = Double(share.count) / Double(total)
            body += #"<text x="10" y="\#(y + 12)">\#(escape(label(share.group)))</text>"#
            body += #"<rect x="170" y="\#(y)" width="\#(fraction * 380)" height="16" fill="\#(colours[index % colours.count])"></rect>"#
            body += #"<text x="\#(176 + fraction * 380)" y="\#(y + 12)">\#(share.count) (\#(String(format: "%.1f", fraction * 100))%)</text>"# + "\n"
            y += 24
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="680" height="\(y + 10)" font-family="sans-serif" font-size="12" \
            role="img" aria-label="\(escape(title))">
            <title>\(escape(title))</title>
            <text x="10" y="20" font-size="14" font-weight="bold">\(escape(title))</text>
            \(body)</svg>

            """
    }

    /// A line chart of a segment's p50 (solid) and p90 (dashed) hours per day.
    public static func trendSVG(_ daily: [(day: String, statistics: TimeRelease.Statistics)], title: String, legend: String) -> String {
        let width = 680.0, height = 260.0, left = 50.0, top = 40.0, bottom = 40.0
        let plotWidth = width - left - 20, plotHeight = height - top - bottom
        let peak = max(daily.map { $0.statistics.p90 / 3600 }.max() ?? 1, 0.01)
        func point(_ index: Int, _ hours: Double) -> String {
            let x = left + (daily.count > 1 ? Double(index) / Double(daily.count - 1) * plotWidth : plotWidth / 2)
            return String(format: "%.1f,%.1f", x, top + plotHeight - hours / peak * plotHeight)
        }
        let p50 = daily.enumerated().map { point($0.offset, $0.element.statistics.p50 / 3600) }.joined(separator: " ")
        let p90 = daily.enumerated().map { point($0.offset, $0.element.statistics.p90 / 3600) }.joined(separator: " ")
        var body = ##"<line x1="\##(left)" y1="\##(top + plotHeight)" x2="\##(left + plotWidth)" y2="\##(top + plotHeight)" stroke="#333"></line>"##
        body += ##"<line x1="\##(left)" y1="\##(top)" x2="\##(left)" y2="\##(top + plotHeight)" stroke="#333"></line>"##
        for tick in 0...4 {
            let value = peak * Double(tick) / 4
            body += #"<text x="\#(left - 6)" y="\#(top + plotHeight - Double(tick) / 4 * plotHeight + 4)" text-anchor="end">\#(String(format: peak < 2 ? "%.2f" : "%.1f", value))</text>"#
        }
        if let first = daily.first, let last = daily.last {
            body += #"<text x="\#(left)" y="\#(height - 12)">\#(escape(first.day))</text>"#
            body += #"<text x="\#(left + plotWidth)" y="\#(height - 12)" text-anchor="end">\#(escape(last.day))</text>"#
        }
        if !daily.isEmpty {
            body += ##"<polyline fill="none" stroke="#9ecae1" stroke-width="2" stroke-dasharray="5 3" points="\##(p90)"></polyline>"##
            body += ##"<polyline fill="none" stroke="#0b5cad" stroke-width="2.5" points="\##(p50)"></polyline>"##
            for (index, entry) in daily.enumerated() {
                let xy = point(index, entry.statistics.p50 / 3600).split(separator: ",")
                body += ##"<circle cx="\##(xy[0])" cy="\##(xy[1])" r="3" fill="#0b5cad"><title>\##(escape(entry.day)): p50 \##(hours(entry.statistics.p50)) h, p90 \##(hours(entry.statistics.p90)) h, n=\##(entry.statistics.count)</title></circle>"##
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12" \
            role="img" aria-label="\(escape(title))">
            <title>\(escape(title))</title>
            <text x="10" y="20" font-size="14" font-weight="bold">\(escape(title)) (\(escape(legend)))</text>
            \(body)
            </svg>

            """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
