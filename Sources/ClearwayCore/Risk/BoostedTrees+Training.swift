import Foundation

extension BoostedTrees {
    /// How a model is grown; the defaults follow LightGBM's where there is one.
    public struct Parameters: Sendable, Equatable, Codable {
        public var rounds = 300
        public var learningRate = 0.05
        public var leaves = 63
        public var minRowsInLeaf = 20
        public var minHessianInLeaf = 1e-3
        /// L2 penalty on leaf values.
        public var l2 = 1.0
        /// Extra L2 penalty and smoothing for categorical splits, which overfit more easily.
        public var categoricalL2 = 10.0
        public var categoricalSmoothing = 10.0
        /// The most categories one side of a categorical split may list.
        public var maxCategoriesPerSplit = 32
        /// A category needs this many rows in a node to be ordered on its own.
        public var minRowsPerCategory = 50
        public init() {}
    }

    /// Grows a model for binary labels on column-major binned features (`bins[column][row]`), with logistic loss.
    ///
    /// Histogram-based and leaf-wise: each round builds per-bin gradient sums for the smaller child of a split
    /// and gets the larger one by subtraction; numeric splits try missing values on either side; categorical
    /// splits order categories by gradient over hessian and cut that order (Fisher's method, as LightGBM does).
    public static func train(bins: [[UInt8]], binCounts: [Int], categorical: [Bool], labels: [Bool],
                             parameters: Parameters = Parameters(),
                             progress: (Int) -> Void = { _ in }) -> BoostedTrees {
        var grower = TreeGrower(bins: bins, binCounts: binCounts, categorical: categorical, parameters: parameters)
        let n = labels.count
        let y = labels.map { $0 ? 1.0 : 0.0 }
        let positive = y.reduce(0, +)
        let rate = min(max(positive / Double(max(n, 1)), 1e-6), 1 - 1e-6)
        let base = log(rate / (1 - rate))
        var score = [Double](repeating: base, count: n)
        var trees: [Tree] = []
        for round in 0..<parameters.rounds {
            for i in 0..<n {
                let p = sigmoid(score[i])
                grower.gradients[i] = p - y[i]
                grower.hessians[i] = max(p * (1 - p), 1e-16)
            }
            let tree = grower.grow()
            trees.append(tree.tree)
            for (leafIndex, rows) in tree.leafRows {
                let value = tree.tree.nodes[leafIndex].value
                for row in rows { score[Int(row)] += value }
            }
            progress(round + 1)
        }
        return BoostedTrees(base: base, trees: trees)
    }
}

/// Grows one tree at a time over fixed binned data; gradients and hessians are set before each tree.
struct TreeGrower {
    let bins: [[UInt8]]
    let binCounts: [Int]
    let categorical: [Bool]
    let parameters: BoostedTrees.Parameters
    var gradients: [Double]
    var hessians: [Double]
    private var order: [Int32]
    private var scratch: [Int32]
    /// Histogram buffers of finished trees, reused so a tree allocates none after the first.
    private var pool: [Histogram] = []

    init(bins: [[UInt8]], binCounts: [Int], categorical: [Bool], parameters: BoostedTrees.Parameters) {
        self.bins = bins
        self.binCounts = binCounts
        self.categorical = categorical
        self.parameters = parameters
        let n = bins.first?.count ?? 0
        gradients = [Double](repeating: 0, count: n)
        hessians = [Double](repeating: 0, count: n)
        order = (0..<Int32(n)).map { $0 }
        scratch = order
    }

    /// A histogram: for each column and bin, the sum of gradients, of hessians and the row count.
    typealias Histogram = [Double]
    static let stride = 256 * 3

    struct Split {
        var gain: Double
        var column: Int
        var threshold: Int
        var missingLeft: Bool
        var categories: [UInt64]?
        var left: (g: Double, h: Double, n: Double)
        var right: (g: Double, h: Double, n: Double)
    }

    struct Leaf {
        var node: Int
        var start: Int
        var count: Int
        var g: Double
        var h: Double
        var depth: Int
        var histogram: Histogram
        var split: Split?
    }

