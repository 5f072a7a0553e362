import Foundation

/// What `clearway simulate` prints and writes: the summary table, per-entity CSV and SVG charts.
public enum SimulationReport {
    /// The headline figures side by side; with two runs, the change from the first to the second.
    public static func table(_ results: [SimulationResult]) -> String {
        guard let first = results.first else { return "" }
        var header = ["measure"] + results.map(\.scenario)
        if results.count == 2 { header.append("change") }
        var lines: [[String]] = [header]
        for measure in first.measures {
            var cells = [measure.name + (measure.unit.isEmpty ? "" : " (\(measure.unit))")]
            let values = results.map { $0.measure(measure.name) }
            cells += values.map { $0.map(format) ?? "–" }
            if results.count == 2, let a = values[0], let b = values[1], a != 0, !measure.unit.isEmpty, measure.unit != "%" {
                cells.append(String(format: "%+.1f%%", (b - a) / abs(a) * 100))
            } else if results.count == 2 {
                cells.append("")
            }
            lines.append(cells)
        }
        lines.append(["events processed"] + results.map { String($0.events) } + (results.count == 2 ? [""] : []))
        let widths = (0..<header.count).map { column in lines.map { $0[column].count }.max() ?? 0 }
        return lines.enumerated().map { index, cells in
            let row = cells.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
            return index == 0 ? row + "\n" + String(repeating: "-", count: row.count) : row
        }.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e12 { return String(Int(value)) }
        return abs(value) >= 100 ? String(format: "%.1f", value) : String(format: "%.2f", value)
    }

    /// One row per entity, RFC 4180 quoting.
    public static func csv(_ result: SimulationResult) -> String {
        func quote(_ cell: String) -> String {
            cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }
        return ([result.columns] + result.rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// A histogram of each run's main measure on shared bins, with each run's mean marked.
    public static func histogram(_ results: [SimulationResult], title: String) -> String {
        let colours = ["#3182bd", "#e6550d", "#31a354", "#756bb1"]
        let width = 640.0, height = 300.0, left = 60.0, bottom = 40.0, top = 50.0
        let upper = max(results.map { $0.primary.percentile(99) }.max() ?? 1, 1e-9)
        let bins = 30
        let binWidth = upper / Double(bins)
        let counts = results.map { result -> [Double] in
            var counts = [Double](repeating: 0, count: bins)
            for value in result.primary.values { counts[min(Int(value / binWidth), bins - 1)] += 1 }
            let total = Double(max(result.primary.count, 1))
            return counts.map { $0 / total }
        }
        let peak = max(counts.flatMap { $0 }.max() ?? 1, 1e-9)
        let plotWidth = width - left - 20, plotHeight = height - top - bottom
        var body = ""
        let barWidth = plotWidth / Double(bins) / Double(max(results.count, 1))
        for (r, shares) in counts.enumerated() {
            for (b, share) in shares.enumerated() where share > 0 {
                let x = left + Double(b) * plotWidth / Double(bins) + Double(r) * barWidth
                let h = share / peak * plotHeight
                body += String(format: #"<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%@"><title>%@: %.1f%% in %.1f–%.1f</title></rect>"#,
                               x, top + plotHeight - h, max(barWidth - 0.5, 0.5), h, colours[r % colours.count],
                               escape(results[r].scenario), share * 100, Double(b) * binWidth, Double(b + 1) * binWidth) + "\n"
            }
            let mean = min(results[r].primary.mean, upper)
            let x = left + mean / upper * plotWidth
            body += String(format: #"<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%@" stroke-width="2" stroke-dasharray="4 3"/>"#,
                           x, top, x, top + plotHeight, colours[r % colours.count]) + "\n"
            let legend = left + Double(r) * 290
            body += String(format: #"<rect x="%.1f" y="25" width="10" height="10" fill="%@"/><text x="%.1f" y="34">%@ (mean %@)</text>"#,
                           legend, colours[r % colours.count], legend + 14, escape(results[r].scenario),
                           format(results[r].primary.mean)) + "\n"
        }
        // Axis and ticks.
        body += String(format: ##"<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333"/>"##, left, top + plotHeight, left + plotWidth, top + plotHeight)
        for tick in 0...5 {
            let value = upper * Double(tick) / 5
            let x = left + plotWidth * Double(tick) / 5
            body += String(format: #"<text x="%.1f" y="%.1f" text-anchor="middle">%@</text>"#, x, top + plotHeight + 16, format(value))
        }
        let label = results.first?.primaryLabel ?? ""
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" \
            font-size="12" role="img" aria-label="\(escape(title))">
            <title>\(escape(title))</title>
            <text x="10" y="18" font-size="14" font-weight="bold">\(escape(title))</text>
            \(body)
            <text x="\(Int(left + plotWidth / 2))" y="\(Int(height - 6))" text-anchor="middle">\(escape(label)), share of entities per bin; dashed: mean</text>
            </svg>

            """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
