import ClearwayCore
import Foundation
import SQLKit

/// Declarations lodged by EDI remember who sent them, so later decisions (release, selection for inspection) reach
/// the sender as CUSRES in its mailbox.
public enum EDIMailbox {
    /// Who lodged a declaration by EDI: the party, its interchange sender id and its own reference (LRN).
    public struct Correspondent: Sendable, Equatable {
        public var partyID: String
        public var sender: String
        public var reference: String
        public init(partyID: String, sender: String, reference: String) {
            self.partyID = partyID
            self.sender = sender
            self.reference = reference
        }
    }

    public static func remember(declaration: String, _ correspondent: Correspondent, at date: Date, on db: any SQLDatabase)
        async throws
    {
        try await db.raw(
            """
            INSERT INTO edi_correspondents (declaration_id, party_id, sender, reference, created_at)
            VALUES (\(bind: declaration), \(bind: correspondent.partyID), \(bind: correspondent.sender), \(bind: correspondent.reference),
                \(bind: date.timestamp))
            ON CONFLICT (declaration_id) DO NOTHING
            """
        ).run()
    }

    public static func correspondent(of declaration: String, on db: any SQLDatabase) async throws -> Correspondent? {
        guard let row = try await db.raw(
            "SELECT party_id, sender, reference FROM edi_correspondents WHERE declaration_id = \(bind: declaration)").first()
        else { return nil }
        return Correspondent(partyID: try row.decode(column: "party_id", as: String.self),
                             sender: try row.decode(column: "sender", as: String.self),
                             reference: try row.decode(column: "reference", as: String.self))
    }

    public static func post(party: String, declaration: String, kind: String, interchange: String, at date: Date,
                            on db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO edi_messages (party_id, declaration_id, kind, interchange, created_at)
            VALUES (\(bind: party), \(bind: declaration), \(bind: kind), \(bind: interchange), \(bind: date.timestamp))
            """
        ).run()
    }

    /// A message waiting for its recipient.
    public struct Message: Sendable, Equatable {
        /// Its place (`Placement`), the id its recipient reads after.
        public var id: Int64
        public var declarationID: String
        public var kind: String
        public var interchange: String
        public var createdAt: Date
    }

    /// True when messages were posted that are not yet placed (`place`).
    public static func waiting(on db: any SQLDatabase) async throws -> Bool { try await Placement.waiting("edi_messages", on: db) }

    /// Places the messages posted since the last time, so that readers see them after every one placed before.
    public static func place(on db: any SQLDatabase) async throws { try await Placement.place("edi_messages", limit: 10_000, on: db) }

    /// A party's placed messages after a place (all parties' when `party` is nil), oldest first.
    public static func messages(party: String?, after: Int64, limit: Int, on db: any SQLDatabase) async throws -> [Message] {
        var sql = SQLQueryString(
            "SELECT published AS id, declaration_id, kind, interchange, created_at FROM edi_messages WHERE published > \(bind: after)")
        if let party { sql += " AND party_id = \(bind: party)" }
        sql += " ORDER BY published LIMIT \(bind: limit)"
        return try await db.raw(sql).all().map { row in
            Message(id: try row.decode(column: "id", as: Int64.self), declarationID: try row.decode(column: "declaration_id", as: String.self),
                    kind: try row.decode(column: "kind", as: String.self), interchange: try row.decode(column: "interchange", as: String.self),
                    createdAt: Timestamp.parse(try row.decode(column: "created_at", as: String.self)) ?? .distantPast)
        }
    }
}
