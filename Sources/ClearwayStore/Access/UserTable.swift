import ClearwayCore
import Foundation
import SQLKit

/// A user account as stored: the bcrypt hash, never the password.
public struct UserRecord: Sendable, Equatable {
    public var id: String
    public var username: String
    public var passwordHash: String
    public var role: Role
    public var partyID: String?
    public var office: OfficeCode?
    public var agencyID: String?
    public var disabled: Bool

    public init(
        id: String, username: String, passwordHash: String, role: Role, partyID: String?, office: OfficeCode?,
        agencyID: String?, disabled: Bool = false
    ) {
        self.id = id
        self.username = username
        self.passwordHash = passwordHash
        self.role = role
        self.partyID = partyID
        self.office = office
        self.agencyID = agencyID
        self.disabled = disabled
    }

    public var principal: Principal {
        Principal(userID: id, username: username, role: role, partyID: partyID, office: office, agencyID: agencyID)
    }
}

/// A bearer token as stored: only the SHA-256 of the secret.
public struct TokenRecord: Sendable, Equatable {
    public var id: String
    public var userID: String
    public var kind: String
    public var label: String
    public var createdAt: String
    public var expiresAt: String?
    public var revokedAt: String?
}

/// Users and their bearer tokens.
public enum UserTable {
    static let userColumns = "id, username, password_hash, role, party_id, office, agency_id, disabled_at"

    public static func insert(_ user: UserRecord, at date: Date, on db: any SQLDatabase) async throws {
        do {
            try await db.raw(
                """
                INSERT INTO users (id, username, password_hash, role, party_id, office, agency_id, created_at)
                VALUES (\(bind: user.id), \(bind: user.username), \(bind: user.passwordHash), \(bind: user.role.rawValue),
                    \(bind: user.partyID), \(bind: user.office?.rawValue), \(bind: user.agencyID), \(bind: date.timestamp))
                """
            ).run()
        } catch where Dialect.isUniqueViolation(error) {
            throw StoreError.duplicate("user \(user.username)")
        }
    }

    public static func find(username: String, on db: any SQLDatabase) async throws -> UserRecord? {
        try await db.raw("SELECT \(unsafeRaw: userColumns) FROM users WHERE username = \(bind: username)").first()
            .map(decodeUser)
    }

    /// The usernames of the enabled users of one role bound to one of `offices`, in order (nothing else of them: this
    /// is read for every lodgement).
    public static func activeUsernames(role: Role, offices: [String], on db: any SQLDatabase) async throws -> [String] {
        guard !offices.isEmpty else { return [] }
        var list = SQLQueryString("(")
        for (i, office) in offices.enumerated() { list += i == 0 ? "\(bind: office)" : ", \(bind: office)" }
        list += ")"
        return try await db.raw(
            "SELECT username FROM users WHERE role = \(bind: role.rawValue) AND disabled_at IS NULL AND office IN \(list) ORDER BY username"
        ).all().map { try $0.decode(column: "username", as: String.self) }
    }

    /// Records a failed login for a username (known or not), for throttling.
    public static func recordLoginFailure(username: String, at date: Date, on db: any SQLDatabase) async throws {
        try await db.raw("INSERT INTO login_failures (username, failed_at) VALUES (\(bind: username), \(bind: date.timestamp))").run()
    }

    /// The failed logins of a username since `date`, oldest first.
    public static func loginFailures(username: String, since date: Date, on db: any SQLDatabase) async throws -> [Date] {
        try await db.raw(
            "SELECT failed_at FROM login_failures WHERE username = \(bind: username) AND failed_at >= \(bind: date.timestamp) ORDER BY failed_at"
        ).all().compactMap { Timestamp.parse(try $0.decode(column: "failed_at", as: String.self)) }
    }

    public static func clearLoginFailures(username: String, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM login_failures WHERE username = \(bind: username)").run()
    }