    mutating func grow() -> (tree: BoostedTrees.Tree, leafRows: [(Int, ArraySlice<Int32>)]) {
        let n = order.count
        for i in 0..<n { order[i] = Int32(i) }
        var g = 0.0, h = 0.0
        for i in 0..<n { g += gradients[i]; h += hessians[i] }
        var nodes = [BoostedTrees.Node.leaf(leafValue(g, h))]
        let rootHistogram = histogram(start: 0, count: n)
        var root = Leaf(node: 0, start: 0, count: n, g: g, h: h, depth: 0, histogram: rootHistogram, split: nil)
        root.split = bestSplit(root)
        var leaves = [root]
        while leaves.count < parameters.leaves {
            guard let best = leaves.indices.filter({ leaves[$0].split != nil })
                .max(by: { leaves[$0].split!.gain < leaves[$1].split!.gain }) else { break }
            var parent = leaves[best]
            leaves[best].histogram = []
            let split = parent.split!
            let leftCount = partition(parent, split)
            let leftNode = nodes.count
            nodes.append(.leaf(leafValue(split.left.g, split.left.h)))
            nodes.append(.leaf(leafValue(split.right.g, split.right.h)))
            nodes[parent.node].column = split.column
            nodes[parent.node].threshold = split.threshold
            nodes[parent.node].missingLeft = split.missingLeft
            nodes[parent.node].categories = split.categories
            nodes[parent.node].left = leftNode
            nodes[parent.node].right = leftNode + 1
            var left = Leaf(node: leftNode, start: parent.start, count: leftCount, g: split.left.g, h: split.left.h,
                            depth: parent.depth + 1, histogram: [], split: nil)
            var right = Leaf(node: leftNode + 1, start: parent.start + leftCount, count: parent.count - leftCount,
                             g: split.right.g, h: split.right.h, depth: parent.depth + 1, histogram: [], split: nil)
            // The smaller child is counted; the larger is the parent's histogram minus it, in the parent's buffer.
            if left.count <= right.count {
                left.histogram = histogram(start: left.start, count: left.count)
                Self.subtract(&parent.histogram, left.histogram)
                right.histogram = parent.histogram
            } else {
                right.histogram = histogram(start: right.start, count: right.count)
                Self.subtract(&parent.histogram, right.histogram)
                left.histogram = parent.histogram
            }
            parent.histogram = []
            left.split = bestSplit(left)
            right.split = bestSplit(right)
            leaves[best] = left
            leaves.append(right)
        }
        let rows = leaves.map { ($0.node, order[$0.start..<($0.start + $0.count)]) }
        for leaf in leaves where !leaf.histogram.isEmpty { pool.append(leaf.histogram) }
        return (BoostedTrees.Tree(nodes: nodes), rows)
    }

    func leafValue(_ g: Double, _ h: Double) -> Double {
        -g / (h + parameters.l2) * parameters.learningRate
    }

