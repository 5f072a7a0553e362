import ClearwayApp
import ClearwayCore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Credentials changed anywhere")
struct CredentialMutationTests {
    /// The value at `place` changed so that it means something else (JCS would not write it as before): text gains a
    /// character, a number becomes text, a truth flips, a member or item is removed or one added.
    static func change(_ document: APIMutationTests.Value, _ rng: inout SplitMix64) -> (APIMutationTests.Value, String)? {
        let places = document.places.filter { !$0.isEmpty }
        guard let place = places.randomElement(using: &rng) else { return nil }
        let pointer = "/" + place.joined(separator: "/")
        var current = document
        for step in place {
            switch current {
            case .object(let members): current = members.first { $0.0 == step }!.1
            case .array(let items): current = items[Int(step)!]
            case .raw: break
            }
        }
        let new: APIMutationTests.Value?
        let said: String
        switch current {
        case .raw(let text) where text.hasPrefix("\""):
            let at = Int.random(in: 1..<text.count, using: &rng)
            new = .raw(String(text.prefix(at)) + "x" + String(text.dropFirst(at)))
            said = "\(pointer) gains a character"
        case .raw("true"): (new, said) = (.raw("false"), "\(pointer) flipped")
        case .raw("false"): (new, said) = (.raw("true"), "\(pointer) flipped")
        case .raw("null"): (new, said) = (.raw("0"), "\(pointer) set")
        case .raw(let number):
            (new, said) = (.raw("\"\(number)\""), "\(pointer) written as text")
        case .object(let members):
            if Bool.random(using: &rng) || members.isEmpty {
                (new, said) = (.object(members + [("clearwayTestExtra", .raw("1"))]), "\(pointer) gains a member")
            } else {
                (new, said) = (.object(Array(members.dropLast())), "\(pointer) loses \(members.last!.0)")
            }
        case .array(let items):
            if Bool.random(using: &rng) || items.isEmpty {
                (new, said) = (.array(items + [.raw("\"x\"")]), "\(pointer) gains an item")
            } else {
                (new, said) = (.array(Array(items.dropLast())), "\(pointer) loses its last item")
            }
        }
        if Int.random(in: 0..<6, using: &rng) == 0 {
            return document.replacing(place[...], with: nil).map { ($0, "\(pointer) removed") }
        }
        return document.replacing(place[...], with: new).map { ($0, said) }
    }

    @Test("a credential changed anywhere, by one member, one character or one flag, never verifies; neither does a changed W3C test vector or OpenAttestation document, and none is a server failure")
    func changedAnywhere() async throws {
        // More cases: CLEARWAY_CREDENTIAL_MUTATIONS=5000 CLEARWAY_CREDENTIAL_SEED=7 swift test --filter CredentialMutationTests
        let search = SeededSearch("CREDENTIAL", count: 200)
        let count = search.count
        try await withApp(.sqlite) { clearway, client in
            var rng = SplitMix64(state: search.seed)
            let released = try await CredentialHTTPTests.releasedImport(clearway)
            let issued = try await client.send(Call(
                method: .post, path: "/api/v1/declarations/\(released.id)/release-note", token: "demo-token-officer"))
            let credential = try #require(try issued.json()["credential"] as? [String: Any])
            var originals = [("release note", String(decoding: try JSONSerialization.data(withJSONObject: credential), as: UTF8.self))]
            if let data = SharedData.directory {
                originals.append(("W3C eddsa-jcs-2022 vector", try String(contentsOf: data.appendingPathComponent("vc-eddsa/signedJCS.json"), encoding: .utf8)))
                originals.append(("OpenAttestation document", try String(
                    contentsOf: data.appendingPathComponent("openattestation/oa-verify/v2/documentMainnetValid.json"), encoding: .utf8)))
            }
            func verdict(_ json: String) async throws -> (code: UInt, status: String?, signed: Bool?) {
                let response = try await client.send(Call(method: .post, path: "/api/v1/credentials/verify", json: json))
                let body = try? JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any]
                let checks = body?["checks"] as? [[String: Any]] ?? []
                return (UInt(response.status.code), body?["status"] as? String,
                        checks.first { $0["name"] as? String == "signature" }?["passed"] as? Bool)
            }
            let documents = originals.compactMap { name, text in APIMutationTests.Value.read(text).map { (name, $0) } }
            #expect(documents.count == originals.count)
            for (name, document) in documents {
                let before = try await verdict(document.text)
                #expect(before.status == "valid" || (before.status == "unknown-issuer" && before.signed == true), "\(name): \(before)")
            }
            var failures: [String] = []
            for index in 0..<count {
                let (name, document) = documents.randomElement(using: &rng)!
                guard let (changed, what) = Self.change(document, &rng) else { continue }
                // OpenAttestation hashes only `data` and the hashes `privacy` lists; the `schema` hint and members added
                // outside `data` are unsigned by design, and its own verifier takes them too.
                if name.hasPrefix("OpenAttestation"), what.hasPrefix("/schema") || (what.hasSuffix("gains a member") && !what.hasPrefix("/data")) {
                    continue
                }
                // eddsa-jcs-2022 signs the document under the proof's @context, which the document's need only begin with
                // (Verify Proof, step 4): one added at its end is allowed by the cryptosuite.
                if what == "/@context gains an item" { continue }
                let after = try await verdict(changed.text)
                if after.code >= 500 || after.status == "valid" || after.signed == true {
                    failures.append("case \(index), \(name), \(what): \(after.code) \(after.status ?? "-") signature \(after.signed.map(String.init) ?? "-")")
                }
            }
            #expect(failures.isEmpty, "\(failures.count) of \(count):\n\(failures.prefix(30).joined(separator: "\n"))")
        }
    }
}
