import Foundation

/// A gradient-boosted ensemble of binary decision trees over binned features, scoring log-odds.
public struct BoostedTrees: Sendable, Equatable, Codable {
    /// The log-odds every score starts from (the base rate).
    public var base: Double
    public var trees: [Tree]

    /// One tree, its nodes in an array with the root first.
    public struct Tree: Sendable, Equatable, Codable {
        public var nodes: [Node]
    }

    /// A split or a leaf. `value` is the tree's output for the rows that reach the node, used to attribute
    /// a score to the features on its path.
    public struct Node: Sendable, Equatable, Codable {
        public var column: Int
        /// Numeric split: bins 1…threshold go left.
        public var threshold: Int
        public var missingLeft: Bool
        /// Categorical split: a 256-bit set of the bins that go left.
        public var categories: [UInt64]?
        public var left: Int
        public var right: Int
        public var value: Double

        public var isLeaf: Bool { left < 0 }

        @inline(__always)
        func goesLeft(_ bin: UInt8) -> Bool {
            if let categories {
                return categories[Int(bin >> 6)] & (1 << UInt64(bin & 63)) != 0
            }
            return bin == 0 ? missingLeft : Int(bin) <= threshold
        }

        static func leaf(_ value: Double) -> Node {
            Node(column: -1, threshold: 0, missingLeft: false, categories: nil, left: -1, right: -1, value: value)
        }
    }

    /// The log-odds of a discrepancy for one row of bins.
    public func logit(_ bins: [UInt8]) -> Double {
        var sum = base
        for tree in trees {
            var index = 0
            while !tree.nodes[index].isLeaf {
                let node = tree.nodes[index]
                index = node.goesLeft(bins[node.column]) ? node.left : node.right
            }
            sum += tree.nodes[index].value
        }
        return sum
    }

    /// How much each column moved the log-odds away from the base rate for this row (Saabas attribution: each
    /// split's change of node value is credited to the column it splits on); the entries add up to logit − base.
    public func contributions(_ bins: [UInt8], columns: Int) -> [Double] {
        var credit = [Double](repeating: 0, count: columns)
        for tree in trees {
            var index = 0
            while !tree.nodes[index].isLeaf {
                let node = tree.nodes[index]
                let next = node.goesLeft(bins[node.column]) ? node.left : node.right
                credit[node.column] += tree.nodes[next].value - node.value
                index = next
            }
        }
        // The roots' own values are the trees' averages; spread nothing for them, they belong to the base.
        return credit
    }

    /// The sum of the roots' values: what every row gets before any split.
    public var rootTotal: Double { trees.reduce(0) { $0 + ($1.nodes.first?.value ?? 0) } }
}

@inline(__always)
func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
