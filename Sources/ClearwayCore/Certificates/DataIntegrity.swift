import Crypto
import Foundation

/// W3C Data Integrity proofs with the `eddsa-jcs-2022` cryptosuite: Ed25519 over SHA-256 of JCS forms.
public enum DataIntegrity {
    public static let cryptosuite = "eddsa-jcs-2022"

    /// The intermediate values of one proof, as the W3C test vectors list them.
    public struct Hashes: Sendable, Equatable {
        public var canonicalDocument: Data
        public var canonicalProofConfig: Data
        public var documentHash: Data
        public var proofConfigHash: Data
        /// proofConfigHash followed by documentHash: what is signed.
        public var combined: Data
    }

    /// The proof options as signed: the proof without its value, carrying the document's `@context`.
    public static func proofConfig(_ proof: JSONValue, document: JSONValue) -> JSONValue {
        var config = proof.removing("proofValue")
        if let context = document["@context"] { config = config.setting("@context", context) }
        return config
    }

    public static func hashes(document: JSONValue, proofConfig: JSONValue) -> Hashes {
        let canonicalDocument = JCS.canonicalize(document.removing("proof"))
        let canonicalProof = JCS.canonicalize(proofConfig)
        let documentHash = Data(SHA256.hash(data: canonicalDocument))
        let proofHash = Data(SHA256.hash(data: canonicalProof))
        return Hashes(
            canonicalDocument: canonicalDocument, canonicalProofConfig: canonicalProof, documentHash: documentHash,
            proofConfigHash: proofHash, combined: proofHash + documentHash)
    }

    /// Signs an unsecured document, returning it with its `proof`.
    public static func sign(
        _ document: JSONValue, key: Curve25519.Signing.PrivateKey, created: Date, proofPurpose: String = "assertionMethod"
    ) throws -> JSONValue {
        let did = DIDKey(publicKey: key.publicKey)
        var proof = JSONValue.object([
            ("type", .string("DataIntegrityProof")), ("cryptosuite", .string(cryptosuite)),
            ("created", .string(Self.created(created))), ("verificationMethod", .string(did.verificationMethod)),
            ("proofPurpose", .string(proofPurpose)),
        ])
        // The proof carries the document's @context, as the W3C vectors' signed document does.
        proof = proofConfig(proof, document: document)
        let hashes = hashes(document: document, proofConfig: proof)
        let signature = try key.signature(for: hashes.combined)
        proof = proof.setting("proofValue", .string(Base58.multibase(Array(signature))))
        return document.setting("proof", proof)
    }

    /// XML Schema dateTime in UTC without fractional seconds, as the vectors write `created`.
    public static func created(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    /// One check a verification made, for showing people why a document is or is not valid.
    public struct Check: Sendable, Equatable {
        public var name: String
        public var passed: Bool
        public var detail: String
        public init(name: String, passed: Bool, detail: String) {
            self.name = name
            self.passed = passed
            self.detail = detail
        }
    }

    /// Verifies a secured document's proof; `trusted` says whether a `did:key` is a known issuer.
    public static func verify(_ document: JSONValue) -> [Check] {
        var checks: [Check] = []
        guard let proof = document["proof"], case .object = proof else {
            return [Check(name: "proof", passed: false, detail: "the document has no Data Integrity proof")]
        }
        let typeOK = proof["type"]?.string == "DataIntegrityProof" && proof["cryptosuite"]?.string == cryptosuite
        checks.append(Check(
            name: "cryptosuite", passed: typeOK,
            detail: typeOK ? "DataIntegrityProof with \(cryptosuite)" : "not a DataIntegrityProof with \(cryptosuite)"))
        guard let method = proof["verificationMethod"]?.string, let key = DIDKey(verificationMethod: method) else {
            checks.append(Check(name: "verificationMethod", passed: false, detail: "the verification method is not an Ed25519 did:key"))
            return checks
        }
        checks.append(Check(name: "verificationMethod", passed: true, detail: method))
        guard let value = proof["proofValue"]?.string, let signature = Base58.decodeMultibase(value), signature.count == 64
        else {
            checks.append(Check(name: "signature", passed: false, detail: "proofValue is not a base58btc Ed25519 signature"))
            return checks
        }
        // As the cryptosuite's Verify Proof says: what is hashed is the proof as sent, and the document under the proof's
        // @context, which must be where the document's own begins (so neither can be changed apart from the other).
        let options = proof.removing("proofValue")
        var unsecured = document.removing("proof")
        if let context = options["@context"] {
            func list(_ value: JSONValue?) -> [JSONValue] {
                if case .array(let items) = value { return items }
                return value.map { [$0] } ?? []
            }
            let signed = list(context), own = list(document["@context"])
            guard own.count >= signed.count, zip(signed, own).allSatisfy(==) else {
                checks.append(Check(name: "signature", passed: false, detail: "the proof's @context is not where the document's @context begins"))
                return checks
            }
            unsecured = unsecured.setting("@context", context)
        }
        let hashes = hashes(document: unsecured, proofConfig: options)
        let valid = typeOK && key.publicKey.isValidSignature(Data(signature), for: hashes.combined)
        checks.append(Check(
            name: "signature", passed: valid,
            detail: valid ? "the signature matches the document" : "the document or its proof was changed after signing"))
        return checks
    }
}
