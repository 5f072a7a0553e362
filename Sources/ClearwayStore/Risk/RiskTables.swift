import ClearwayCore
import Foundation
import SQLKit

/// Targeting rules by version, the daily random-selection seeds, and inspection results (the model's labels).
public enum RiskTables {
    public static func insert(_ rule: RiskRule, by author: String, at date: Date, on db: any SQLDatabase) async throws {
        let json = try CanonicalJSON.encoder().encodeToString(rule)
        do {
            try await db.raw(
                """
                INSERT INTO risk_rules (id, version, name, rule, effective_from, effective_until, authored_by, authored_at)
                VALUES (\(bind: rule.id), \(bind: rule.version), \(bind: rule.name), \(bind: json),
                    \(bind: rule.effectiveFrom.timestamp), \(bind: rule.effectiveUntil?.timestamp), \(bind: author),
                    \(bind: date.timestamp))
                """
            ).run()
        } catch where Dialect.isUniqueViolation(error) {
            throw StoreError.duplicate("risk rule \(rule.id) version \(rule.version)")
        }
    }

    /// Every version of every rule, oldest version first.
    public static func rules(on db: any SQLDatabase) async throws -> [RiskRule] {
        let decoder = CanonicalJSON.decoder()
        return try await db.raw("SELECT rule FROM risk_rules ORDER BY id, version").all().map {
            try decoder.decode(RiskRule.self, from: Data(try $0.decode(column: "rule", as: String.self).utf8))
        }
    }