    public static func all(on db: any SQLDatabase) async throws -> [UserRecord] {
        try await db.raw("SELECT \(unsafeRaw: userColumns) FROM users ORDER BY username").all().map(decodeUser)
    }

    public static func insertToken(
        id: String, userID: String, tokenHash: String, kind: String, label: String, at date: Date, expiresAt: Date?,
        on db: any SQLDatabase
    ) async throws {
        try await db.raw(
            """
            INSERT INTO tokens (id, user_id, token_hash, kind, label, created_at, expires_at)
            VALUES (\(bind: id), \(bind: userID), \(bind: tokenHash), \(bind: kind), \(bind: label),
                \(bind: date.timestamp), \(bind: expiresAt?.timestamp))
            """
        ).run()
    }

    /// The user a live token belongs to, with the token's id; nil for unknown, revoked or expired tokens.
    public static func user(forTokenHash hash: String, at date: Date, on db: any SQLDatabase) async throws
        -> (user: UserRecord, tokenID: String)?
    {
        guard
            let row = try await db.raw(
                """
                SELECT t.id AS token_id, u.id, u.username, u.password_hash, u.role, u.party_id, u.office, u.agency_id,
                    u.disabled_at
                FROM tokens t JOIN users u ON u.id = t.user_id
                WHERE t.token_hash = \(bind: hash) AND t.revoked_at IS NULL
                    AND (t.expires_at IS NULL OR t.expires_at > \(bind: date.timestamp))
                """
            ).first()
        else { return nil }
        let user = try decodeUser(row)
        return user.disabled ? nil : (user, try row.decode(column: "token_id", as: String.self))
    }

    public static func tokens(userID: String, on db: any SQLDatabase) async throws -> [TokenRecord] {
        try await db.raw(
            """
            SELECT id, user_id, kind, label, created_at, expires_at, revoked_at FROM tokens
            WHERE user_id = \(bind: userID) ORDER BY created_at, id
            """
        ).all().map(decodeToken)
    }

    public static func token(id: String, on db: any SQLDatabase) async throws -> TokenRecord? {
        try await db.raw(
            "SELECT id, user_id, kind, label, created_at, expires_at, revoked_at FROM tokens WHERE id = \(bind: id)"
        ).first().map(decodeToken)
    }

    public static func revokeToken(id: String, at date: Date, on db: any SQLDatabase) async throws {
        try await db.raw(
            "UPDATE tokens SET revoked_at = \(bind: date.timestamp) WHERE id = \(bind: id) AND revoked_at IS NULL"
        ).run()
    }

    static func decodeToken(_ row: any SQLRow) throws -> TokenRecord {
        TokenRecord(
            id: try row.decode(column: "id", as: String.self), userID: try row.decode(column: "user_id", as: String.self),
            kind: try row.decode(column: "kind", as: String.self), label: try row.decode(column: "label", as: String.self),
            createdAt: try row.decode(column: "created_at", as: String.self),
            expiresAt: try row.decode(column: "expires_at", as: String?.self),
            revokedAt: try row.decode(column: "revoked_at", as: String?.self))
    }

    static func role(_ text: String) throws -> Role {
        guard let role = Role(rawValue: text) else { throw StoreError.badLocation("unknown role '\(text)' in users") }
        return role
    }

    static func decodeUser(_ row: any SQLRow) throws -> UserRecord {
        UserRecord(
            id: try row.decode(column: "id", as: String.self),
            username: try row.decode(column: "username", as: String.self),
            passwordHash: try row.decode(column: "password_hash", as: String.self),
            role: try role(row.decode(column: "role", as: String.self)),
            partyID: try row.decode(column: "party_id", as: String?.self),
            office: try row.decode(column: "office", as: String?.self).map { try OfficeCode($0) },
            agencyID: try row.decode(column: "agency_id", as: String?.self),
            disabled: try row.decode(column: "disabled_at", as: String?.self) != nil)
    }
}
