import ClearwayCore
import Foundation

/// Offline integrity of OpenAttestation (TradeTrust) wrapped documents: keccak-256 target hash and Merkle proof.
///
/// Issuance on a blockchain and DNS identity need the network and are not checked here.
public enum OpenAttestation {
    public enum Integrity: Sendable, Equatable {
        case valid
        case tampered(String)
        /// Not a wrapped document (raw or unwrapped), so there is nothing to check.
        case skipped(String)
    }

    /// Whether a JSON document looks like an OpenAttestation document at all.
    public static func recognises(_ document: JSONValue) -> Bool {
        if document["version"]?.string?.contains("openattestation") == true { return true }
        return document["signature"]?["targetHash"] != nil || document["proof"]?["type"]?.string == "OpenAttestationMerkleProofSignature2018"
    }

    public static func verify(_ document: JSONValue) -> Integrity {
        if document["version"]?.string == "https://schema.openattestation.com/3.0/schema.json" || document["proof"]?["salts"] != nil {
            return verify3(document)
        }
        return verify2(document)
    }

    // MARK: - v2

    static let version2 = "https://schema.openattestation.com/2.0/schema.json"

    static func verify2(_ document: JSONValue) -> Integrity {
        guard let data = document["data"], let signature = document["signature"],
            let target = signature["targetHash"]?.string, let root = signature["merkleRoot"]?.string
        else { return .skipped("Document does not have merkle root, target hash or data.") }
        // What OpenAttestation's own check requires of a wrapped 2.0 document before it looks at the hashes.
        guard document["version"]?.string == Self.version2 else {
            return .skipped("version is not \(Self.version2)")
        }
        guard signature["type"]?.string == "SHA3MerkleProof" else {
            return .skipped("signature type is \(signature["type"]?.string.map { "'\($0)'" } ?? "absent"), not SHA3MerkleProof")
        }
        var leaves: [String] = []
        flatten2(data, prefix: nil, into: &leaves)
        var hashes = leaves
        if case .array(let obfuscated)? = document["privacy"]?["obfuscatedData"] { hashes += obfuscated.compactMap(\.string) }
        let digest = keccakHex(JCS.stringify(.array(hashes.sorted().map { .string($0) })))
        guard digest == target else { return .tampered("targetHash does not match the document's digest") }
        return checkMerkle(target: target, proof: signature["proof"], root: root)
    }

    /// The `flat` library's flattening: "." between keys, array indices as keys, empty objects and arrays as leaves.
    static func flatten2(_ value: JSONValue, prefix: String?, into leaves: inout [String]) {
        func leaf(_ key: String, _ value: JSONValue) {
            leaves.append(keccakHex(JCS.stringify(.object([(key, value)]))))
        }
        switch value {
        case .object(let members) where !members.isEmpty:
            for member in members { flatten2(member.value, prefix: prefix.map { "\($0).\(member.key)" } ?? member.key, into: &leaves) }
        case .array(let items) where !items.isEmpty:
            for (index, item) in items.enumerated() { flatten2(item, prefix: prefix.map { "\($0).\(index)" } ?? "\(index)", into: &leaves) }
        default:
            if let prefix { leaf(prefix, value) }
        }
    }

    // MARK: - v3

    static func verify3(_ document: JSONValue) -> Integrity {
        guard let proof = document["proof"], let target = proof["targetHash"]?.string, let root = proof["merkleRoot"]?.string,
            let saltsText = proof["salts"]?.string, let saltsData = Data(base64Encoded: saltsText),
            case .array(let salts)? = try? JSONValue.parse(saltsData)
        else { return .skipped("Document does not have merkle root, target hash or salts.") }
        let body = document.removing("proof")
        var visible: [String] = []
        flatten3(body, path: nil, into: &visible)
        var hashes: [[UInt8]] = []
        var salted: Set<String> = []
        for salt in salts {
            guard let path = salt["path"]?.string, let value = salt["value"]?.string, let found = lookup(body, path) else { continue }
            salted.insert(path)
            hashes.append(Keccak256.hash(Array(JCS.stringify(.object([(path, .string("\(value):\(text(found))"))])).utf8)))
        }
        guard Set(visible) == salted else { return .tampered("the document's fields and its salts do not match") }
        if case .array(let obfuscated)? = proof["privacy"]?["obfuscated"] {
            hashes += obfuscated.compactMap(\.string).compactMap(bytes)
        }
        let sorted = hashes.sorted { $0.lexicographicallyPrecedes($1) }.map { hex($0) }
        let digest = keccakHex(JCS.stringify(.array(sorted.map { .string($0) })))
        guard digest == target else { return .tampered("targetHash does not match the document's digest") }
        return checkMerkle(target: target, proof: proof["proofs"], root: root)
    }

    /// Paths of every primitive, as v3 salts name them: "a.b[0].c".
    static func flatten3(_ value: JSONValue, path: String?, into paths: inout [String]) {
        switch value {
        case .object(let members):
            for member in members { flatten3(member.value, path: path.map { "\($0).\(member.key)" } ?? member.key, into: &paths) }
        case .array(let items):
            for (index, item) in items.enumerated() { flatten3(item, path: "\(path ?? "")[\(index)]", into: &paths) }
        default:
            if let path { paths.append(path) }
        }
    }

    static func lookup(_ value: JSONValue, _ path: String) -> JSONValue? {
        var current: JSONValue? = value
        var token = ""
        func step(_ key: String) {
            guard !key.isEmpty else { return }
            if case .array(let items)? = current, let index = Int(key) {
                current = index < items.count ? items[index] : nil
            } else {
                current = current?[key]
            }
        }
        for char in path {
            if char == "." || char == "[" || char == "]" {
                step(token)
                token = ""
            } else {
                token.append(char)
            }
        }
        step(token)
        return current
    }

    /// JavaScript's `${value}` for a primitive.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): s
        case .number(let n): JCS.number(n)
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        default: JCS.stringify(value)
        }
    }

    // MARK: - Merkle proof

    static func checkMerkle(target: String, proof: JSONValue?, root: String) -> Integrity {
        guard root.count == 64, let rootBytes = bytes(root) else { return .tampered("merkleRoot is not 32 bytes") }
        guard var current = bytes(target) else { return .tampered("targetHash is not hex") }
        if case .array(let siblings)? = proof {
            for sibling in siblings {
                guard let next = sibling.string.flatMap(bytes) else { return .tampered("a proof element is not hex") }
                let pair = [current, next].sorted { $0.lexicographicallyPrecedes($1) }
                current = Keccak256.hash(pair[0] + pair[1])
            }
        }
        return current == rootBytes ? .valid : .tampered("the Merkle proof does not lead to the merkleRoot")
    }

    public static func keccakHex(_ text: String) -> String { Keccak256.hex(Array(text.utf8)) }

    static func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }

    static func bytes(_ hex: String) -> [UInt8]? {
        let text = hex.hasPrefix("0x") ? String(hex.dropFirst(2)) : hex
        guard text.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        return out
    }
}
