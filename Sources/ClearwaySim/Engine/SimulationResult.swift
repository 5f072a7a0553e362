import Foundation

/// What one run of a scenario measured: headline figures, one row per entity, and the main measure for charts.
public struct SimulationResult: Sendable, Equatable {
    /// One headline figure.
    public struct Measure: Sendable, Equatable {
        public var name: String
        public var value: Double
        public var unit: String
        public init(_ name: String, _ value: Double, _ unit: String) {
            self.name = name
            self.value = value
            self.unit = unit
        }
    }

    public var scenario: String
    public var model: String
    public var measures: [Measure]
    /// Per-entity rows (a box, an application, a customer) with `columns` as their header.
    public var columns: [String]
    public var rows: [[String]]
    /// The main measure of each entity, for the histogram; named by `primaryLabel`.
    public var primary: Tally
    public var primaryLabel: String
    /// Events the engine processed.
    public var events: Int

    public func measure(_ name: String) -> Double? { measures.first { $0.name == name }?.value }
}

/// Formats a time in seconds from the run's start as the scenario's clock reads it (day and hour:minute).
func clockText(_ seconds: Double) -> String {
    let minutes = Int((seconds / 60).rounded(.down))
    return String(format: "d%d %02d:%02d", minutes / 1440 + 1, minutes / 60 % 24, minutes % 60)
}

func minutesText(_ seconds: Double?) -> String {
    guard let seconds else { return "" }
    return String(format: "%.1f", seconds / 60)
}
