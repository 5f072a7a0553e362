import Foundation

/// Verifiable Credentials 2.0 the platform issues and checks.
public enum Credentials {
    /// What a verification concluded, in the order a person reads it.
    public enum Status: String, Sendable, Codable {
        case valid
        case tampered
        case revoked
        case suspended
        case unknownIssuer = "unknown-issuer"
        case malformed
    }

    /// The verdict on one document, with every check made.
    public struct Verdict: Sendable, Equatable {
        public var status: Status
        public var checks: [DataIntegrity.Check]
        public var issuer: String?
        public var credentialID: String?
        public init(status: Status, checks: [DataIntegrity.Check], issuer: String?, credentialID: String?) {
            self.status = status
            self.checks = checks
            self.issuer = issuer
            self.credentialID = credentialID
        }
    }

    /// Checks the proof, then whether the issuer is one this platform trusts, then whether it was revoked.
    public static func verdict(
        _ document: JSONValue, trustedIssuers: Set<String>, revoked: Bool, suspended: Bool = false
    ) -> Verdict {
        var checks = DataIntegrity.verify(document)
        let issuer = document["issuer"]?.string ?? document["issuer"]?["id"]?.string
        let id = document["id"]?.string
        let types: [String]
        if case .array(let values)? = document["type"] { types = values.compactMap(\.string) } else { types = [] }
        let shape = types.contains("VerifiableCredential") && document["credentialSubject"] != nil && issuer != nil
        checks.insert(
            DataIntegrity.Check(
                name: "shape", passed: shape,
                detail: shape ? "a Verifiable Credential with an issuer and a subject" : "not a Verifiable Credential"),
            at: 0)
        guard shape, checks.first(where: { $0.name == "proof" }) == nil else {
            return Verdict(status: .malformed, checks: checks, issuer: issuer, credentialID: id)
        }
        if checks.contains(where: { !$0.passed }) {
            return Verdict(status: .tampered, checks: checks, issuer: issuer, credentialID: id)
        }
        // The proof check above decoded the method as a did:key; its DID is the part before the fragment.
        let signer = document["proof"]?["verificationMethod"]?.string.map { String(Substring($0.utf8.prefix { $0 != UInt8(ascii: "#") })) }
        // The signing key must be trusted, and the named issuer must be that key or trusted as well.
        let trusted = signer.map { trustedIssuers.contains($0) && (issuer == $0 || trustedIssuers.contains(issuer!)) } ?? false
        checks.append(DataIntegrity.Check(
            name: "issuer", passed: trusted,
            detail: trusted ? "signed by \(issuer!), an issuer this platform trusts" : "\(issuer ?? "nobody") is not an issuer this platform trusts"))
        guard trusted else { return Verdict(status: .unknownIssuer, checks: checks, issuer: issuer, credentialID: id) }
        checks.append(DataIntegrity.Check(
            name: "status", passed: !revoked && !suspended,
            detail: revoked ? "the issuer revoked this credential" : suspended ? "the issuer suspended this credential" : "not revoked or suspended"))
        let status: Status = revoked ? .revoked : suspended ? .suspended : .valid
        return Verdict(status: status, checks: checks, issuer: issuer, credentialID: id)
    }
}
