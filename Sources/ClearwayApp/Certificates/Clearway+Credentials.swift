import ClearwayCore
import ClearwayStore
import Crypto
import Foundation
import SQLKit

extension Clearway {
    /// The platform's Ed25519 issuer key: the configured one, else the stored one, else a new one stored now.
    func issuerKey() async throws -> Curve25519.Signing.PrivateKey {
        if let configured = environment.issuerKey {
            guard let key = DIDKey.privateKey(multibase: configured) else {
                throw ClearanceError.forbidden(reason: "the configured issuer key is not an Ed25519 multibase private key")
            }
            let did = DIDKey(publicKey: key.publicKey).did
            let now = environment.now()
            try await store.transaction { db in
                try await CredentialTables.insertKey(did: did, privateKey: configured, at: now, on: db)
            }
            return key
        }
        let now = environment.now()
        return try await store.transaction { db in
            if let stored = try await CredentialTables.issuerKey(on: db), let key = DIDKey.privateKey(multibase: stored.privateKey) {
                return key
            }
            let key = Curve25519.Signing.PrivateKey()
            try await CredentialTables.insertKey(
                did: DIDKey(publicKey: key.publicKey).did, privateKey: DIDKey.multibase(privateKey: key), at: now, on: db)
            return key
        }
    }

    /// Issues a signed release note for a released declaration (customs of its office).
    public func issueReleaseNote(_ idOrNumber: String, by principal: Principal) async throws -> (id: String, document: Data) {
        let cached = try await cached()
        let state = try await declaration(idOrNumber, by: principal)
        guard let draft = state.draft, cached.policy.allows(principal, .decideClearance(draft)) else {
            throw ClearanceError.forbidden(reason: "release notes are issued by customs of the declaration's office")
        }
        let key = try await issuerKey()
        let did = DIDKey(publicKey: key.publicKey).did
        let now = environment.now()
        let id = environment.makeID()
        let office = cached.reference.offices.offices[draft.declarationOffice]
        guard let unsigned = Credentials.releaseNote(
            state, id: id, issuer: did, officeName: "\(office?.nameZh ?? "") \(office?.name ?? draft.declarationOffice.rawValue)",
            issuedAt: now)
        else { throw ClearanceError.notAllowedInState(action: "issue a release note for", state: state.status?.rawValue ?? "") }
        let signed = JCS.canonicalize(try DataIntegrity.sign(unsigned, key: key, created: now))
        try await store.transaction { db in
            try await CredentialTables.insert(
                id: id, declarationID: state.id, kind: "release-note", issuer: did, document: signed, at: now, on: db)
        }
        return (id, signed)
    }

    /// Verifies any credential against this platform's issuers and revocations.
    public func verifyCredential(_ data: Data) async throws -> Credentials.Verdict {
        let document: JSONValue
        do { document = try JSONValue.parse(data) } catch {
            return Credentials.Verdict(
                status: .malformed, checks: [.init(name: "json", passed: false, detail: error.description)], issuer: nil,
                credentialID: nil)
        }
        let (trusted, revoked) = try await store.read { db in
            let trusted = try await CredentialTables.trustedIssuers(on: db)
            var revoked = false
            if let id = document["id"]?.string, id.hasPrefix("urn:uuid:") {
                revoked = try await CredentialTables.credential(id: String(id.dropFirst("urn:uuid:".count)), on: db)?.revoked ?? false
            }
            return (trusted, revoked)
        }
        return Credentials.verdict(document, trustedIssuers: trusted, revoked: revoked)
    }

    /// A credential the platform issued, by its id (the QR link), with its verdict now.
    public func credential(_ id: String) async throws -> (document: Data, verdict: Credentials.Verdict) {
        guard let stored = try await store.read({ db in try await CredentialTables.credential(id: id, on: db) }) else {
            throw ClearanceError.notFound(kind: "credential", id: id)
        }
        return (stored.document, try await verifyCredential(stored.document))
    }

    /// Revokes a credential the platform issued (customs officers, administrators).
    public func revokeCredential(_ id: String, reason: String, by principal: Principal) async throws -> Credentials.Verdict {
        guard principal.role == .customsOfficer || principal.role == .admin else {
            throw ClearanceError.forbidden(reason: "only customs revokes credentials")
        }
        try requireReason(reason)
        let now = environment.now()
        try await store.transaction { db in
            guard try await CredentialTables.credential(id: id, on: db) != nil else {
                throw ClearanceError.notFound(kind: "credential", id: id)
            }
            try await CredentialTables.revoke(id: id, reason: reason, at: now, on: db)
        }
        return try await credential(id).verdict
    }
}
