import ClearwayApp
import ClearwayCore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("API bodies with fields set wrong")
struct APIMutationTests {
    /// A JSON value kept in its written form, so a case can hold numbers no parser keeps (1e400, 20 digits) as sent.
    indirect enum Value: Sendable {
        case object([(String, Value)])
        case array([Value])
        case raw(String)

        /// Reads the well-formed JSON the endpoints' requests are made of, keeping every scalar as written.
        static func read(_ text: String) -> Value? {
            var bytes = Array(text.utf8)[...]
            let value = read(&bytes)
            return bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A } ? value : nil
        }

        private static func read(_ bytes: inout ArraySlice<UInt8>) -> Value? {
            func skip() { while let b = bytes.first, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { bytes.removeFirst() } }
            func string() -> String? {
                guard bytes.first == UInt8(ascii: "\"") else { return nil }
                var end = bytes.index(after: bytes.startIndex)
                while end < bytes.endIndex, bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
                guard end < bytes.endIndex else { return nil }
                let text = String(decoding: bytes[bytes.startIndex...end], as: UTF8.self)
                bytes = bytes[(end + 1)...]
                return text
            }
            skip()
            switch bytes.first {
            case UInt8(ascii: "{"):
                bytes.removeFirst()
                var members: [(String, Value)] = []
                skip()
                if bytes.first == UInt8(ascii: "}") { bytes.removeFirst(); return .object([]) }
                while true {
                    skip()
                    guard let key = string().flatMap({ try? JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) as? String }) else { return nil }
                    skip()
                    guard bytes.first == UInt8(ascii: ":") else { return nil }
                    bytes.removeFirst()
                    guard let value = read(&bytes) else { return nil }
                    members.append((key, value))
                    skip()
                    guard let next = bytes.popFirst() else { return nil }
                    if next == UInt8(ascii: "}") { return .object(members) }
                    guard next == UInt8(ascii: ",") else { return nil }
                }
            case UInt8(ascii: "["):
                bytes.removeFirst()
                var items: [Value] = []
                skip()
                if bytes.first == UInt8(ascii: "]") { bytes.removeFirst(); return .array([]) }
                while true {
                    guard let value = read(&bytes) else { return nil }
                    items.append(value)
                    skip()
                    guard let next = bytes.popFirst() else { return nil }
                    if next == UInt8(ascii: "]") { return .array(items) }
                    guard next == UInt8(ascii: ",") else { return nil }
                }
            case UInt8(ascii: "\""):
                return string().map(Value.raw)
            case .some:
                let scalar = bytes.prefix { !" ,]}\n\r\t".utf8.contains($0) }
                bytes = bytes[scalar.endIndex...]
                return scalar.isEmpty ? nil : .raw(String(decoding: scalar, as: UTF8.self))
            case nil:
                return nil
            }
        }

        static func quoted(_ string: String) -> String {
            let data = try! JSONSerialization.data(withJSONObject: [string], options: [.fragmentsAllowed, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self).dropFirst().dropLast().description
        }

        var text: String {
            switch self {
            case .object(let members): "{" + members.map { Self.quoted($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
            case .array(let items): "[" + items.map(\.text).joined(separator: ",") + "]"
            case .raw(let text): text
            }
        }

        /// Every value's place, as the path of keys and indices leading to it (the root is the empty path).
        var places: [[String]] {
            switch self {
            case .object(let members): [[]] + members.flatMap { key, value in value.places.map { [key] + $0 } }
            case .array(let items): [[]] + items.enumerated().flatMap { index, value in value.places.map { [String(index)] + $0 } }
            case .raw: [[]]
            }
        }

        /// This value with the one at `place` replaced (`nil`: the member removed).
        func replacing(_ place: ArraySlice<String>, with new: Value?) -> Value? {
            guard let head = place.first else { return new }
            switch self {
            case .object(let members):
                return .object(members.compactMap { key, value in
                    key == head ? value.replacing(place.dropFirst(), with: new).map { (key, $0) } : (key, value)
                })
            case .array(let items):
                return .array(items.enumerated().compactMap { index, value in
                    String(index) == head ? value.replacing(place.dropFirst(), with: new) : value
                })
            case .raw: return self
            }
        }
    }

    /// What clients send wrong, and values past every bound, each as written in JSON.
    static let values = [
        "null", "true", "false", "0", "-1", "-0", "0.5", "1e400", "-1e400", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "123456789012345678901234567890", "4611686018427387904", "2.5e-400", "[]", "{}", "[null]",
        #"{"x":1}"#, String(repeating: "[", count: 200) + String(repeating: "]", count: 200), #""""#, #"" ""#, #""-1""#,
        #""0""#, #""NaN""#, #""Infinity""#, #""99999999999999999999.99""#, #""1e5""#, #""0x10""#, #""１２""#,
        #""2026-02-30T10:00:00Z""#, #""2026-13-01""#, #""9999-12-31T23:59:59Z""#, #""0000-01-01T00:00:00Z""#,
        #""2026-05-28T10:00:00+25:00""#, #""\u0000""#, #""\u202Eevil""#, #""名""#, #""💥""#, #""../../etc/passwd""#,
        #""<script>alert(1)</script>""#, #""' OR 1=1 --""#, #""\ud800""#,
        "\"" + String(repeating: "x", count: 70_000) + "\"", "\"" + String(repeating: "名", count: 5_000) + "\"",
    ]

    /// One to three places in `body` set to values above, or removed; says which.
    static func mutate(_ body: Value, _ rng: inout SplitMix64) -> (Value, String) {
        var value = body, said: [String] = []
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            guard let place = value.places.randomElement(using: &rng) else { break }
            let pointer = "/" + place.joined(separator: "/")
            if !place.isEmpty && Int.random(in: 0..<8, using: &rng) == 0 {
                value = value.replacing(place[...], with: nil) ?? value
                said.append("\(pointer) removed")
            } else {
                let new = values.randomElement(using: &rng)!
                value = value.replacing(place[...], with: .raw(new)) ?? value
                said.append("\(pointer) = \(new.prefix(40))")
            }
        }
        return (value, said.joined(separator: ", "))
    }

    @Test("every operation's JSON body, one to three of its fields set to what clients get wrong or past every bound, is answered with a problem that says what and where, or taken: never a server failure")
    func fieldsSetWrong() async throws {
        // More cases, or other ones, for a longer search: CLEARWAY_API_MUTATIONS=50 CLEARWAY_API_SEED=7 swift test --filter APIMutationTests
        let search = SeededSearch("API", count: 6)
        try await withApp(.sqlite) { clearway, client in
            var rng = SplitMix64(state: search.seed)
            var answers = SearchAnswers(), operations = 0
            for endpoint in AuthorizationMatrixTests.endpoints {
                let roles = endpoint.allowed.sorted { $0.rawValue < $1.rawValue }
                guard let first = try await endpoint.request(clearway, roles.first).json, Value.read(first) != nil else { continue }
                operations += 1
                for round in 0..<search.count {
                    let role = roles.randomElement(using: &rng)
                    var call = try await endpoint.request(clearway, role)
                    guard let body = call.json.flatMap(Value.read) else { continue }
                    let (mutated, what) = Self.mutate(body, &rng)
                    call.json = mutated.text
                    let response = try await client.send(call)
                    answers.record(response, "\(endpoint.operation) as \(role?.rawValue ?? "anyone"), case \(round) (\(what))") { response in
                        // A problem with its status, and each field error with where and why.
                        let problem = try? JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any]
                        let errors = problem?["errors"] as? [[String: Any]]
                        return problem?["title"] is String && problem?["status"] as? Int == Int(response.status.code)
                            && !(errors?.isEmpty ?? false)
                            && !(errors ?? []).contains { ($0["pointer"] as? String) == nil || ($0["detail"] as? String ?? "").isEmpty }
                    }
                }
            }
            #expect(answers.failures.isEmpty, "\(answers.report(of: operations * search.count))")
            #expect(operations > 50, "the cases reach most operations with a body")
            #expect(answers.refused > 0 && answers.taken > 0, "the cases reach both the checks and what lies behind them")
            let health = try await client.send(Call(method: .get, path: "/healthz"))
            #expect(health.status == .ok)
        }
    }
}
