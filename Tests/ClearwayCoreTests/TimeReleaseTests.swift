import ClearwayCore
import Foundation
import Testing

@Suite("Time release")
struct TimeReleaseTests {
    static let t0 = Date(timeIntervalSince1970: 1_780_000_000)
    static func at(_ hours: Double) -> Date { t0.addingTimeInterval(hours * 3600) }

    /// Four imports: hours of arrival, lodgement, risk decision, inspection (or nil), release and exit.
    static let log: [TimeRelease.Record] = [
        record("a", "green", arrival: 0, lodgement: 1, risk: 1.5, inspection: nil, release: 2, exit: 3),
        record("b", "green", arrival: 0, lodgement: -2, risk: -1, inspection: nil, release: 1, exit: 1.5),
        record("c", "inspection", arrival: 0, lodgement: 2, risk: 3, inspection: 9, release: 10, exit: 12),
        record("d", "green", arrival: 0, lodgement: 1, risk: 2, inspection: nil, release: 5, exit: nil),
    ]

    static func record(
        _ id: String, _ lane: String, arrival: Double, lodgement: Double, risk: Double, inspection: Double?, release: Double,
        exit: Double?
    ) -> TimeRelease.Record {
        TimeRelease.Record(
            declarationID: id,
            milestones: .init(
                arrival: at(arrival), lodgement: at(lodgement), riskDecision: at(risk), inspection: inspection.map(at),
                release: at(release), exit: exit.map(at)),
            dimensions: ["lane": lane])
    }

    @Test("arrival-to-release over a hand-computed log: mean 4.5 h, p50 2 h, p90 and p99 10 h")
    func overall() throws {
        let row = try #require(TimeRelease.report(Self.log, by: nil).first)
        let stats = try #require(row.segments[.arrivalToRelease])
        #expect(stats.count == 4)
        #expect(stats.mean == 4.5 * 3600)
        #expect(stats.p50 == 2 * 3600)
        #expect(stats.p90 == 10 * 3600)
        #expect(stats.p99 == 10 * 3600)
    }

    @Test("a declaration lodged before arrival gives a negative arrival-to-lodgement interval")
    func preArrival() throws {
        let stats = try #require(TimeRelease.report(Self.log, by: nil).first?.segments[.arrivalToLodgement])
        #expect(stats.p50 == 1 * 3600)
        let expected: Double = 0.5 * 3600
        #expect(stats.mean == expected)
    }

    @Test("inspection is its own segment only where there was one; exits count only when known")
    func partialSegments() throws {
        let row = try #require(TimeRelease.report(Self.log, by: nil).first)
        #expect(row.segments[.riskDecisionToInspection]?.count == 1)
        #expect(row.segments[.riskDecisionToInspection]?.mean == 21_600.0)
        #expect(row.segments[.releaseToExit]?.count == 3)
        let expected: Double = 4_200
        #expect(row.segments[.releaseToExit]?.mean == expected)
    }

    @Test("grouping by lane separates the inspected consignment that drives the mean")
    func byLane() throws {
        let rows = TimeRelease.report(Self.log, by: .lane)
        #expect(rows.map(\.group) == ["green", "inspection"])
        let green: Double = 9_600
        #expect(rows[0].segments[.arrivalToRelease]?.mean == green)
        #expect(rows[1].segments[.arrivalToRelease]?.mean == 36_000.0)
    }

    @Test("nearest-rank percentiles of 1…100 are 50, 90 and 99")
    func percentiles() throws {
        let stats = try #require(TimeRelease.Statistics((1...100).map(Double.init).shuffled()))
        #expect(stats.p50 == 50)
        #expect(stats.p90 == 90)
        #expect(stats.p99 == 99)
        #expect(stats.mean == 50.5)
        #expect(TimeRelease.Statistics([]) == nil)
    }
}
