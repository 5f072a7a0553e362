import Crypto
import Foundation

/// An Ed25519 key as a `did:key` (multicodec 0xed01 + 32 bytes, base58btc).
public struct DIDKey: Sendable, Equatable {
    public let publicKey: Curve25519.Signing.PublicKey

    static let ed25519Public: [UInt8] = [0xED, 0x01]
    static let ed25519Private: [UInt8] = [0x80, 0x26]

    public init(publicKey: Curve25519.Signing.PublicKey) { self.publicKey = publicKey }

    public static func == (lhs: DIDKey, rhs: DIDKey) -> Bool { lhs.publicKey.rawRepresentation == rhs.publicKey.rawRepresentation }

    /// The key's multibase form, `z6Mk…`.
    public var multibase: String { Base58.multibase(Self.ed25519Public + Array(publicKey.rawRepresentation)) }
    public var did: String { "did:key:\(multibase)" }
    /// The verification method a proof names: the DID with the key as its fragment.
    public var verificationMethod: String { "\(did)#\(multibase)" }

    /// Reads `did:key:z6Mk…` or `did:key:z6Mk…#z6Mk…`.
    public init?(verificationMethod: String) {
        guard verificationMethod.hasPrefix("did:key:") else { return nil }
        let rest = verificationMethod.utf8.dropFirst("did:key:".count)
        let key = String(Substring(rest.prefix { $0 != UInt8(ascii: "#") }))
        guard let bytes = Base58.decodeMultibase(key), bytes.count == 34, Array(bytes.prefix(2)) == Self.ed25519Public,
            let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes.dropFirst(2))
        else { return nil }
        self.publicKey = publicKey
    }

    /// Reads a private key in multibase form (multicodec 0x8026 + 32-byte seed).
    public static func privateKey(multibase: String) -> Curve25519.Signing.PrivateKey? {
        guard let bytes = Base58.decodeMultibase(multibase), bytes.count == 34, Array(bytes.prefix(2)) == ed25519Private
        else { return nil }
        return try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes.dropFirst(2))
    }

    public static func multibase(privateKey: Curve25519.Signing.PrivateKey) -> String {
        Base58.multibase(ed25519Private + Array(privateKey.rawRepresentation))
    }
}
