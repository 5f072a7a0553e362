import ClearwayCore
import Foundation
import Testing

@Suite("Time release, published")
struct TimeReleasePublishedTests {
    /// `count` green declarations lodged on each of two days, and `small` inspected ones, each released `hours` later.
    static func log(green count: Int, inspected small: Int) -> [TimeRelease.Record] {
        var records: [TimeRelease.Record] = []
        for index in 0..<(count + small) {
            let day = Double(index % 2) * 24, hours = Double(index % 4) + 1
            records.append(TimeReleaseTests.record(
                "r\(index)", index < count ? "green" : "inspection", arrival: day, lodgement: day + 1, risk: day + 1,
                inspection: nil, release: day + 1 + hours, exit: nil))
        }
        return records
    }

    @Test("a group of fewer than five declarations is not published, and its share is folded into 'other'")
    func smallGroupsWithheld() {
        let records = Self.log(green: 12, inspected: 3)
        let rows = TimeRelease.publishable(TimeRelease.report(records, by: .lane))
        #expect(rows.map(\.group) == ["green"])
        #expect(rows[0].segments[.lodgementToRelease]?.count == 12)
        let shares = TimeRelease.shares(records, by: .lane)
        #expect(shares.map(\.group) == ["green", "other"])
        #expect(shares.map(\.count) == [12, 3])
    }

    @Test("the daily trend groups by China day of lodgement and leaves out days too small to publish")
    func dailyTrend() {
        let daily = TimeRelease.daily(Self.log(green: 12, inspected: 0), segment: .lodgementToRelease)
        #expect(daily.count == 2)
        #expect(daily.map(\.statistics.count) == [6, 6])
        #expect(daily[0].day < daily[1].day)
        #expect(TimeRelease.daily(Self.log(green: 6, inspected: 0), segment: .lodgementToRelease).isEmpty)
        // No firm-level dimension is ever published.
        #expect(!TimeRelease.publishedDimensions.contains(.creditTier) && !TimeRelease.publishedDimensions.contains(.office))
    }
}
