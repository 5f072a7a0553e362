import ClearwayCore
import ClearwayStore
import Crypto
import Foundation
import HummingbirdBcrypt

/// A bearer token just issued: the secret is shown once and stored only as its hash.
public struct IssuedToken: Sendable, Equatable {
    public var id: String
    public var secret: String
    public var expiresAt: Date?
    public var principal: Principal
}

/// What an administrator asks to create as a user.
public struct UserForm: Sendable, Equatable, Codable {
    public var username: String
    public var password: String
    public var role: String
    public var partyID: String?
    public var office: String?
    public var agencyID: String?
    public init(username: String, password: String, role: String, partyID: String?, office: String?, agencyID: String?) {
        self.username = username
        self.password = password
        self.role = role
        self.partyID = partyID
        self.office = office
        self.agencyID = agencyID
    }
}

extension Clearway {
    /// Checks a username and password and issues a session token.
    public func login(username: String, password: String) async throws -> IssuedToken {
        guard (1...100).contains(username.count) else {
            throw ClearanceError.unauthenticated(reason: "unknown username or wrong password")
        }
        let now = environment.now()
        let window = environment.loginWindow
        // Throttled per username, stored so every node counts the same attempts; unknown names count too.
        let recent = try await store.read { db in
            try await UserTable.loginFailures(username: username, since: now.addingTimeInterval(-window), on: db)
        }
        if recent.count >= environment.loginAttempts, let oldest = recent.first {
            throw ClearanceError.tooManyAttempts(retryAfter: Int(oldest.addingTimeInterval(window).timeIntervalSince(now).rounded(.up)))
        }
        let user = try await store.read { db in try await UserTable.find(username: username, on: db) }
        // Verify against a fixed hash when the user is unknown, so timing does not tell which usernames exist.
        let hash = user?.passwordHash ?? Self.unknownUserHash
        let verified = Bcrypt.verify(password, hash: hash)
        guard let user, verified, !user.disabled else {
            try await store.transaction { db in try await UserTable.recordLoginFailure(username: username, at: now, on: db) }
            throw ClearanceError.unauthenticated(reason: "unknown username or wrong password")
        }
        if !recent.isEmpty { try await store.transaction { db in try await UserTable.clearLoginFailures(username: username, on: db) } }
        return try await issueToken(for: user, kind: "session", label: "login",
            expiresAt: environment.now().addingTimeInterval(environment.sessionLifetime))
    }

    /// Issues a long-lived API token for the principal's own account.
    public func createToken(label: String, by principal: Principal) async throws -> IssuedToken {
        guard (1...100).contains(label.count) else {
            throw ClearanceError.invalid(ValidationFailure([FieldIssue("/label", "text-length", "a label has 1 to 100 characters")]))
        }
        let user = try await store.read { db in try await UserTable.find(username: principal.username, on: db) }
        guard let user else { throw ClearanceError.unauthenticated(reason: "your account no longer exists") }
        return try await issueToken(for: user, kind: "api", label: label, expiresAt: nil)
    }

    /// Issues a token for a user; demo seeding passes a fixed secret so the README can name it.
    func issueToken(for user: UserRecord, kind: String, label: String, expiresAt: Date?, secret: String? = nil)
        async throws -> IssuedToken
    {
        let secret = secret ?? Self.newSecret()
        let id = environment.makeID()
        let now = environment.now()
        try await store.transaction { db in
            try await UserTable.insertToken(
                id: id, userID: user.id, tokenHash: Self.tokenHash(secret), kind: kind, label: label, at: now,
                expiresAt: expiresAt, on: db)
        }
        return IssuedToken(id: id, secret: secret, expiresAt: expiresAt, principal: user.principal)
    }

    /// The principal a bearer token stands for, or nil when it is unknown, revoked or expired.
    public func authenticate(token: String) async throws -> (principal: Principal, tokenID: String)? {
        guard token.count <= 200 else { return nil }
        let now = environment.now()
        let hash = Self.tokenHash(token)
        guard let found = try await store.read({ db in try await UserTable.user(forTokenHash: hash, at: now, on: db) })
        else { return nil }
        return (found.user.principal, found.tokenID)
    }