    /// How many rule versions exist: rules are only ever added (a change is a new version), so the count tells
    /// whether decoded rules are still current.
    public static func count(on db: any SQLDatabase) async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM risk_rules").first()!.decode(column: "n", as: Int.self)
    }

    public static func latestVersion(of id: String, on db: any SQLDatabase) async throws -> Int? {
        try await db.raw("SELECT MAX(version) AS v FROM risk_rules WHERE id = \(bind: id)").first()?
            .decode(column: "v", as: Int?.self)
    }

    /// The day's seed, made by `make` and stored on first use; concurrent first uses agree on one.
    public static func seed(day: String, make: () -> Data, at date: Date, on db: any SQLDatabase) async throws -> Data {
        let fresh = make()
        let hex = Hex.encode(fresh)
        try await db.raw(
            """
            INSERT INTO random_seeds (day, seed, commitment, created_at)
            VALUES (\(bind: day), \(bind: hex), \(bind: RandomSelection.commitment(fresh)), \(bind: date.timestamp))
            ON CONFLICT (day) DO NOTHING
            """
        ).run()
        let stored = try await db.raw("SELECT seed FROM random_seeds WHERE day = \(bind: day)").first()!
            .decode(column: "seed", as: String.self)
        return Data(Hex.decode(stored) ?? [])
    }

    /// A day's seed record: its commitment always, the seed itself for the caller to reveal or not.
    public static func seedRecord(day: String, on db: any SQLDatabase) async throws -> (seed: Data, commitment: String)? {
        guard let row = try await db.raw("SELECT seed, commitment FROM random_seeds WHERE day = \(bind: day)").first() else {
            return nil
        }
        return (Data(Hex.decode(try row.decode(column: "seed", as: String.self)) ?? []), try row.decode(column: "commitment", as: String.self))
    }

    /// Rewrites a declaration's inspection orders, in the transaction that changed them; orders a new decision
    /// replaced are dropped, results stay.
    public static func record(_ state: Declaration.State, on db: any SQLDatabase) async throws {
        guard let draft = state.draft, let number = state.customsNumber?.rawValue else { return }
        try await db.raw("DELETE FROM inspection_orders WHERE declaration_id = \(bind: state.id) AND outcome IS NULL").run()
        let offices = Set([draft.declarationOffice, draft.entryExitOffice] + (draft.destinationOffice.map { [$0] } ?? []))
            .map(\.rawValue).sorted().joined(separator: " ")
        for order in state.clearance.inspections {
            try await db.raw(
                """
                INSERT INTO inspection_orders (declaration_id, order_no, party_id, customs_number, offices, kind, place, officer,
                    ordered_at, outcome, completed_at, green_channel)
                VALUES (\(bind: state.id), \(bind: order.number), \(bind: draft.tradingParty.id), \(bind: number), \(bind: offices),
                    \(bind: order.kind.rawValue), \(bind: order.place.rawValue), \(bind: order.officer),
                    \(bind: order.orderedAt.timestamp), \(bind: order.outcome?.rawValue), \(bind: order.completedAt?.timestamp),
                    \(bind: state.clearance.selection?.greenChannel == true ? 1 : 0))
                ON CONFLICT (declaration_id, order_no) DO UPDATE SET outcome = excluded.outcome,
                    completed_at = excluded.completed_at, officer = excluded.officer
                """
            ).run()
        }
    }

    /// An open inspection order as a queue shows it.
    public struct QueuedOrder: Sendable, Equatable {
        public var declarationID: String
        public var customsNumber: String
        public var number: Int
        public var kind: String
        public var place: String
        public var officer: String?
        public var orderedAt: Date
        public var offices: [String]
        public var greenChannel: Bool
        /// The boxes the diversion board holds for this order.
        public var boxes: [DiversionBox.State] = []
    }

    /// Open orders, oldest first, optionally of one kind.
    public static func openOrders(kind: String?, limit: Int, on db: any SQLDatabase) async throws -> [QueuedOrder] {
        var sql = SQLQueryString(
            "SELECT declaration_id, customs_number, order_no, kind, place, officer, ordered_at, offices, green_channel FROM inspection_orders WHERE outcome IS NULL")
        if let kind { sql += " AND kind = \(bind: kind)" }
        // Green-channel goods (fresh produce) go first, then oldest first.
        sql += " ORDER BY green_channel DESC, ordered_at, declaration_id, order_no LIMIT \(bind: limit)"
        return try await db.raw(sql).all().map { row in
            QueuedOrder(
                declarationID: try row.decode(column: "declaration_id", as: String.self),
                customsNumber: try row.decode(column: "customs_number", as: String.self),
                number: try row.decode(column: "order_no", as: Int.self),
                kind: try row.decode(column: "kind", as: String.self),
                place: try row.decode(column: "place", as: String.self),
                officer: try row.decode(column: "officer", as: String?.self),
                orderedAt: Timestamp.parse(try row.decode(column: "ordered_at", as: String.self)) ?? .distantPast,
                offices: try row.decode(column: "offices", as: String.self).split(separator: " ").map(String.init),
                greenChannel: try row.decode(column: "green_channel", as: Int.self) == 1)
        }
    }

    /// How many of a party's declarations had an inspection that found a discrepancy.
    public static func discrepancies(party: String, on db: any SQLDatabase) async throws -> Int {
        try await db.raw(
            """
            SELECT COUNT(DISTINCT declaration_id) AS n FROM inspection_orders
            WHERE party_id = \(bind: party) AND outcome IS NOT NULL AND outcome <> \(bind: InspectionOutcome.noDiscrepancy.rawValue)
            """
        ).first()!.decode(column: "n", as: Int.self)
    }

    /// The ids of declarations with a recorded inspection result, and whether any found a discrepancy.
    public static func labels(on db: any SQLDatabase) async throws -> [(declarationID: String, discrepancy: Bool)] {
        try await db.raw(
            """
            SELECT declaration_id, MAX(CASE WHEN outcome <> \(bind: InspectionOutcome.noDiscrepancy.rawValue) THEN 1 ELSE 0 END) AS hit
            FROM inspection_orders WHERE outcome IS NOT NULL GROUP BY declaration_id ORDER BY declaration_id
            """
        ).all().map { (try $0.decode(column: "declaration_id", as: String.self), try $0.decode(column: "hit", as: Int.self) == 1) }
    }
}
