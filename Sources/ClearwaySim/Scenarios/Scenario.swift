import ClearwayCore
import Foundation

/// A scenario file from `Scenarios/`: which model, with which stated parameters, seeded how.
///
/// ```json
/// {"name": "…", "model": "pickup", "seed": 1, "start": "2026-06-01", "parameters": {…}}
/// ```
/// Times in parameters are minutes unless the field's name says hours.
public struct Scenario: Sendable, Equatable {
    public enum Model: Sendable, Equatable {
        case queueing(QueueingModel)
        case pickup(PickupModel)
        case transit(TransitModel)
        case foodApproval(FoodApprovalModel)
        case diversion(DiversionModel)

        public var name: String {
            switch self {
            case .queueing: "mmc"
            case .pickup: "pickup"
            case .transit: "transit"
            case .foodApproval: "food-approval"
            case .diversion: "diversion"
            }
        }
    }

    public static let modelNames = ["mmc", "pickup", "transit", "food-approval", "diversion"]

    public var name: String
    /// What the scenario shows, for the summary.
    public var description: String
    public var seed: UInt64
    /// Midnight (China time) the run starts at.
    public var start: Date
    public var model: Model

    public init(name: String, description: String = "", seed: UInt64, start: Date, model: Model) {
        self.name = name
        self.description = description
        self.seed = seed
        self.start = start
        self.model = model
    }

