import ClearwayCore
import ClearwayInterop
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
        try await issueCredential(.releaseNote, for: idOrNumber, by: principal)
    }

    /// Issues a signed certificate of `kind` for a declaration: customs issue release notes, inspection results and
    /// certificates of origin, quarantine officers phytosanitary and health certificates, each of their offices.
    public func issueCredential(_ kind: CredentialKind, for idOrNumber: String, order: Int? = nil, by principal: Principal)
        async throws -> (id: String, document: Data)
    {
        let cached = try await cached()
        let state = try await declaration(idOrNumber, by: principal)
        guard let draft = state.draft, cached.policy.allows(principal, .issueCredential(kind, draft)) else {
            throw ClearanceError.forbidden(reason: kind.byQuarantine
                ? "\(kind.rawValue) certificates are issued by quarantine officers of the declaration's offices"
                : "\(kind.rawValue) credentials are issued by customs of the declaration's offices")
        }
        let key = try await issuerKey()
        let did = DIDKey(publicKey: key.publicKey).did
        let now = environment.now()
        let id = environment.makeID()
        let office = cached.reference.offices.offices[draft.declarationOffice]
        let unsigned = try Credentials.unsigned(
            kind, state, order: order, scopes: cached.certificateScopes,
            .init(id: id, issuer: did, issuerName: "\(office?.nameZh ?? "") \(office?.name ?? draft.declarationOffice.rawValue)",
                  issuedAt: now))
        let revocationURL = statusListURL(.revocation), suspensionURL = statusListURL(.suspension)
        let signed = try await store.transaction { db in
            // Each credential gets the next bit of the status lists, numbered gaplessly like customs numbers.
            let index = try await Counters.next("status-list/revocation", on: db) - 1
            let withStatus = unsigned.setting("credentialStatus", .array([
                Credentials.statusEntry(listURL: revocationURL, index: index, purpose: .revocation),
                Credentials.statusEntry(listURL: suspensionURL, index: index, purpose: .suspension),
            ]))
            let signed = JCS.canonicalize(try DataIntegrity.sign(withStatus, key: key, created: now))
            try await CredentialTables.insert(
                id: id, declarationID: state.id, kind: kind.rawValue, issuer: did, document: signed, statusIndex: index,
                at: now, on: db)
            return signed
        }
        return (id, signed)
    }

    /// Verifies any credential against this platform's issuers and revocations.
    /// The certificates issued for a declaration, for those who may read it.
    public func credentials(forDeclaration idOrNumber: String, by principal: Principal) async throws
        -> [(id: String, kind: String, issuedAt: Date, revoked: Bool)]
    {
        let state = try await declaration(idOrNumber, by: principal)
        return try await store.read { db in try await CredentialTables.issued(forDeclaration: state.id, on: db) }
    }

    public func verifyCredential(_ data: Data) async throws -> Credentials.Verdict {
        let document: JSONValue
        do { document = try JSONValue.parse(data) } catch {
            return Credentials.Verdict(
                status: .malformed, checks: [.init(name: "json", passed: false, detail: error.description)], issuer: nil,
                credentialID: nil)
        }
        if document["proof"]?["cryptosuite"] == nil, OpenAttestation.recognises(document) {
            return Self.openAttestationVerdict(document)
        }
        let revocationURL = statusListURL(.revocation), suspensionURL = statusListURL(.suspension)
        let (trusted, revoked, suspended) = try await store.read { db in
            let trusted = try await CredentialTables.trustedIssuers(on: db)
            var revoked = false, suspended = false
            if let index = Credentials.statusIndex(document, listURL: revocationURL, purpose: .revocation) {
                revoked = try await Self.statusList(.revocation, on: db).isSet(index)
            } else if let id = document["id"]?.string, id.hasPrefix("urn:uuid:") {
                revoked = try await CredentialTables.credential(id: String(id.dropFirst("urn:uuid:".count)), on: db)?.revoked ?? false
            }
            if let index = Credentials.statusIndex(document, listURL: suspensionURL, purpose: .suspension) {
                suspended = try await Self.statusList(.suspension, on: db).isSet(index)
            }
            return (trusted, revoked, suspended)
        }
        return Credentials.verdict(document, trustedIssuers: trusted, revoked: revoked, suspended: suspended)
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

    /// An OpenAttestation (TradeTrust) document checked offline: integrity only; issuance needs the network.
    public static func openAttestationVerdict(_ document: JSONValue) -> Credentials.Verdict {
        let shape = DataIntegrity.Check(name: "shape", passed: true, detail: "an OpenAttestation (TradeTrust) document")
        let offline = DataIntegrity.Check(
            name: "issuance", passed: true,
            detail: "issuance on the document store or token registry and the DNS identity need the network; not checked offline")
        switch OpenAttestation.verify(document) {
        case .valid:
            return .init(
                status: .valid,
                checks: [shape, .init(name: "integrity", passed: true, detail: "target hash and Merkle proof hold"), offline],
                issuer: nil, credentialID: nil)
        case .tampered(let reason):
            return .init(status: .tampered, checks: [shape, .init(name: "integrity", passed: false, detail: reason)], issuer: nil,
                credentialID: nil)
        case .skipped(let reason):
            return .init(status: .malformed, checks: [shape, .init(name: "integrity", passed: false, detail: reason)], issuer: nil,
                credentialID: nil)
        }
    }

    /// Where the platform publishes its status list for a purpose.
    public func statusListURL(_ purpose: Credentials.StatusPurpose) -> String {
        "\(environment.publicURL)/api/v1/status-lists/\(purpose.rawValue)"
    }

    static func statusList(_ purpose: Credentials.StatusPurpose, on db: any SQLDatabase) async throws -> StatusList {
        var list = StatusList()
        let indices = purpose == .revocation
            ? try await CredentialTables.revokedIndices(on: db) : try await CredentialTables.suspendedIndices(on: db)
        for index in indices { list.set(index) }
        return list
    }

    /// The signed Bitstring Status List credential of a purpose, every revoked or suspended credential's bit set.
    public func statusListCredential(_ purpose: Credentials.StatusPurpose) async throws -> Data {
        let key = try await issuerKey()
        let list = try await store.read { db in try await Self.statusList(purpose, on: db) }
        let unsigned = Credentials.statusListCredential(
            listURL: statusListURL(purpose), issuer: DIDKey(publicKey: key.publicKey).did, list: list,
            validFrom: environment.now(), purpose: purpose)
        return JCS.canonicalize(try DataIntegrity.sign(unsigned, key: key, created: environment.now()))
    }

    /// Suspends a credential, or lifts the suspension (customs officers, administrators).
    public func suspendCredential(_ id: String, _ suspended: Bool, reason: String?, by principal: Principal) async throws
        -> Credentials.Verdict
    {
        guard principal.role == .customsOfficer || principal.role == .admin else {
            throw ClearanceError.forbidden(reason: "only customs suspends credentials")
        }
        if suspended { try requireReason(reason ?? "") }
        let now = environment.now()
        try await store.transaction { db in
            guard try await CredentialTables.credential(id: id, on: db) != nil else {
                throw ClearanceError.notFound(kind: "credential", id: id)
            }
            try await CredentialTables.suspend(id: id, suspended, at: now, on: db)
        }
        return try await credential(id).verdict
    }
}
