import Foundation

extension TimeRelease {
    /// What the public statistics page may show: no group smaller than this many declarations, so that no single
    /// firm's shipments can be picked out (WTO TFA Art. 7.6 asks for published average release times, not records).
    public static let smallestPublishedGroup = 5

    /// The dimensions published to everyone; all are about procedures and places, none about a firm.
    public static let publishedDimensions: [Dimension] = [.lane, .procedure, .port, .direction, .supervisionMode]

    /// Rows with every segment computed over fewer than `smallestPublishedGroup` declarations removed, and groups left
    /// with no segment dropped.
    public static func publishable(_ rows: [Row]) -> [Row] {
        rows.compactMap { row in
            let kept = row.segments.filter { $0.value.count >= smallestPublishedGroup }
            return kept.isEmpty ? nil : Row(group: row.group, segments: kept)
        }
    }

    /// How many declarations fell in each group of `dimension`, largest first; groups below the published minimum are
    /// folded into "other".
    public static func shares(_ records: [Record], by dimension: Dimension) -> [(group: String, count: Int)] {
        let counts = Dictionary(grouping: records) { $0.dimensions[dimension.rawValue] ?? "unknown" }.mapValues(\.count)
        var shown = counts.filter { $0.value >= smallestPublishedGroup }.map { (group: $0.key, count: $0.value) }
        let other = counts.values.filter { $0 < smallestPublishedGroup }.reduce(0, +)
        shown.sort { ($0.count, $1.group) > ($1.count, $0.group) }
        if other > 0 { shown.append((group: "other", count: other)) }
        return shown
    }

    /// One segment's statistics per China day of lodgement, oldest first; days below the published minimum are left out.
    public static func daily(_ records: [Record], segment: Segment) -> [(day: String, statistics: Statistics)] {
        let byDay = Dictionary(grouping: records.filter { $0.milestones.lodgement != nil }) { ChinaTime.day($0.milestones.lodgement!) }
        return byDay.keys.sorted().compactMap { day in
            guard let stats = Statistics(byDay[day]!.compactMap { $0.seconds(segment) }), stats.count >= smallestPublishedGroup else {
                return nil
            }
            return (day, stats)
        }
    }
}
