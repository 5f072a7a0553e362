import SQLKit

/// Named gapless counters: the increment commits or rolls back with the caller's transaction, so no number is skipped.
public enum Counters {
    /// Increments `name` (created at 1) and returns the new value; the row stays locked until the transaction ends.
    public static func next(_ name: String, on db: any SQLDatabase) async throws -> Int {
        let row = try await db.raw(
            """
            INSERT INTO counters (name, value) VALUES (\(bind: name), 1)
            ON CONFLICT (name) DO UPDATE SET value = counters.value + 1
            RETURNING value
            """
        ).first()
        return try row!.decode(column: "value", as: Int.self)
    }

    public static func current(_ name: String, on db: any SQLDatabase) async throws -> Int {
        try await db.raw("SELECT value FROM counters WHERE name = \(bind: name)").first()?
            .decode(column: "value", as: Int.self) ?? 0
    }
}
