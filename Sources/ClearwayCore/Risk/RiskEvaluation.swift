import Foundation

/// How well scores rank labelled records: the share of true discrepancies among the top-scored n%, and AUC.
public struct RiskEvaluation: Sendable, Equatable {
    public var records: Int
    public var discrepancyRate: Double
    /// Precision among the top n% by score, keyed by n.
    public var precisionAt: [(percent: Double, precision: Double)]
    /// Share of all revenue at risk found in the top n%, where records carry an amount.
    public var revenueAt: [(percent: Double, share: Double)]
    public var auc: Double

    public static func == (a: RiskEvaluation, b: RiskEvaluation) -> Bool {
        a.records == b.records && a.auc == b.auc && a.precisionAt.map(\.precision) == b.precisionAt.map(\.precision)
    }

    /// Evaluates `scores` against `labels`; `revenue` (the amount a discrepancy would recover) is optional.
    public init(scores: [Double], labels: [Bool], revenue: [Double]? = nil, percents: [Double] = [1, 2, 5, 10]) {
        precondition(scores.count == labels.count)
        records = scores.count
        let positives = labels.filter { $0 }.count
        discrepancyRate = records == 0 ? 0 : Double(positives) / Double(records)
        // Ties broken by position so the ranking is deterministic.
        let ranked = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        precisionAt = percents.map { percent in
            let n = max(1, Int((Double(ranked.count) * percent / 100).rounded(.down)))
            let hits = ranked.prefix(n).filter { labels[$0] }.count
            return (percent, Double(hits) / Double(n))
        }
        if let revenue, revenue.contains(where: { $0 > 0 }) {
            let total = zip(revenue, labels).reduce(0.0) { $0 + ($1.1 ? $1.0 : 0) }
            revenueAt = percents.map { percent in
                let n = max(1, Int((Double(ranked.count) * percent / 100).rounded(.down)))
                let found = ranked.prefix(n).reduce(0.0) { $0 + (labels[$1] ? revenue[$1] : 0) }
                return (percent, total > 0 ? found / total : 0)
            }
        } else {
            revenueAt = []
        }
        auc = Self.auc(scores: scores, labels: labels)
    }

    /// Area under the ROC curve by the rank-sum (Mann–Whitney) formula, ties given their average rank.
    static func auc(scores: [Double], labels: [Bool]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var ranks = [Double](repeating: 0, count: scores.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = rank }
            i = j + 1
        }
        let positives = Double(labels.filter { $0 }.count)
        let negatives = Double(labels.count) - positives
        guard positives > 0, negatives > 0 else { return .nan }
        let rankSum = zip(ranks, labels).reduce(0.0) { $0 + ($1.1 ? $1.0 : 0) }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }

    /// One line per figure, e.g. `precision@5%: 0.771`.
    public var lines: [String] {
        var out = ["records: \(records)", String(format: "discrepancy rate: %.3f", discrepancyRate)]
        for (percent, precision) in precisionAt { out.append(String(format: "precision@%g%%: %.3f", percent, precision)) }
        for (percent, share) in revenueAt { out.append(String(format: "revenue@%g%%: %.3f", percent, share)) }
        out.append(String(format: "auc: %.3f", auc))
        return out
    }
}
