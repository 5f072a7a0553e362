import SQLKit

/// Work that must not run in two transactions at once, on any node. On PostgreSQL a transaction takes an advisory
/// lock on the kind and key, held until it ends; on SQLite there is nothing to take, its one writer already runs
/// transactions one at a time.
public enum TransactionLock: Int32, Sendable {
    /// Planning one port's inspection diversion.
    case diversionPlanning = 7_242_020
    /// Recording, replacing or retracting one sender's event (the key names the source and the event).
    case portEvent = 7_242_021
    /// Joining port events and declarations by one key (a box, a conveyance, a bill of lading): a lodgement reading the
    /// events that came before it and an event reading the declarations that name it take turns, so that neither
    /// misses the other when both commit at once.
    case portKey = 7_242_022

    public func take(_ key: String, dialect: Dialect, on db: any SQLDatabase) async throws {
        try await take(all: [key], dialect: dialect, on: db)
    }

    /// Takes the lock on every key in one statement, in one order for every transaction, so that two transactions
    /// wanting some of the same keys never each hold one the other waits for. Shared locks wait only for exclusive
    /// ones: transactions that need only not to miss the exclusive holders' work do not wait for each other.
    public func take(all keys: [String], shared: Bool = false, dialect: Dialect, on db: any SQLDatabase) async throws {
        guard dialect == .postgres, !keys.isEmpty else { return }
        let hashed = Set(keys.map { key in
            Int32(bitPattern: key.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 })
        }).sorted()
        var query = SQLQueryString("SELECT \(unsafeRaw: shared ? "pg_advisory_xact_lock_shared" : "pg_advisory_xact_lock")(\(bind: rawValue), k) FROM (VALUES ")
        for (index, key) in hashed.enumerated() {
            if index > 0 { query.appendLiteral(", ") }
            query += "(\(bind: key))"
        }
        query.appendLiteral(") AS keys(k)")
        try await db.raw(query).run()
    }
}
