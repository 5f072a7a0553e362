import Foundation

/// Turns ``RiskRecord``s into feature columns by a ``RiskSchema``, with profiles and categories learnt from history.
public struct RiskFeatureEncoder: Sendable, Equatable, Codable {
    public var schema: RiskSchema
    /// The discrepancy rate over the whole history, the prior every profile is pulled towards.
    public var prior: Double
    /// Per profile feature: key → (discrepancies, count).
    var profiles: [String: [String: Tally]]
    /// Per category feature: value → category number (from 1; 0 is missing or too rare to split on).
    var categories: [String: [String: Int]]

    /// A key's discrepancies and occurrences in the labelled history.
    struct Tally: Sendable, Equatable, Codable {
        var hits: Double
        var count: Double
    }

    /// One column of the encoded matrix.
    public struct Column: Sendable, Equatable, Codable {
        public var name: String
        /// The schema feature it comes from.
        public var feature: String
        public var categorical: Bool
    }

    public var columns: [Column] {
        schema.features.flatMap { feature -> [Column] in
            switch feature.kind {
            case .profile:
                [.init(name: "\(feature.name) risk", feature: feature.name, categorical: false),
                 .init(name: "\(feature.name) seen", feature: feature.name, categorical: false)]
            case .category: [.init(name: feature.name, feature: feature.name, categorical: true)]
            case .number, .logNumber, .logRatio: [.init(name: feature.name, feature: feature.name, categorical: false)]
            }
        }
    }

    /// The most categories a feature keeps; rarer values share category 0 with missing ones.
    static let maxCategories = 250
    /// A value seen fewer times than this is not a category of its own.
    static let minCategoryCount = 5

    /// Learns profiles and categories from labelled `history`.
    public init(schema: RiskSchema, history: [RiskRecord]) {
        self.schema = schema
        let labelled = history.filter { $0.discrepancy != nil }
        let hits = labelled.reduce(0.0) { $0 + ($1.discrepancy == true ? 1 : 0) }
        prior = labelled.isEmpty ? 0.5 : hits / Double(labelled.count)
        profiles = [:]
        categories = [:]
        for feature in schema.features {
            switch feature.kind {
            case .profile:
                profiles[feature.name] = Self.tally(feature, labelled)
            case .category:
                var counts: [String: Int] = [:]
                for record in history { if let key = feature.key(record) { counts[key, default: 0] += 1 } }
                let kept = counts.filter { $0.value >= Self.minCategoryCount }
                    .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                    .prefix(Self.maxCategories)
                categories[feature.name] = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1.key, $0 + 1) })
            case .number, .logNumber, .logRatio:
                break
            }
        }
    }

    static func tally(_ feature: RiskSchema.Feature, _ records: some Sequence<RiskRecord>) -> [String: Tally] {
        var tallies: [String: Tally] = [:]
        for record in records {
            guard let key = feature.key(record), let hit = record.discrepancy else { continue }
            tallies[key, default: Tally(hits: 0, count: 0)].hits += hit ? 1 : 0
            tallies[key, default: Tally(hits: 0, count: 0)].count += 1
        }
        return tallies
    }

    /// The record's feature values, one per column; NaN where a value is missing.
    public func encode(_ record: RiskRecord) -> [Double] {
        encode(record, profiles: profiles)
    }

    func encode(_ record: RiskRecord, profiles: [String: [String: Tally]]) -> [Double] {
        var row: [Double] = []
        row.reserveCapacity(schema.features.count + 8)
        for feature in schema.features {
            switch feature.kind {
            case .number:
                row.append(record.number(feature.fields[0]) ?? .nan)
            case .logNumber:
                row.append(record.number(feature.fields[0]).map { log1p(max($0, 0)) } ?? .nan)
            case .logRatio:
                if let a = record.number(feature.fields[0]), let b = record.number(feature.fields[1]) {
                    row.append(log1p(max(a, 0) / (1 + max(b, 0))))
                } else {
                    row.append(.nan)
                }
            case .category:
                let code = feature.key(record).flatMap { categories[feature.name]?[$0] } ?? 0
                row.append(Double(code))
            case .profile:
                if let key = feature.key(record) {
                    let tally = profiles[feature.name]?[key] ?? Tally(hits: 0, count: 0)
                    let m = schema.profileSmoothing
                    row.append((tally.hits + m * prior) / (tally.count + m))
                    row.append(log1p(tally.count))
                } else {
                    row.append(.nan)
                    row.append(.nan)
                }
            }
        }
        return row
    }

    /// Encodes the training history itself with each record's profiles learnt from the other folds only, so the
    /// model never sees a profile that already counts the record's own label.
    public func encodeOutOfFold(_ history: [RiskRecord], folds: Int = 5) -> [[Double]] {
        let labelled = history.enumerated().filter { $0.element.discrepancy != nil }
        var rows = [[Double]](repeating: [], count: history.count)
        for fold in 0..<max(folds, 1) {
            var foldProfiles: [String: [String: Tally]] = [:]
            let others = labelled.lazy.filter { $0.offset % folds != fold }.map(\.element)
            for feature in schema.features where feature.kind == .profile {
                foldProfiles[feature.name] = Self.tally(feature, others)
            }
            for (index, record) in history.enumerated() where index % folds == fold {
                rows[index] = encode(record, profiles: foldProfiles)
            }
        }
        return rows
    }

    /// A readable value of `feature` for `record`, for explaining a score.
    public func describe(_ feature: String, in record: RiskRecord) -> String {
        guard let spec = schema.features.first(where: { $0.name == feature }) else { return "" }
        switch spec.kind {
        case .profile:
            let key = spec.key(record)
            let tally = key.flatMap { profiles[feature]?[$0] }
            guard let key, let tally else { return key.map { "\($0): never seen" } ?? "missing" }
            return "\(key): \(Int(tally.hits)) of \(Int(tally.count)) inspected with a discrepancy"
        case .logRatio:
            guard let a = record.number(spec.fields[0]), let b = record.number(spec.fields[1]), b > 0 else { return "missing" }
            return String(format: "%.2f per unit", a / b)
        default:
            return spec.key(record) ?? "missing"
        }
    }
}