    /// The principal of an enabled user, for commands run on the operator's own authority (`clearway import --as`).
    public func principal(username: String) async throws -> Principal? {
        guard let user = try await store.read({ db in try await UserTable.find(username: username, on: db) }), !user.disabled
        else { return nil }
        return user.principal
    }

    public func tokens(by principal: Principal) async throws -> [TokenRecord] {
        try await store.read { db in try await UserTable.tokens(userID: principal.userID, on: db) }
    }

    /// Revokes a token: its owner or an administrator may; anyone else is told it does not exist.
    public func revokeToken(_ id: String, by principal: Principal) async throws {
        let policy = try await cached().policy
        let now = environment.now()
        try await store.transaction { db in
            guard let token = try await UserTable.token(id: id, on: db),
                policy.allows(principal, .revokeToken(ownerUserID: token.userID))
            else { throw ClearanceError.notFound(kind: "token", id: id) }
            try await UserTable.revokeToken(id: id, at: now, on: db)
        }
    }

    /// Creates a user bound to the party, office or agency its role needs.
    public func createUser(_ form: UserForm, by principal: Principal, idempotencyKey: String? = nil) async throws -> Principal {
        let cached = try await cached()
        guard cached.policy.allows(principal, .manageUsers) else {
            throw ClearanceError.forbidden(reason: "only an administrator creates users")
        }
        var issues = IssueCollector()
        if !(3...64).contains(form.username.count)
            || !form.username.allSatisfy({ $0.isLetter || $0.isNumber || "._-@".contains($0) })
        {
            issues.add("/username", "username-format", "a username has 3 to 64 letters, digits or . _ - @")
        }
        if !(10...128).contains(form.password.count) {
            issues.add("/password", "password-length", "a password has 10 to 128 characters")
        }
        let role = Role(rawValue: form.role)
        if role == nil { issues.add("/role", "role-unknown", "'\(form.role)' is not a role") }
        var office: OfficeCode?
        if let role {
            if role.actsForParty && form.partyID == nil {
                issues.add("/partyId", "party-required", "a \(role.rawValue) acts for an enterprise")
            }
            if role.actsForOffice {
                if let code = form.office {
                    office = issues.check("/office") { () throws(IdentifierError) in try OfficeCode(code) }
                    if let found = office, !cached.reference.offices.contains(found) {
                        issues.add("/office", "office-unknown", "\(code) is not a customs office")
                    }
                } else {
                    issues.add("/office", "office-required", "a \(role.rawValue) is bound to a customs office")
                }
            }
            if role.actsForAgency && form.agencyID == nil {
                issues.add("/agencyId", "agency-required", "a \(role.rawValue) acts for an agency")
            }
        }
        if let partyID = form.partyID,
            try await store.read({ db in try await PartyTable.find(id: partyID, on: db) }) == nil
        {
            issues.add("/partyId", "party-unknown", "no enterprise \(partyID) is registered")
        }
        do { try issues.finish() } catch { throw ClearanceError.invalid(error) }
        let user = UserRecord(
            id: environment.makeID(), username: form.username,
            passwordHash: Bcrypt.hash(form.password, cost: environment.bcryptCost), role: role!,
            partyID: role!.actsForParty ? form.partyID : nil, office: office,
            agencyID: role!.actsForAgency ? form.agencyID : nil)
        var fingerprinted = form
        fingerprinted.password = Self.tokenHash(form.password)
        let now = environment.now()
        return try await idempotent(scope: "\(principal.userID):users.create", key: idempotencyKey, request: fingerprinted) {
            db in
            do { try await UserTable.insert(user, at: now, on: db) } catch StoreError.duplicate {
                throw ClearanceError.invalid(
                    ValidationFailure([FieldIssue("/username", "username-taken", "the username is taken")]))
            }
            return user.principal
        }
    }

    /// A real bcrypt hash to verify against when the username is unknown.
    static let unknownUserHash = Bcrypt.hash("no such user", cost: 10)

    static func newSecret() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return "cw_" + bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func tokenHash(_ secret: String) -> String {
        Hex.encode(SHA256.hash(data: Data(secret.utf8)))
    }
}
