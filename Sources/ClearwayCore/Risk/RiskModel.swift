import Foundation

/// A learned risk model: the feature encoder, the bins and the trees, saved and loaded as one JSON file.
public struct RiskModel: Sendable, Equatable, Codable {
    /// Bumped when the file layout changes, so an old file is refused rather than misread.
    public static let formatVersion = 1
    public var format: Int
    public var encoder: RiskFeatureEncoder
    public var bins: [FeatureBins]
    public var trees: BoostedTrees
    public var parameters: BoostedTrees.Parameters
    /// How many labelled records the model learnt from, and their discrepancy rate.
    public var trainedOn: Int

    /// A score with what drove it, for the officer who reads it.
    public struct Score: Sendable, Equatable, Codable {
        /// Probability that an inspection would find a discrepancy.
        public var probability: Double
        public var reasons: [Reason]
    }

    /// One feature's push on a score, in log-odds; positive raises the risk.
    public struct Reason: Sendable, Equatable, Codable {
        public var feature: String
        public var value: String
        public var contribution: Double
    }

    /// Learns a model from labelled history (records without a label are ignored).
    public static func train(_ history: [RiskRecord], schema: RiskSchema = .standard,
                             parameters: BoostedTrees.Parameters = .init(),
                             progress: (Int) -> Void = { _ in }) -> RiskModel {
        let labelled = history.filter { $0.discrepancy != nil }
        let encoder = RiskFeatureEncoder(schema: schema, history: labelled)
        let rows = encoder.encodeOutOfFold(labelled)
        let columns = encoder.columns
        let categoryCounts = Dictionary(uniqueKeysWithValues: encoder.categories.map { ($0.key, $0.value.count) })
        var bins: [FeatureBins] = []
        var binned: [[UInt8]] = []
        for (c, column) in columns.enumerated() {
            let values = rows.map { $0[c] }
            let mapping = column.categorical
                ? FeatureBins.categorical(count: categoryCounts[column.feature] ?? 0)
                : FeatureBins.numeric(values)
            bins.append(mapping)
            binned.append(values.map(mapping.bin))
        }
        let trees = BoostedTrees.train(bins: binned, binCounts: bins.map(\.count), categorical: columns.map(\.categorical),
                                       labels: labelled.map { $0.discrepancy == true }, parameters: parameters,
                                       progress: progress)
        return RiskModel(format: formatVersion, encoder: encoder, bins: bins, trees: trees, parameters: parameters,
                         trainedOn: labelled.count)
    }

    /// The record as the trees see it: one bin per column.
    public func binned(_ record: RiskRecord) -> [UInt8] {
        let row = encoder.encode(record)
        return zip(row, bins).map { $1.bin($0) }
    }

    /// The probability that an inspection of this record would find a discrepancy.
    public func probability(_ record: RiskRecord) -> Double {
        sigmoid(trees.logit(binned(record)))
    }

    /// The probability with the `top` features that raised it most.
    public func score(_ record: RiskRecord, top: Int = 3) -> Score {
        let row = binned(record)
        let columns = encoder.columns
        let credit = trees.contributions(row, columns: columns.count)
        var byFeature: [String: Double] = [:]
        for (c, column) in columns.enumerated() { byFeature[column.feature, default: 0] += credit[c] }
        let reasons = byFeature.filter { $0.value > 0 }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(top)
            .map { Reason(feature: $0.key, value: encoder.describe($0.key, in: record), contribution: $0.value) }
        return Score(probability: sigmoid(trees.logit(row)), reasons: Array(reasons))
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Reads a model file, refusing one written in another format.
    public static func decode(_ data: Data) throws(ClearanceError) -> RiskModel {
        let model: RiskModel
        do { model = try JSONDecoder().decode(RiskModel.self, from: data) } catch {
            throw .invalid(ValidationFailure([FieldIssue("", "model-unreadable",
                                                         "not a Clearway risk model: \(error)")]))
        }
        guard model.format == formatVersion else {
            throw .invalid(ValidationFailure([FieldIssue("/format", "model-format",
                                                         "model format \(model.format); this build reads \(formatVersion)")]))
        }
        return model
    }
}
