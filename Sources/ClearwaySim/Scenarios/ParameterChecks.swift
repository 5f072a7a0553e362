/// Collects what is wrong with a scenario's parameters, each problem named by its field's path.
struct ParameterChecks {
    private(set) var problems: [FieldProblem] = []
    let prefix: String

    init(prefix: String = "parameters") { self.prefix = prefix }

    mutating func count(_ value: Int, _ field: String, _ range: ClosedRange<Int>) {
        if !range.contains(value) {
            problems.append(.init(path: "\(prefix).\(field)", message: "must be between \(range.lowerBound) and \(range.upperBound), not \(value)"))
        }
    }

    mutating func share(_ value: Double, _ field: String) {
        if !(0...1).contains(value) {
            problems.append(.init(path: "\(prefix).\(field)", message: "is a share between 0 and 1, not \(value)"))
        }
    }

    mutating func positive(_ value: Double, _ field: String) {
        if !(value > 0 && value.isFinite) {
            problems.append(.init(path: "\(prefix).\(field)", message: "must be above 0, not \(value)"))
        }
    }

    mutating func distribution(_ value: Distribution, _ field: String) {
        problems += value.problems(at: "\(prefix).\(field)")
    }

    mutating func add(_ field: String, _ message: String) {
        problems.append(.init(path: "\(prefix).\(field)", message: message))
    }
}
