import ClearwayApp
import ClearwayCore
import ClearwayInterop
import Foundation
import Hummingbird

extension WebPages {
    /// Published clearance-time statistics, for everyone: a segment breakdown, shares and a daily trend, as SVG.
    func statistics(_ request: Request) async throws -> Response {
        let visit = try await visit(request)
        let language = visit.language
        let dimension = request.uri.queryParameters.get("by").flatMap(TimeRelease.Dimension.init(rawValue:)) ?? .lane
        let days = min(max(request.uri.queryParameters.get("days").flatMap(Int.init) ?? 30, 1), 366)
        let now = clearway.environment.now()
        do {
            let published = try await clearway.publishedTimeRelease(
                from: now.addingTimeInterval(-Double(days) * 86_400), to: now.addingTimeInterval(60), by: dimension)
            func label(_ key: String) -> String { groupLabel(key, dimension, language) }
            let t = locales.table(language)
            let rows: [[String: Any]] = published.rows.compactMap { row in
                guard let overall = row.segments[.lodgementToRelease] else { return nil }
                return ["group": label(row.group), "count": overall.count, "p50": String(format: "%.2f", overall.p50 / 3600),
                        "p90": String(format: "%.2f", overall.p90 / 3600)]
            }
            let dimensions = TimeRelease.publishedDimensions.map {
                ["value": $0.rawValue, "label": locales.text("dim_\($0.rawValue)", language), "selected": $0 == dimension]
            }
            return render("statistics", context(visit, title: t["stats_title"]!, [
                "declarations": published.declarations, "days": days, "dimensions": dimensions, "rows": rows, "empty": rows.isEmpty,
                "minimum": TimeRelease.smallestPublishedGroup,
                "breakdown": TimeReleaseExport.svg(published.rows, title: t["stats_breakdown_title"]!,
                                                   label: { key in self.locales.table(language)["seg_\(key)"] ?? label(key) },
                                                   legend: t["stats_legend_bars"]!),
                "shares": TimeReleaseExport.sharesSVG(published.shares, title: t["stats_shares_title"]!, label: label),
                "trend": TimeReleaseExport.trendSVG(published.daily, title: t["stats_trend_title"]!, legend: t["stats_legend_trend"]!),
            ]))
        } catch { return self.error(visit, error) }
    }

    /// A group of a published dimension in the reader's language (lanes, procedures and directions are translated).
    func groupLabel(_ group: String, _ dimension: TimeRelease.Dimension, _ language: String) -> String {
        let prefix: String? = switch dimension {
        case .lane: "lane_"
        case .procedure: "procedure_"
        case .direction: "direction_"
        default: nil
        }
        if group == "other" || group == "unknown" || group == "all" { return locales.text("stats_\(group)", language) }
        return prefix.flatMap { locales.table(language)["\($0)\(group)"] } ?? group
    }
}
