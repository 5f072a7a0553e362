import SQLKit

/// Places for rows that readers follow in order after the last one they saw (webhook messages, EDI mailboxes).
///
/// A row's id is taken when it is written, not when its transaction commits: on PostgreSQL, with several writers, a
/// row with a smaller id can commit after one with a larger, and a reader that had passed the larger would never see
/// it. Readers follow `published` instead, which is given only to committed rows, in the order of their ids, by one
/// transaction at a time (its lock is held to its commit), so places appear in order. Rows of one stream keep their
/// order: a later one is written after the earlier one committed, so it is never visible, or placed, first.
enum Placement {
    /// Places up to `limit` rows (all when nil) of `table` committed and not yet placed, after every place given before.
    static func place(_ table: String, limit: Int?, on db: any SQLDatabase) async throws {
        try await TransactionLock.placing.take(table, on: db)
        var statement = SQLQueryString(
            """
            WITH top AS (SELECT COALESCE(MAX(published), 0) AS place FROM \(unsafeRaw: table)),
                next AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM \(unsafeRaw: table) WHERE published IS NULL
                    ORDER BY id
            """)
        if let limit { statement += " LIMIT \(bind: limit)" }
        statement.appendLiteral(
            ") UPDATE \(table) SET published = (SELECT place FROM top) + next.n FROM next WHERE \(table).id = next.id")
        try await db.raw(statement).run()
    }

    /// True when `table` holds committed rows not yet placed.
    static func waiting(_ table: String, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT 1 AS waiting FROM \(unsafeRaw: table) WHERE published IS NULL LIMIT 1").first() != nil
    }

    /// The statements that give an existing table places: rows already there keep their id as their place, so
    /// every reader's position stays where it was.
    static func migration(_ table: String) -> [String] {
        [
            "ALTER TABLE \(table) ADD COLUMN published BIGINT",
            "UPDATE \(table) SET published = id",
            "CREATE UNIQUE INDEX \(table)_published ON \(table) (published)",
            "CREATE INDEX \(table)_unplaced ON \(table) (id) WHERE published IS NULL",
        ]
    }
}
