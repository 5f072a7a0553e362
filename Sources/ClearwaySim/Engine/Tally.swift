import Foundation

/// Observations of one measure (a wait, a dwell), kept whole for percentiles.
public struct Tally: Sendable, Equatable {
    public private(set) var values: [Double] = []
    public init() {}
    public init(_ values: [Double]) { self.values = values }

    public mutating func add(_ value: Double) { values.append(value) }
    public var count: Int { values.count }
    public var mean: Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    /// The nearest-rank percentile (0…100).
    public func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// Half-width of the 95% confidence interval of the mean by batch means (20 batches), which holds for the
    /// correlated waits of one queue where the naive standard error would not.
    public var confidenceHalfWidth: Double {
        let batches = 20
        guard values.count >= batches * 2 else { return .infinity }
        let size = values.count / batches
        let means = (0..<batches).map { b in values[(b * size)..<((b + 1) * size)].reduce(0, +) / Double(size) }
        let grand = means.reduce(0, +) / Double(batches)
        let variance = means.map { ($0 - grand) * ($0 - grand) }.reduce(0, +) / Double(batches - 1)
        return 2.093 * (variance / Double(batches)).squareRoot()  // Student t, 19 degrees of freedom
    }
}
