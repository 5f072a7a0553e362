import SQLKit

/// Work that must not run in two transactions at once, on any node. On PostgreSQL a transaction takes an advisory
/// lock on the kind and key, held until it ends; on SQLite there is nothing to take, its one writer already runs
/// transactions one at a time.
public enum TransactionLock: Int32, Sendable {
    /// Planning one port's inspection diversion.
    case diversionPlanning = 7_242_020
    /// Recording, replacing or retracting one sender's event (the key names the source and the event).
    case portEvent = 7_242_021

    public func take(_ key: String, dialect: Dialect, on db: any SQLDatabase) async throws {
        guard dialect == .postgres else { return }
        let hashed = Int32(bitPattern: key.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 })
        try await db.raw("SELECT pg_advisory_xact_lock(\(bind: rawValue), \(bind: hashed))").run()
    }
}