    /// Reads a scenario; every problem is reported at once with the path of its field.
    public static func read(_ data: Data) throws(ScenarioError) -> Scenario {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ScenarioError([.init(path: "(file)", message: "a scenario is a JSON object")])
            }
            object = parsed
        } catch let error as ScenarioError {
            throw error
        } catch {
            throw ScenarioError([.init(path: "(file)", message: "not valid JSON: \(Self.jsonMessage(error))")])
        }
        var problems = unknownKeys(object, allowed: ["name", "description", "model", "seed", "start", "parameters"], at: "")
        let name = object["name"] as? String
        if name?.isEmpty != false { problems.append(.init(path: "name", message: "a scenario needs a non-empty name")) }
        let seed: UInt64? = (object["seed"] as? NSNumber).flatMap { number in
            let value = number.doubleValue
            return value >= 0 && value < 1.8e19 && value.rounded() == value ? number.uint64Value : nil
        }
        if object["seed"] == nil {
            problems.append(.init(path: "seed", message: "a scenario names its seed, so a run can be repeated"))
        } else if seed == nil {
            problems.append(.init(path: "seed", message: "is a whole number of at least 0"))
        }
        var start = Date(timeIntervalSince1970: 1_780_243_200)  // 2026-06-01 00:00 China time, a Monday
        if let text = object["start"] {
            if let text = text as? String, let date = midnight(text) { start = date } else {
                problems.append(.init(path: "start", message: "is a date like 2026-06-01 (midnight China time)"))
            }
        }
        let modelName = object["model"] as? String
        var model: Model?
        if let modelName, Self.modelNames.contains(modelName) {
            if let parameters = object["parameters"] as? [String: Any] {
                do { model = try decodeModel(modelName, parameters) } catch { problems += error.problems }
            } else {
                problems.append(.init(path: "parameters", message: "a scenario needs a parameters object for model '\(modelName)'"))
            }
        } else {
            problems.append(.init(path: "model", message: "is one of \(modelNames.joined(separator: ", "))\(modelName.map { ", not '\($0)'" } ?? "")"))
        }
        guard problems.isEmpty, let name, let seed, let model else { throw ScenarioError(problems) }
        return Scenario(name: name, description: object["description"] as? String ?? "", seed: seed, start: start, model: model)
    }

    private static func decodeModel(_ name: String, _ parameters: [String: Any]) throws(ScenarioError) -> Model {
        func decode<T: Decodable>(_ type: T.Type, fields: [String]) throws(ScenarioError) -> T {
            var problems = unknownKeys(parameters, allowed: Set(fields), at: "parameters")
            for (key, value) in parameters {
                if let object = value as? [String: Any], fields.contains(key) {
                    problems += unknownKeys(object, allowed: ["kind", "mean", "sd", "min", "max", "mode"], at: "parameters.\(key)")
                }
            }
            do {
                let data = try JSONSerialization.data(withJSONObject: parameters)
                let value = try JSONDecoder().decode(T.self, from: data)
                guard problems.isEmpty else { throw ScenarioError(problems) }
                return value
            } catch let error as DecodingError {
                throw ScenarioError(problems + [decodingProblem(error)])
            } catch let error as ScenarioError {
                throw error
            } catch {
                throw ScenarioError(problems + [.init(path: "parameters", message: "\(error)")])
            }
        }
        let model: Model
        let found: [FieldProblem]
        switch name {
        case "mmc":
            let m = try decode(QueueingModel.self, fields: QueueingModel.CodingKeys.allCases.map(\.rawValue))
            (model, found) = (.queueing(m), m.problems())
        case "pickup":
            let m = try decode(PickupModel.self, fields: PickupModel.fieldNames)
            (model, found) = (.pickup(m), m.problems())
        case "transit":
            let m = try decode(TransitModel.self, fields: TransitModel.fieldNames)
            (model, found) = (.transit(m), m.problems())
        case "food-approval":
            let m = try decode(FoodApprovalModel.self, fields: FoodApprovalModel.fieldNames)
            (model, found) = (.foodApproval(m), m.problems())
        default:
            let m = try decode(DiversionModel.self, fields: DiversionModel.fieldNames)
            (model, found) = (.diversion(m), m.problems())
        }
        guard found.isEmpty else { throw ScenarioError(found) }
        return model
    }

    /// Midnight China time of a `YYYY-MM-DD` date.
    private static func midnight(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard text.count == 10, parts.count == 3, let year = parts[0], let month = parts[1], let day = parts[2],
              let date = ChinaTime.calendar.date(from: DateComponents(year: year, month: month, day: day)),
              ChinaTime.day(date) == text
        else { return nil }
        return date
    }

    private static func unknownKeys(_ object: [String: Any], allowed: Set<String>, at path: String) -> [FieldProblem] {
        object.keys.filter { !allowed.contains($0) }.sorted().map { key in
            let nearest = allowed.min { distance($0, key) < distance($1, key) }
            let hint = nearest.map { distance($0, key) <= 3 ? " (did you mean '\($0)'?)" : "" } ?? ""
            return FieldProblem(path: path.isEmpty ? key : "\(path).\(key)", message: "is not a field of this scenario\(hint)")
        }
    }

    /// Edit distance, for suggesting the field a misspelt key meant.
    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }

    private static func decodingProblem(_ error: DecodingError) -> FieldProblem {
        func path(_ codingPath: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
            var text = "parameters"
            for component in codingPath + (key.map { [$0] } ?? []) {
                if let index = component.intValue { text += "[\(index)]" } else { text += ".\(component.stringValue)" }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .init(path: path(context.codingPath, key), message: "is missing")
        case .typeMismatch(let type, let context):
            return .init(path: path(context.codingPath), message: "expected \(describe(type))")
        case .valueNotFound(let type, let context):
            return .init(path: path(context.codingPath), message: "expected \(describe(type)), found null")
        case .dataCorrupted(let context):
            return .init(path: path(context.codingPath), message: context.debugDescription)
        @unknown default:
            return .init(path: "parameters", message: "\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is UInt64.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is String.Type: "text"
        case is [Double].Type: "a list of numbers"
        default: "\(type)".contains("Distribution") ? "a distribution object like {\"kind\": \"exponential\", \"mean\": 30}" : "\(type)"
        }
    }

    private static func jsonMessage(_ error: any Error) -> String {
        (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
    }
}

/// Everything wrong with a scenario file.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var problems: [FieldProblem]
    public init(_ problems: [FieldProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

extension Scenario {
    /// Runs the scenario with its seed, or `seed` when given; `networks` are the ports' inspection sites (diversion).
    public func run(seed: UInt64? = nil, networks: [DiversionNetwork] = [], progress: (Double) -> Void = { _ in }) throws
        -> SimulationResult
    {
        let seed = seed ?? self.seed
        switch model {
        case .queueing(let m): return m.simulate(name: name, seed: seed, progress: progress)
        case .pickup(let m): return try m.simulate(name: name, seed: seed, start: start, progress: progress)
        case .transit(let m): return try m.simulate(name: name, seed: seed, start: start, progress: progress)
        case .foodApproval(let m): return try m.simulate(name: name, seed: seed, start: start, progress: progress)
        case .diversion(let m): return try m.simulate(name: name, seed: seed, start: start, networks: networks)
        }
    }
}
