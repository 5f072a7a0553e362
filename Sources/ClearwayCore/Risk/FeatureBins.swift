import Foundation

/// How one column's values map to at most 256 histogram bins; bin 0 holds missing values.
public struct FeatureBins: Sendable, Equatable, Codable {
    /// Upper edges of bins 1…k for a numeric column; a value above the last edge falls in bin k + 1.
    public var edges: [Double]
    /// For a categorical column, the number of categories (values are already category numbers).
    public var categories: Int?

    public var count: Int { categories.map { $0 + 1 } ?? edges.count + 2 }

    /// The most bins a column may have, so a bin fits in a byte.
    static let maxBins = 256

    /// Bins for a numeric column: quantiles of the distinct values seen, at most 254 edges.
    public static func numeric(_ values: [Double]) -> FeatureBins {
        let present = values.filter { !$0.isNaN }.sorted()
        guard !present.isEmpty else { return FeatureBins(edges: [], categories: nil) }
        var distinct: [Double] = []
        var counts: [Int] = []
        for value in present {
            if value == distinct.last { counts[counts.count - 1] += 1 } else {
                distinct.append(value)
                counts.append(1)
            }
        }
        let limit = maxBins - 2
        if distinct.count <= limit + 1 {
            let edges = zip(distinct, distinct.dropFirst()).map { ($0 + $1) / 2 }
            return FeatureBins(edges: edges, categories: nil)
        }
        // Equal-frequency edges over the distinct values, weighted by how often each occurs.
        var edges: [Double] = []
        let perBin = Double(present.count) / Double(limit + 1)
        var cumulative = 0
        var next = perBin
        for i in 0..<(distinct.count - 1) {
            cumulative += counts[i]
            if Double(cumulative) >= next {
                edges.append((distinct[i] + distinct[i + 1]) / 2)
                while next <= Double(cumulative) { next += perBin }
                if edges.count == limit { break }
            }
        }
        return FeatureBins(edges: edges, categories: nil)
    }

    public static func categorical(count: Int) -> FeatureBins {
        FeatureBins(edges: [], categories: min(count, maxBins - 1))
    }

    /// The bin of one value.
    @inline(__always)
    public func bin(_ value: Double) -> UInt8 {
        if value.isNaN { return 0 }
        if let categories {
            let code = Int(value)
            return code >= 1 && code <= categories ? UInt8(code) : 0
        }
        var low = 0
        var high = edges.count
        while low < high {
            let mid = (low + high) / 2
            if edges[mid] < value { low = mid + 1 } else { high = mid }
        }
        return UInt8(low + 1)
    }
}
