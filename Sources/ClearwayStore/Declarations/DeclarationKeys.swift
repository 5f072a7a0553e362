import ClearwayCore
import SQLKit

/// The keys that join a terminal's or carrier's events to declarations: container, bill of lading, vessel and voyage.
public enum DeclarationKeys {
    /// The kinds of key.
    public enum Kind: String, Sendable {
        case container
        case billOfLading = "bill-of-lading"
        case conveyance
        /// The plate of the supervised vehicle carrying the goods to the destination.
        case transferVehicle = "transfer-vehicle"
    }

    /// The conveyance key of a means and voyage, spelled the same way on both sides.
    public static func conveyance(means: String, voyage: String?) -> String {
        "\(means.uppercased())/\((voyage ?? "").uppercased())"
    }

    /// The name a key's `TransactionLock.portKey` is taken by.
    public static func lockName(_ kind: Kind, _ value: String) -> String { "\(kind.rawValue):\(value)" }

    /// Rewrites the keys of one declaration from its state, in the transaction that changed it; a declaration just
    /// lodged (`isNew`) has none to remove.
    /// - Parameter locking: a lock to take, shared, on every key written, in the statement that writes them.
    public static func update(
        _ state: Declaration.State, isNew: Bool = false, locking lock: TransactionLock? = nil, on db: any SQLDatabase
    ) async throws {
        guard let draft = state.draft else { return }
        if !isNew { try await db.raw("DELETE FROM declaration_keys WHERE declaration_id = \(bind: state.id)").run() }
        let open = state.awaitsPortEvents
        var keys: [(Kind, String, Bool)] = draft.containers.map {
            (.container, $0.number.rawValue, state.awaitsEvents(forBox: $0.number.rawValue))
        }
        if let bill = draft.billOfLading { keys.append((.billOfLading, bill, open)) }
        if let means = draft.transport.means {
            keys.append((.conveyance, conveyance(means: means, voyage: draft.transport.voyage), open))
        }
        if let transfer = state.clearance.transfer { keys.append((.transferVehicle, transfer.vehicle.uppercased(), open)) }
        guard !keys.isEmpty else { return }
        var rows = SQLQueryString("")
        for (index, (kind, value, active)) in keys.enumerated() {
            if index > 0 { rows.appendLiteral(", ") }
            rows += "(\(bind: state.id), \(bind: kind.rawValue), \(bind: value), \(bind: active ? 1 : 0))"
        }
        var insert = TransactionLock.insert(
            into: "declaration_keys", columns: ["declaration_id", "kind", "key_value", "active"], rows: rows,
            taking: lock, on: keys.map { lockName($0.0, $0.1) }, shared: true, for: db)
        insert.appendLiteral(" ON CONFLICT (declaration_id, kind, key_value) DO NOTHING")
        try await db.raw(insert).run()
    }

    /// The open declarations a key names (for a container, those whose stay of the box has not ended).
    public static func declarations(_ kind: Kind, _ value: String, on db: any SQLDatabase) async throws -> [String] {
        try await db.raw(
            """
            SELECT declaration_id FROM declaration_keys
            WHERE kind = \(bind: kind.rawValue) AND key_value = \(bind: value) AND active = 1
            ORDER BY declaration_id
            """
        ).all().map { try $0.decode(column: "declaration_id", as: String.self) }
    }
}
