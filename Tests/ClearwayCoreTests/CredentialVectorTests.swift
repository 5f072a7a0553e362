import ClearwayCore
import ClearwayTestSupport
import Crypto
import Foundation
import Testing

@Suite("RFC 8785 and eddsa-jcs-2022 vectors")
struct CredentialVectorTests {
    static let jcs = SharedData.directory?.appendingPathComponent("jcs")
    static let vc = SharedData.directory?.appendingPathComponent("vc-eddsa")

    static func text(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }

    @Test("every RFC 8785 input canonicalizes to exactly its output",
        arguments: ["arrays", "french", "structures", "unicode", "values", "weird"])
    func jcsCases(name: String) throws {
        guard let jcs = Self.jcs else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        let input = try Data(contentsOf: jcs.appendingPathComponent("input/\(name).json"))
        let expected = try Data(contentsOf: jcs.appendingPathComponent("output/\(name).json"))
        let canonical = try JCS.canonicalize(input)
        #expect(canonical == expected, "\(String(decoding: canonical, as: UTF8.self))")
    }

    @Test("ES6 number forms", arguments: [
        (1e21, "1e+21"), (1e-7, "1e-7"), (123456789012345680000, "123456789012345680000"), (0.000001, "0.000001"),
        (-0.0, "0"), (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"), (333333333.33333329, "333333333.3333333"),
        (4.5, "4.5"), (2e-3, "0.002"), (100, "100"), (1.5e22, "1.5e+22"),
    ])
    func numbers(value: Double, expected: String) {
        #expect(JCS.number(value) == expected)
    }

    @Test("the W3C eddsa-jcs-2022 vector reproduces byte for byte: canonical forms, hashes, signature, proofValue")
    func signingVector() throws {
        guard let vc = Self.vc else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        let keys = try JSONValue.parse(try Data(contentsOf: vc.appendingPathComponent("keyPair.json")))
        let key = try #require(DIDKey.privateKey(multibase: keys["privateKeyMultibase"]!.string!))
        #expect(DIDKey(publicKey: key.publicKey).multibase == keys["publicKeyMultibase"]?.string)
        // The vectors' unsecured document is the Alumni credential that signedJCS.json carries.
        let published = try JSONValue.parse(try Data(contentsOf: vc.appendingPathComponent("signedJCS.json")))
        let document = published.removing("proof")
        let proofConfig = try JSONValue.parse(try Data(contentsOf: vc.appendingPathComponent("proofConfigJCS.json")))
        let hashes = DataIntegrity.hashes(document: document, proofConfig: proofConfig)
        func expected(_ file: String) throws -> String { try Self.text(vc.appendingPathComponent(file)) }
        let canonDoc = try expected("canonDocJCS.txt"), proofCanon = try expected("proofCanonJCS.txt")
        let docHash = try expected("docHashJCS.txt"), proofHash = try expected("proofHashJCS.txt")
        let combined = try expected("combinedHashJCS.txt"), sigHex = try expected("sigHexJCS.txt")
        let sig58 = try expected("sigBTC58JCS.txt")
        #expect(String(decoding: hashes.canonicalDocument, as: UTF8.self) == canonDoc)
        #expect(String(decoding: hashes.canonicalProofConfig, as: UTF8.self) == proofCanon)
        #expect(Self.hex(hashes.documentHash) == docHash)
        #expect(Self.hex(hashes.proofConfigHash) == proofHash)
        #expect(Self.hex(hashes.combined) == combined)
        let signature = try key.signature(for: hashes.combined)
        #expect(Self.hex(signature) == sigHex)
        #expect(Base58.multibase(Array(signature)) == sig58)

        let created = try #require(Timestamp.parse(proofConfig["created"]!.string!))
        let signed = try DataIntegrity.sign(document, key: key, created: created)
        #expect(JCS.canonicalize(signed) == JCS.canonicalize(published))
    }

    @Test("the signed vector verifies, and a change to any single field is detected")
    func tamper() throws {
        guard let vc = Self.vc else { return }
        let signed = try JSONValue.parse(try Data(contentsOf: vc.appendingPathComponent("signedJCS.json")))
        let valid = DataIntegrity.verify(signed).allSatisfy { $0.passed }
        #expect(valid)
        var tampered = 0
        func mutate(_ value: JSONValue, path: [String], visit: (JSONValue, [String]) -> Void) {
            visit(value, path)
            if case .object(let members) = value {
                for member in members { mutate(member.value, path: path + [member.key], visit: visit) }
            }
        }
        mutate(signed, path: []) { value, path in
            guard !path.isEmpty, path.last != "proofValue" else { return }
            let replacement: JSONValue
            switch value {
            case .string(let s): replacement = .string(s + "x")
            case .number(let n): replacement = .number(n + 1)
            case .bool(let b): replacement = .bool(!b)
            default: return
            }
            let changed = Self.replace(signed, path: path, with: replacement)
            let stillValid = DataIntegrity.verify(changed).allSatisfy { $0.passed }
            #expect(!stillValid, "changing \(path) went unnoticed")
            tampered += 1
        }
        #expect(tampered >= 8)
        let unsigned = signed.removing("proof")
        let none = DataIntegrity.verify(unsigned).map(\.passed)
        #expect(none == [false])
    }

    static func replace(_ value: JSONValue, path: [String], with replacement: JSONValue) -> JSONValue {
        guard let first = path.first else { return replacement }
        guard let child = value[first] else { return value }
        return value.setting(first, replace(child, path: Array(path.dropFirst()), with: replacement))
    }

    @Test("the parser refuses duplicate keys, trailing commas and deep nesting")
    func strictParsing() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Data(#"{"a":1,"a":2}"#.utf8)) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Data("[1,]".utf8)) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Data((String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).utf8)) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Data("01".utf8)) }
        #expect(Base58.decode(Base58.encode([0, 0, 1, 2, 255])) == [0, 0, 1, 2, 255])
    }
}

@Suite("Bitstring Status List")
struct StatusListTests {
    @Test("bits set survive encoding; the list is at least 16 KiB and a valid GZIP stream")
    func roundTrip() throws {
        var list = StatusList()
        for index in [0, 7, 8, 94_567, 131_071] { list.set(index) }
        #expect(list.count == 131_072)
        let encoded = list.encodedList
        #expect(encoded.hasPrefix("u"))
        let decoded = try #require(StatusList(encodedList: encoded))
        #expect(decoded == list)
        #expect([0, 7, 8, 94_567, 131_071].allSatisfy { decoded.isSet($0) })
        #expect(!decoded.isSet(1) && !decoded.isSet(94_566))
        #expect(list.bytes[0] == 0x81)
        var grown = StatusList()
        grown.set(200_000)
        #expect(grown.isSet(200_000))
        #expect(StatusList(encodedList: "unot-gzip") == nil)
    }
}

extension CredentialVectorTests {
    @Test("the proof's @context is signed and must be where the document's begins; a document may carry more after it")
    func proofContext() throws {
        guard let vc = Self.vc else { return }
        let signed = try JSONValue.parse(try Data(contentsOf: vc.appendingPathComponent("signedJCS.json")))
        guard case .array(let contexts)? = signed["@context"] else {
            Issue.record("the vector's @context is not a list")
            return
        }
        func proof(_ context: [JSONValue]) -> JSONValue { signed.setting("proof", signed["proof"]!.setting("@context", .array(context))) }
        func passed(_ document: JSONValue) -> Bool { DataIntegrity.verify(document).allSatisfy(\.passed) }
        #expect(passed(signed))
        #expect(!passed(proof(Array(contexts.dropLast()))), "a shorter proof context changes what was signed")
        let longer = DataIntegrity.verify(proof(contexts + [.string("https://example.org/more")]))
        #expect(longer.last == .init(name: "signature", passed: false, detail: "the proof's @context is not where the document's @context begins"))
        #expect(!passed(proof(contexts.reversed())))
        #expect(passed(signed.setting("@context", .array(contexts + [.string("https://example.org/more")]))),
                "eddsa-jcs-2022 verifies the document under the proof's @context, which the document's need only begin with")
    }
}
