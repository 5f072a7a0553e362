import Foundation

/// The WCO Time Release Study view of declarations: timestamps of each milestone and the segments between them.
public enum TimeRelease {
    /// The milestones of one declaration (DOMAIN.md §10): any may be missing, lodgement may precede arrival.
    public struct Milestones: Sendable, Equatable, Codable {
        public var arrival: Date?
        public var lodgement: Date?
        public var riskDecision: Date?
        public var inspection: Date?
        public var release: Date?
        public var exit: Date?
        /// When the last box diverted for inspection was back on its block (or in the flow onward).
        public var backInFlow: Date?
        public init(
            arrival: Date? = nil, lodgement: Date? = nil, riskDecision: Date? = nil, inspection: Date? = nil,
            release: Date? = nil, exit: Date? = nil, backInFlow: Date? = nil
        ) {
            self.backInFlow = backInFlow
            self.arrival = arrival
            self.lodgement = lodgement
            self.riskDecision = riskDecision
            self.inspection = inspection
            self.release = release
            self.exit = exit
        }
    }

    /// A measured interval; negative when the end came first (a declaration lodged before arrival).
    public enum Segment: String, Sendable, Codable, CaseIterable {
        case arrivalToLodgement = "arrival-lodgement"
        case lodgementToRiskDecision = "lodgement-risk"
        case riskDecisionToInspection = "risk-inspection"
        case inspectionToRelease = "inspection-release"
        case releaseToExit = "release-exit"
        /// China's overall clearance time: arrival (report) to release.
        case arrivalToRelease = "arrival-release"
        case lodgementToRelease = "lodgement-release"
        case arrivalToExit = "arrival-exit"
        /// Circulation of inspected boxes: picked for inspection → inspected → back in the flow (issue 5).
        case circulation = "selection-back-in-flow"
    }

    /// The dimensions a report groups by.
    public enum Dimension: String, Sendable, Codable, CaseIterable {
        case port, office, procedure, supervisionMode = "supervision-mode", lane, creditTier = "credit-tier", direction
    }

    /// What one declaration contributes to the study.
    public struct Record: Sendable, Equatable, Codable {
        public var declarationID: String
        public var milestones: Milestones
        public var dimensions: [String: String]
        public init(declarationID: String, milestones: Milestones, dimensions: [String: String]) {
            self.declarationID = declarationID
            self.milestones = milestones
            self.dimensions = dimensions
        }

        /// The segment's length in seconds, when both ends are known. Inspection is skipped when there was none.
        public func seconds(_ segment: Segment) -> Double? {
            let m = milestones
            func span(_ from: Date?, _ to: Date?) -> Double? {
                guard let from, let to else { return nil }
                return to.timeIntervalSince(from)
            }
            switch segment {
            case .arrivalToLodgement: return span(m.arrival, m.lodgement)
            case .lodgementToRiskDecision: return span(m.lodgement, m.riskDecision)
            case .riskDecisionToInspection: return m.inspection == nil ? nil : span(m.riskDecision, m.inspection)
            case .inspectionToRelease: return span(m.inspection ?? m.riskDecision, m.release)
            case .releaseToExit: return span(m.release, m.exit)
            case .arrivalToRelease: return span(m.arrival, m.release)
            case .lodgementToRelease: return span(m.lodgement, m.release)
            case .arrivalToExit: return span(m.arrival, m.exit)
            case .circulation: return span(m.riskDecision, m.backInFlow)
            }
        }
    }

    /// Mean and nearest-rank percentiles of one segment over a group of declarations.
    public struct Statistics: Sendable, Equatable, Codable {
        public var count: Int
        public var mean: Double
        public var p50: Double
        public var p90: Double
        public var p99: Double

        /// Nearest-rank percentile: the smallest value with at least p% of the values at or below it.
        public init?(_ values: [Double]) {
            guard !values.isEmpty else { return nil }
            let sorted = values.sorted()
            func rank(_ p: Double) -> Double {
                sorted[max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1)]
            }
            count = sorted.count
            mean = sorted.reduce(0, +) / Double(sorted.count)
            p50 = rank(50)
            p90 = rank(90)
            p99 = rank(99)
        }
    }

    /// One row of a report: a group and its statistics per segment.
    public struct Row: Sendable, Equatable, Codable {
        public var group: String
        public var segments: [Segment: Statistics]
    }

    /// Groups records by `dimension` (or all together) and computes every segment's statistics.
    public static func report(_ records: [Record], by dimension: Dimension?) -> [Row] {
        let groups = Dictionary(grouping: records) { record in
            dimension.map { record.dimensions[$0.rawValue] ?? "unknown" } ?? "all"
        }
        return groups.keys.sorted().map { key in
            var segments: [Segment: Statistics] = [:]
            for segment in Segment.allCases {
                if let stats = Statistics(groups[key]!.compactMap { $0.seconds(segment) }) { segments[segment] = stats }
            }
            return Row(group: key, segments: segments)
        }
    }
}

extension Declaration.State {
    /// This declaration's time-release milestones, read off its customs and port facts.
    public var milestones: TimeRelease.Milestones {
        let boxes = Array(self.boxes.values)
        let arrival = direction == .export
            ? boxes.compactMap(\.gatedInAt).min() ?? conveyance.arrivedAt
            : conveyance.arrivedAt ?? boxes.compactMap(\.dischargedAt).min()
        let exits = direction == .export || procedure == .departureConfirmation
            ? boxes.map(\.loadedAt) : boxes.map(\.gatedOutAt)
        let exit = exits.isEmpty || exits.contains(where: { $0 == nil }) ? nil : exits.compactMap { $0 }.max()
        return TimeRelease.Milestones(
            arrival: arrival, lodgement: acceptedAt, riskDecision: clearance.riskDecidedAt,
            inspection: clearance.lane == .inspection ? clearance.inspectionCompletedAt : nil,
            release: clearance.releasedAt, exit: exit)
    }
}
