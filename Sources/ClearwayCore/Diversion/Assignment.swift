import Foundation

/// The linear sum assignment problem: give each row (a box) its own column (a slot) so the summed cost is least.
///
/// Exact: the shortest augmenting path method with dual potentials (Jonker–Volgenant; Crouse 2016, the algorithm
/// scipy's `linear_sum_assignment` uses), O(rows² × columns). A forbidden pairing is `.infinity`.
public enum Assignment {
    /// Why an assignment could not be made.
    public enum Failure: Error, Equatable, Sendable {
        /// More rows than columns: some row would have no column.
        case moreRowsThanColumns(rows: Int, columns: Int)
        /// The forbidden pairings leave this row (0-based) without a column the others have not taken.
        case infeasible(row: Int)
        case notFinite(row: Int, column: Int)
    }

    /// The optimum: `columnOf[row]` for each row, and the summed cost.
    public struct Solution: Sendable, Equatable {
        public var columnOf: [Int]
        public var cost: Double
    }

    /// Solves a `rows × columns` problem whose costs are stored row by row; needs `rows ≤ columns`.
    public static func solve(rows: Int, columns: Int, costs: [Double]) throws(Failure) -> Solution {
        precondition(costs.count == rows * columns, "costs must hold rows × columns values")
        guard rows <= columns else { throw .moreRowsThanColumns(rows: rows, columns: columns) }
        if rows == 0 { return Solution(columnOf: [], cost: 0) }
        for (index, cost) in costs.enumerated() where cost.isNaN || cost == -.infinity {
            throw .notFinite(row: index / columns, column: index % columns)
        }
        var columnOf = [Int](repeating: -1, count: rows)
        let failedRow: Int? = costs.withUnsafeBufferPointer { cost in
            columnOf.withUnsafeMutableBufferPointer { col4row in
                Solver(rows: rows, columns: columns, cost: cost, col4row: col4row).run()
            }
        }
        if let failedRow { throw .infeasible(row: failedRow) }
        var total = 0.0
        for row in 0..<rows { total += costs[row * columns + columnOf[row]] }
        return Solution(columnOf: columnOf, cost: total)
    }

    /// The working arrays of one solve; kept together so the inner loop reads raw buffers.
    private struct Solver {
        let rows: Int
        let columns: Int
        let cost: UnsafeBufferPointer<Double>
        let col4row: UnsafeMutableBufferPointer<Int>

        func run() -> Int? {
            let n = columns
            var u = [Double](repeating: 0, count: rows)
            var v = [Double](repeating: 0, count: n)
            var shortest = [Double](repeating: .infinity, count: n)
            var path = [Int](repeating: -1, count: n)
            var row4col = [Int](repeating: -1, count: n)
            var visitedRow = [Bool](repeating: false, count: rows)
            var visitedColumn = [Bool](repeating: false, count: n)
            var remaining = [Int](repeating: 0, count: n)
            for current in 0..<rows {
                // Dijkstra-like search over reduced costs from the current row to a free column.
                for k in 0..<n { remaining[k] = n - k - 1 }
                for k in 0..<rows { visitedRow[k] = false }
                for k in 0..<n {
                    visitedColumn[k] = false
                    shortest[k] = .infinity
                }
                var minimum = 0.0
                var remainingCount = n
                var sink = -1
                var row = current
                while sink == -1 {
                    visitedRow[row] = true
                    var lowest = Double.infinity
                    var index = -1
                    let base = row * n
                    let ur = u[row]
                    for k in 0..<remainingCount {
                        let j = remaining[k]
                        let reduced = minimum + cost[base + j] - ur - v[j]
                        if reduced < shortest[j] {
                            path[j] = row
                            shortest[j] = reduced
                        }
                        if shortest[j] < lowest || (shortest[j] == lowest && row4col[j] == -1) {
                            lowest = shortest[j]
                            index = k
                        }
                    }
                    minimum = lowest
                    if minimum == .infinity { return current }
                    let j = remaining[index]
                    if row4col[j] == -1 { sink = j } else { row = row4col[j] }
                    visitedColumn[j] = true
                    remainingCount -= 1
                    remaining[index] = remaining[remainingCount]
                }
                // Update the potentials so reduced costs stay non-negative, then flip the augmenting path.
                u[current] += minimum
                for i in 0..<rows where visitedRow[i] && i != current {
                    u[i] += minimum - shortest[col4row[i]]
                }
                for j in 0..<n where visitedColumn[j] {
                    v[j] -= minimum - shortest[j]
                }
                var j = sink
                while true {
                    let i = path[j]
                    row4col[j] = i
                    let previous = col4row[i]
                    col4row[i] = j
                    j = previous
                    if i == current { break }
                }
            }
            return nil
        }
    }
}
