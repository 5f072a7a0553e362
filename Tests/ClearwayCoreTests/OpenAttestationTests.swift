import ClearwayCore
import ClearwayInterop
import ClearwayTestSupport
import Foundation
import Testing

@Suite("OpenAttestation integrity")
struct OpenAttestationTests {
    static let root = SharedData.directory?.appendingPathComponent("openattestation")

    /// Every JSON fixture, relative to the openattestation folder.
    static var files: [String] {
        guard let root else { return [] }
        let walker = FileManager.default.enumerator(atPath: root.path)
        var found: [String] = []
        while let path = walker?.nextObject() as? String { if path.hasSuffix(".json") { found.append(path) } }
        return found.sorted()
    }

    static let tampered: Set<String> = [
        "oa-verify/v2/tamperedDocument.json", "oa-verify/v2/tamperedDocumentInvalid.json",
        "oa-verify/v2/documentMainnetInvalidWithIncorrectMerkleRoot.json",
        "oa-verify/v2/documentMainnetInvalidWithOddLengthMerkleRoot.json",
        "open-attestation/test-fixtures/v2/obfuscated-wrapped.json",
    ]

    static func isWrapped(_ document: JSONValue) -> Bool {
        (document["signature"]?["targetHash"] != nil && document["data"] != nil)
            || (document["proof"]?["salts"] != nil && document["proof"]?["targetHash"] != nil)
    }

    @Test("every fixture gives the integrity result EXPECTED.md states")
    func fixtures() throws {
        guard let root = Self.root else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        var checked = 0
        var counts: [String: Int] = [:]
        defer { print("OpenAttestation fixtures by expected result: \(counts.sorted { $0.key < $1.key })") }
        var wrong: [String] = []
        for file in Self.files {
            guard let document = try? JSONValue.parse(try Data(contentsOf: root.appendingPathComponent(file))),
                OpenAttestation.recognises(document) || Self.isWrapped(document)
            else { continue }
            let result = OpenAttestation.verify(document)
            counts[Self.tampered.contains(file) ? "tampered" : Self.isWrapped(document) ? "valid" : "skipped", default: 0] += 1
            let expected: String = Self.tampered.contains(file) ? "tampered" : Self.isWrapped(document) ? "valid" : "skipped"
            let actual: String
            switch result {
            case .valid: actual = "valid"
            case .tampered: actual = "tampered"
            case .skipped: actual = "skipped"
            }
            if actual != expected { wrong.append("\(file): \(actual), expected \(expected) (\(result))") }
            checked += 1
        }
        #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
        #expect(checked > 40)
        print("OpenAttestation fixtures checked: \(checked)")
    }

    @Test("keccak-256 of known strings")
    func keccak() {
        let empty = OpenAttestation.keccakHex("")
        let abc = OpenAttestation.keccakHex("abc")
        #expect(empty == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        #expect(abc == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
    }
}

extension OpenAttestationTests {
    @Test("replacing the issuer of a valid v3 document, or a value of a v2 one, is caught")
    func derivedTampering() throws {
        guard let root = Self.root else { return }
        var tried = 0
        for file in Self.files where file.contains("/v3/") || file.hasPrefix("oa-verify/v2/document") {
            guard !Self.tampered.contains(file),
                let document = try? JSONValue.parse(try Data(contentsOf: root.appendingPathComponent(file))),
                Self.isWrapped(document), OpenAttestation.verify(document) == .valid
            else { continue }
            let changed: JSONValue
            if document["proof"]?["salts"] != nil {
                changed = document.setting(
                    "issuer", .object([("id", .string("https://example.com")), ("name", .string("DEMO STORE (TAMPERED)"))]))
            } else {
                guard let data = document["data"], case .object(let members) = data, let first = members.first,
                    case .string(let text) = first.value
                else { continue }
                changed = document.setting("data", data.setting(first.key, .string(text + "x")))
            }
            let verdict = OpenAttestation.verify(changed)
            #expect(verdict != .valid, "\(file) still valid after tampering")
            tried += 1
        }
        #expect(tried > 10)
    }
}

extension OpenAttestationTests {
    @Test("a wrapped 2.0 document whose version or signature type was changed is not checked as one, as OpenAttestation's own verifier does")
    func versionAndSignatureType() throws {
        guard let root = Self.root else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        let valid = try JSONValue.parse(Data(contentsOf: root.appendingPathComponent("oa-verify/v2/documentMainnetValid.json")))
        #expect(OpenAttestation.verify(valid) == .valid)
        let otherVersion = valid.setting("version", .string("https://schema.openattestation.com/2.0/schema.jsonx"))
        #expect(OpenAttestation.verify(otherVersion) == .skipped("version is not https://schema.openattestation.com/2.0/schema.json"))
        let otherType = valid.setting("signature", valid["signature"]!.setting("type", .string("SHA3MerkleProofx")))
        #expect(OpenAttestation.verify(otherType) == .skipped("signature type is 'SHA3MerkleProofx', not SHA3MerkleProof"))
    }
}
