import ClearwayCore
import Foundation
import SQLKit

/// Content-addressed document bytes, stored once however many declarations attach them.
public enum DocumentTables {
    /// Stores the bytes unless a document with the same hash is there already; links it to the declaration.
    public static func store(_ attachment: Attachment, bytes: Data, declarationID: String, at date: Date, on db: any SQLDatabase)
        async throws
    {
        try await db.raw(
            """
            INSERT INTO documents (hash, media_type, size, content, created_at)
            VALUES (\(bind: attachment.hash), \(bind: attachment.mediaType), \(bind: attachment.size), \(bind: bytes),
                \(bind: date.timestamp))
            ON CONFLICT (hash) DO NOTHING
            """
        ).run()
        try await db.raw(
            """
            INSERT INTO declaration_documents (declaration_id, hash, name, added_at)
            VALUES (\(bind: declarationID), \(bind: attachment.hash), \(bind: attachment.name), \(bind: date.timestamp))
            ON CONFLICT (declaration_id, hash) DO NOTHING
            """
        ).run()
    }

    /// The declarations a document is attached to.
    public static func declarations(of hash: String, on db: any SQLDatabase) async throws -> [String] {
        try await db.raw("SELECT declaration_id FROM declaration_documents WHERE hash = \(bind: hash) ORDER BY declaration_id")
            .all().map { try $0.decode(column: "declaration_id", as: String.self) }
    }

    public static func content(_ hash: String, on db: any SQLDatabase) async throws -> (mediaType: String, bytes: Data)? {
        try await db.raw("SELECT media_type, content FROM documents WHERE hash = \(bind: hash)").first().map {
            (try $0.decode(column: "media_type", as: String.self), try $0.decode(column: "content", as: Data.self))
        }
    }

    /// How many distinct documents are stored (for showing de-duplication).
    public static func count(on db: any SQLDatabase) async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM documents").first()!.decode(column: "n", as: Int.self)
    }
}