    mutating func histogram(start: Int, count: Int) -> Histogram {
        var hist: Histogram
        if var reused = pool.popLast() {
            reused.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            hist = reused
        } else {
            hist = Histogram(repeating: 0, count: bins.count * Self.stride)
        }
        hist.withUnsafeMutableBufferPointer { out in
            order.withUnsafeBufferPointer { rows in
                gradients.withUnsafeBufferPointer { g in
                    hessians.withUnsafeBufferPointer { h in
                        for column in 0..<bins.count {
                            bins[column].withUnsafeBufferPointer { b in
                                let offset = column * Self.stride
                                for k in start..<(start + count) {
                                    let row = Int(rows[k])
                                    let slot = offset + Int(b[row]) * 3
                                    out[slot] += g[row]
                                    out[slot + 1] += h[row]
                                    out[slot + 2] += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return hist
    }

    static func subtract(_ parent: inout Histogram, _ child: Histogram) {
        parent.withUnsafeMutableBufferPointer { r in
            child.withUnsafeBufferPointer { c in
                for i in 0..<r.count { r[i] -= c[i] }
            }
        }
    }

    /// Moves the leaf's rows that go left to the front of its range; returns how many went left.
    mutating func partition(_ leaf: Leaf, _ split: Split) -> Int {
        let column = bins[split.column]
        let node = BoostedTrees.Node(column: split.column, threshold: split.threshold, missingLeft: split.missingLeft,
                                     categories: split.categories, left: 0, right: 0, value: 0)
        var left = leaf.start
        var right = 0
        for k in leaf.start..<(leaf.start + leaf.count) {
            let row = order[k]
            if node.goesLeft(column[Int(row)]) {
                order[left] = row
                left += 1
            } else {
                scratch[right] = row
                right += 1
            }
        }
        for k in 0..<right { order[left + k] = scratch[k] }
        return left - leaf.start
    }

    func score(_ g: Double, _ h: Double, _ l2: Double) -> Double { g * g / (h + l2) }

    func bestSplit(_ leaf: Leaf) -> Split? {
        let p = parameters
        guard leaf.count >= 2 * p.minRowsInLeaf else { return nil }
        var best: Split?
        leaf.histogram.withUnsafeBufferPointer { hist in
            for column in 0..<bins.count {
                let offset = column * Self.stride
                let split = categorical[column]
                    ? categoricalSplit(hist, offset: offset, column: column, leaf: leaf)
                    : numericSplit(hist, offset: offset, column: column, leaf: leaf)
                if let split, split.gain > (best?.gain ?? 1e-12) { best = split }
            }
        }
        return best
    }

    func allowed(_ side: (g: Double, h: Double, n: Double)) -> Bool {
        side.n >= Double(parameters.minRowsInLeaf) && side.h >= parameters.minHessianInLeaf
    }

    func numericSplit(_ hist: UnsafeBufferPointer<Double>, offset: Int, column: Int, leaf: Leaf) -> Split? {
        let count = binCounts[column]
        guard count > 2 else { return nil }
        let l2 = parameters.l2
        let parentScore = score(leaf.g, leaf.h, l2)
        let missing = (g: hist[offset], h: hist[offset + 1], n: hist[offset + 2])
        var best: Split?
        var acc = (g: 0.0, h: 0.0, n: 0.0)
        for threshold in 1..<(count - 1) {
            let slot = offset + threshold * 3
            acc.g += hist[slot]
            acc.h += hist[slot + 1]
            acc.n += hist[slot + 2]
            for missingLeft in [false, true] {
                let left = missingLeft ? (g: acc.g + missing.g, h: acc.h + missing.h, n: acc.n + missing.n) : acc
                let right = (g: leaf.g - left.g, h: leaf.h - left.h, n: Double(leaf.count) - left.n)
                guard allowed(left), allowed(right) else { continue }
                let gain = score(left.g, left.h, l2) + score(right.g, right.h, l2) - parentScore
                if gain > (best?.gain ?? 0) {
                    best = Split(gain: gain, column: column, threshold: threshold, missingLeft: missingLeft,
                                 categories: nil, left: left, right: right)
                }
                if missing.n == 0 { break }
            }
        }
        return best
    }

    func categoricalSplit(_ hist: UnsafeBufferPointer<Double>, offset: Int, column: Int, leaf: Leaf) -> Split? {
        let p = parameters
        let l2 = p.l2 + p.categoricalL2
        let parentScore = score(leaf.g, leaf.h, l2)
        var candidates: [(bin: Int, ratio: Double)] = []
        for bin in 0..<binCounts[column] {
            let slot = offset + bin * 3
            guard hist[slot + 2] >= Double(p.minRowsPerCategory) else { continue }
            candidates.append((bin, hist[slot] / (hist[slot + 1] + p.categoricalSmoothing)))
        }
        guard candidates.count >= 2 else { return nil }
        candidates.sort { $0.ratio < $1.ratio }
        var best: Split?
        for ordering in [candidates, candidates.reversed()] {
            var acc = (g: 0.0, h: 0.0, n: 0.0)
            var set = [UInt64](repeating: 0, count: 4)
            for (k, candidate) in ordering.enumerated() where k < min(p.maxCategoriesPerSplit, ordering.count - 1) {
                let slot = offset + candidate.bin * 3
                acc.g += hist[slot]
                acc.h += hist[slot + 1]
                acc.n += hist[slot + 2]
                set[candidate.bin >> 6] |= 1 << UInt64(candidate.bin & 63)
                let right = (g: leaf.g - acc.g, h: leaf.h - acc.h, n: Double(leaf.count) - acc.n)
                guard allowed(acc), allowed(right) else { continue }
                let gain = score(acc.g, acc.h, l2) + score(right.g, right.h, l2) - parentScore
                if gain > (best?.gain ?? 0) {
                    best = Split(gain: gain, column: column, threshold: 0, missingLeft: false, categories: set,
                                 left: acc, right: right)
                }
            }
        }
        return best
    }
}
