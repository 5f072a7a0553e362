import ClearwayCore

/// Customs' document reviews (officers) and port inspections (inspection lanes) in a port model, each first come
/// first served; the same for every model so that a check costs the same wherever it is simulated.
struct CustomsChecks {
    enum Check {
        case review
        case inspection

        /// What the officer records as the result.
        var findings: String { self == .review ? "documents in order" : "goods as declared" }
    }

    private var officers: Pool
    private var lanes: Pool
    private var random: SeededRandom
    private let review: Distribution
    private let inspection: Distribution

    init(officers: Int, lanes: Int, review: Distribution, inspection: Distribution, seed: UInt64) {
        self.officers = Pool(capacity: officers)
        self.lanes = Pool(capacity: lanes)
        self.random = SeededRandom(seed: seed, stream: "customs")
        self.review = review
        self.inspection = inspection
    }

    /// The lane a draw in [0, 1) falls in, by the shares of inspection and document review.
    static func lane(_ u: Double, inspectionShare: Double, documentaryShare: Double) -> Declaration.Lane {
        u < inspectionShare ? .inspection : u < inspectionShare + documentaryShare ? .documentary : .green
    }

    /// Asks for the check a lane needs once the box's declaration is lodged (an inspection only once the box is on the
    /// quay); answers the check that started now and its duration in seconds, nil when none did.
    mutating func request(_ box: Int, lane: Declaration.Lane, onQuay: Bool, at now: Double) -> (Check, Double)? {
        switch lane {
        case .green: return nil
        case .documentary: return officers.request(box, at: now) ? (.review, review.seconds(&random)) : nil
        case .inspection: return onQuay ? requestInspection(box, at: now) : nil
        }
    }

    /// An inspection asked for when the box lands (its declaration already lodged).
    mutating func requestInspection(_ box: Int, at now: Double) -> (Check, Double)? {
        lanes.request(box, at: now) ? (.inspection, inspection.seconds(&random)) : nil
    }

    /// A check ended: its officer or lane goes to the next box waiting, answered with that check's duration.
    mutating func finished(_ check: Check, at now: Double) -> (box: Int, seconds: Double)? {
        switch check {
        case .review: officers.release(at: now).map { ($0, review.seconds(&random)) }
        case .inspection: lanes.release(at: now).map { ($0, inspection.seconds(&random)) }
        }
    }

    func officerUtilisation(at now: Double) -> Double { officers.utilisation(at: now) }
}
