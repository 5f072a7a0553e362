import ClearwayCore
import Foundation
import SQLKit

/// The platform's issuer keys and the credentials it issued.
public enum CredentialTables {
    /// The issuer key in use (the oldest), if any.
    public static func issuerKey(on db: any SQLDatabase) async throws -> (did: String, privateKey: String)? {
        try await db.raw("SELECT did, private_key FROM issuer_keys ORDER BY created_at, did LIMIT 1").first().map {
            (try $0.decode(column: "did", as: String.self), try $0.decode(column: "private_key", as: String.self))
        }
    }

    public static func trustedIssuers(on db: any SQLDatabase) async throws -> Set<String> {
        Set(try await db.raw("SELECT did FROM issuer_keys").all().map { try $0.decode(column: "did", as: String.self) })
    }

    public static func insertKey(did: String, privateKey: String, at date: Date, on db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO issuer_keys (did, private_key, created_at) VALUES (\(bind: did), \(bind: privateKey), \(bind: date.timestamp))
            ON CONFLICT (did) DO NOTHING
            """
        ).run()
    }

    public static func insert(
        id: String, declarationID: String?, kind: String, issuer: String, document: Data, statusIndex: Int?, at date: Date,
        on db: any SQLDatabase
    ) async throws {
        try await db.raw(
            """
            INSERT INTO credentials (id, declaration_id, kind, issuer, issued_at, document, status_index)
            VALUES (\(bind: id), \(bind: declarationID), \(bind: kind), \(bind: issuer), \(bind: date.timestamp),
                \(bind: String(decoding: document, as: UTF8.self)), \(bind: statusIndex))
            """
        ).run()
    }

    /// The credentials issued for one declaration, oldest first.
    public static func issued(forDeclaration declarationID: String, on db: any SQLDatabase) async throws
        -> [(id: String, kind: String, issuedAt: Date, revoked: Bool)]
    {
        try await db.raw("""
            SELECT id, kind, issued_at, revoked_at FROM credentials WHERE declaration_id = \(bind: declarationID) ORDER BY issued_at, id
            """).all().map { row in
            (try row.decode(column: "id", as: String.self), try row.decode(column: "kind", as: String.self),
             Timestamp.parse(try row.decode(column: "issued_at", as: String.self)) ?? .distantPast,
             try row.decodeNil(column: "revoked_at") == false)
        }
    }

    /// The status-list indices of revoked credentials.
    public static func revokedIndices(on db: any SQLDatabase) async throws -> [Int] {
        try await db.raw(
            "SELECT status_index FROM credentials WHERE revoked_at IS NOT NULL AND status_index IS NOT NULL ORDER BY status_index"
        ).all().map { try $0.decode(column: "status_index", as: Int.self) }
    }

    /// The status-list indices of suspended credentials.
    public static func suspendedIndices(on db: any SQLDatabase) async throws -> [Int] {
        try await db.raw(
            "SELECT status_index FROM credentials WHERE suspended_at IS NOT NULL AND status_index IS NOT NULL ORDER BY status_index"
        ).all().map { try $0.decode(column: "status_index", as: Int.self) }
    }

    /// Sets or lifts a suspension.
    public static func suspend(id: String, _ suspended: Bool, at date: Date, on db: any SQLDatabase) async throws {
        try await db.raw(
            "UPDATE credentials SET suspended_at = \(bind: suspended ? date.timestamp : nil) WHERE id = \(bind: id)"
        ).run()
    }

    /// A stored credential: its document and whether it was revoked.
    public static func credential(id: String, on db: any SQLDatabase) async throws -> (document: Data, revoked: Bool)? {
        try await db.raw("SELECT document, revoked_at FROM credentials WHERE id = \(bind: id)").first().map {
            (Data(try $0.decode(column: "document", as: String.self).utf8), try $0.decode(column: "revoked_at", as: String?.self) != nil)
        }
    }

    public static func revoke(id: String, reason: String, at date: Date, on db: any SQLDatabase) async throws {
        try await db.raw(
            """
            UPDATE credentials SET revoked_at = \(bind: date.timestamp), revocation_reason = \(bind: reason)
            WHERE id = \(bind: id) AND revoked_at IS NULL
            """
        ).run()
    }
}
