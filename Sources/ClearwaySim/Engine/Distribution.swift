import Foundation

/// A duration or delay as a scenario states it, in minutes: `{"kind": "lognormal", "mean": 45, "sd": 20}`.
public struct Distribution: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case constant
        case exponential
        case uniform
        case triangular
        case lognormal
    }

    public var kind: Kind
    /// The value of a constant, the mean of an exponential or lognormal.
    public var mean: Double?
    /// Standard deviation of a lognormal.
    public var sd: Double?
    public var min: Double?
    public var max: Double?
    /// The most likely value of a triangular.
    public var mode: Double?

    public init(kind: Kind, mean: Double? = nil, sd: Double? = nil, min: Double? = nil, max: Double? = nil, mode: Double? = nil) {
        self.kind = kind
        self.mean = mean
        self.sd = sd
        self.min = min
        self.max = max
        self.mode = mode
    }

    public static func constant(_ minutes: Double) -> Distribution { .init(kind: .constant, mean: minutes) }
    public static func exponential(mean: Double) -> Distribution { .init(kind: .exponential, mean: mean) }
    public static func lognormal(mean: Double, sd: Double) -> Distribution { .init(kind: .lognormal, mean: mean, sd: sd) }
    public static func uniform(_ low: Double, _ high: Double) -> Distribution { .init(kind: .uniform, min: low, max: high) }
    public static func triangular(_ low: Double, _ mode: Double, _ high: Double) -> Distribution {
        .init(kind: .triangular, min: low, max: high, mode: mode)
    }

    /// The expected value in minutes.
    public var expectation: Double {
        switch kind {
        case .constant, .exponential, .lognormal: mean ?? 0
        case .uniform: ((min ?? 0) + (max ?? 0)) / 2
        case .triangular: ((min ?? 0) + (mode ?? 0) + (max ?? 0)) / 3
        }
    }

    /// One draw, in seconds.
    public func seconds(_ random: inout SeededRandom) -> Double { minutes(&random) * 60 }

    /// One draw, in minutes.
    public func minutes(_ random: inout SeededRandom) -> Double {
        switch kind {
        case .constant: return mean ?? 0
        case .exponential: return random.exponential(mean: mean ?? 0)
        case .uniform:
            let low = min ?? 0
            return low + (( max ?? low) - low) * random.unit()
        case .triangular:
            let low = min ?? 0, high = max ?? low, peak = mode ?? low
            guard high > low else { return low }
            let u = random.unit(), split = (peak - low) / (high - low)
            return u < split ? low + ((high - low) * (peak - low) * u).squareRoot()
                : high - ((high - low) * (high - peak) * (1 - u)).squareRoot()
        case .lognormal:
            let m = mean ?? 0, s = sd ?? 0
            guard m > 0 else { return 0 }
            let variance = log(1 + (s * s) / (m * m))
            return exp(log(m) - variance / 2 + variance.squareRoot() * random.normal())
        }
    }

    /// What is wrong with the distribution, each with the field that is wrong, relative to `path`.
    public func problems(at path: String) -> [FieldProblem] {
        func need(_ value: Double?, _ field: String, positive: Bool = false) -> [FieldProblem] {
            guard let value else { return [.init(path: "\(path).\(field)", message: "a \(kind.rawValue) distribution needs '\(field)'")] }
            guard value.isFinite, positive ? value > 0 : value >= 0 else {
                return [.init(path: "\(path).\(field)", message: "must be \(positive ? "above" : "at least") 0 minutes, not \(value)")]
            }
            return []
        }
        switch kind {
        case .constant: return need(mean, "mean")
        case .exponential: return need(mean, "mean", positive: true)
        case .lognormal: return need(mean, "mean", positive: true) + need(sd, "sd")
        case .uniform:
            let found = need(min, "min") + need(max, "max")
            if found.isEmpty, let min, let max, max < min {
                return [.init(path: "\(path).max", message: "max (\(max)) is below min (\(min))")]
            }
            return found
        case .triangular:
            let found = need(min, "min") + need(mode, "mode") + need(max, "max")
            if found.isEmpty, let min, let mode, let max, !(min <= mode && mode <= max) {
                return [.init(path: "\(path).mode", message: "min ≤ mode ≤ max must hold (\(min), \(mode), \(max))")]
            }
            return found
        }
    }
}

/// One thing wrong in a scenario, by the dotted path of its field (`parameters.cranes`).
public struct FieldProblem: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}
