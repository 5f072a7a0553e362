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
    /// Giving one table's committed rows their places in the order their readers follow (`Placement`; the key is the
    /// table).
    case placing = 7_242_023

    public func take(_ key: String, on db: any SQLDatabase) async throws {
        try await take(all: [key], on: db)
    }

    /// Takes the lock on every key in one statement, in one order for every transaction, so that two transactions
    /// wanting some of the same keys never each hold one the other waits for. Shared locks wait only for exclusive
    /// ones: transactions that need only not to miss the exclusive holders' work do not wait for each other.
    public func take(all keys: [String], shared: Bool = false, on db: any SQLDatabase) async throws {
        guard Dialect(of: db) == .postgres, !keys.isEmpty else { return }
        try await db.raw("SELECT \(taking(keys, shared: shared)) AS taken").run()
    }

    /// `INSERT INTO table (columns) VALUES rows` that also takes `lock` on every key, as `take` does, on PostgreSQL: a
    /// round trip fewer for a transaction with rows to write anyway. The lock is held once the statement ends, so the
    /// transaction's next statement reads what an exclusive holder committed; SQLite gets the plain insert.
    public static func insert(
        into table: String, columns: [String], rows: SQLQueryString, taking lock: TransactionLock?, on keys: [String],
        shared: Bool = false, for db: any SQLDatabase
    ) -> SQLQueryString {
        let names = columns.joined(separator: ", ")
        guard let lock, Dialect(of: db) == .postgres, !keys.isEmpty else {
            return "INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: names)) VALUES " + rows
        }
        // The condition is uncorrelated: evaluated once, before any row is written.
        return "INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: names)) SELECT * FROM (VALUES " + rows
            + ") AS row(\(unsafeRaw: names)) WHERE \(lock.taking(keys, shared: shared)) >= 0"
    }

    /// A scalar subquery that takes the lock on every key, in the keys' hashed order, when PostgreSQL evaluates it.
    private func taking(_ keys: [String], shared: Bool) -> SQLQueryString {
        let hashed = Set(keys.map { key in
            Int32(bitPattern: key.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 })
        }).sorted()
        var query = SQLQueryString(
            "(SELECT count(\(unsafeRaw: shared ? "pg_advisory_xact_lock_shared" : "pg_advisory_xact_lock")(\(bind: rawValue), k)) FROM (VALUES ")
        for (index, key) in hashed.enumerated() {
            if index > 0 { query.appendLiteral(", ") }
            query += "(\(bind: key))"
        }
        query.appendLiteral(") AS keys(k))")
        return query
    }
}
