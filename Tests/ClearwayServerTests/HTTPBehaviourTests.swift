import ClearwayApp
import ClearwayCore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("HTTP API")
struct HTTPBehaviourTests {
    let backend = TestBackend.sqlite

    @Test("a bad declaration gets every problem at once as problem+json with JSON pointers, and nothing is stored")
    func allErrorsAtOnce() async throws {
        try await withApp(backend) { clearway, client in
            let body = declarationJSON(commodityCode: "8517120000")
                .replacingOccurrences(of: "\"CIF\"", with: "\"XYZ\"")
                .replacingOccurrences(of: "CSQU3054383", with: "CSQU3054384")
            let response = try await client.send(
                Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: body))
            #expect(response.status == .unprocessableContent)
            #expect(response.headers[.contentType] == "application/problem+json")
            let problem = try response.json()
            #expect(problem["type"] as? String == "https://clearway.dev/problems/validation-failed")
            let errors = (problem["errors"] as? [[String: Any]]) ?? []
            #expect(errors.compactMap { $0["pointer"] as? String } == ["/incoterm", "/containers/0/number", "/items/0/commodityCode"])
            #expect(errors.compactMap { $0["code"] as? String } == ["incoterm-unknown", "container-number-check", "hs-code-unknown"])
            let list = try await client.send(Call(method: .get, path: "/api/v1/declarations", token: "demo-token-trader"))
            #expect(try (list.json()["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("malformed JSON is a 400; an unknown field or a wrong type is a 422 naming the field")
    func shapeErrors() async throws {
        try await withApp(backend) { _, client in
            let malformed = try await client.send(
                Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: #"{"direction":"#))
            #expect(malformed.status == .badRequest)
            #expect(try malformed.json()["type"] as? String == "https://clearway.dev/problems/malformed-json")

            let unknown = try await client.send(
                Call(
                    method: .post, path: "/api/v1/declarations", token: "demo-token-trader",
                    json: declarationJSON(extra: #""colour":"blue","#)))
            #expect(unknown.status == .unprocessableContent)
            let unknownErrors = try unknown.json()["errors"] as? [[String: Any]]
            #expect(unknownErrors?.first?["code"] as? String == "unknown-field")
            #expect((unknownErrors?.first?["detail"] as? String)?.contains("colour") == true)

            let wrongType = try await client.send(
                Call(
                    method: .post, path: "/api/v1/declarations", token: "demo-token-trader",
                    json: declarationJSON().replacingOccurrences(of: #""quantity":"1200""#, with: #""quantity":1200"#)))
            #expect(wrongType.status == .unprocessableContent)
            let pointer = (try wrongType.json()["errors"] as? [[String: Any]])?.first?["pointer"] as? String
            #expect(pointer == "/items/0/quantity")
        }
    }

    @Test("several shape problems in one declaration body are all reported at once")
    func shapeProblemsAtOnce() async throws {
        try await withApp(backend) { _, client in
            let body = declarationJSON(extra: #""colour":"blue","#)
                .replacingOccurrences(of: #""quantity":"1200""#, with: #""quantity":1200"#)
                .replacingOccurrences(of: #""incoterm":"CIF","#, with: "")
            let response = try await client.send(
                Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: body))
            #expect(response.status == .unprocessableContent)
            let errors = (try response.json()["errors"] as? [[String: Any]]) ?? []
            let found = Set(errors.compactMap { e in (e["pointer"] as? String).map { "\($0) \(e["code"] as? String ?? "")" } })
            #expect(found == ["/colour unknown-field", "/items/0/quantity wrong-type", "/incoterm required"])
        }
    }

    @Test("a body over the limit is refused with 413 before it is read")
    func bodyLimit() async throws {
        try await withApp(backend, maxBody: 4096) { _, client in
            let big = declarationJSON(extra: "\"overseasParty\":\"\(String(repeating: "x", count: 5000))\",")
            let response = try await client.send(
                Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: big))
            #expect(response.status == .contentTooLarge)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
    }

    @Test("a body sent in chunks, without its length, is refused with 413 once it passes the limit, not failed")
    func chunkedBodyLimit() async throws {
        try await withApp(backend, maxBody: 4096, live: true) { _, client in
            let port = try #require(client.port)
            var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)/api/v1/declarations")))
            request.httpMethod = "POST"
            request.setValue("Bearer demo-token-trader", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            let big = declarationJSON(extra: "\"overseasParty\":\"\(String(repeating: "x", count: 20_000))\",")
            request.httpBodyStream = InputStream(data: Data(big.utf8))  // a stream has no length: it goes chunked
            let (data, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode
            let problem = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect(status == 413, "\(String(decoding: data, as: UTF8.self))")
            #expect(problem?["detail"] as? String == "the body exceeds the limit of 4096 bytes")
        }
    }

    @Test("a replay with the same Idempotency-Key returns the first response byte for byte; another body is refused")
    func idempotency() async throws {
        let clock = TestClock()
        try await withApp(backend, clock: clock) { _, client in
            var headers = HTTPFields()
            headers[HTTPField.Name("Idempotency-Key")!] = "lodge-0001"
            let call = Call(
                method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON(),
                headers: headers)
            let first = try await client.send(call)
            clock.advance(30)
            let second = try await client.send(call)
            #expect(first.status == .created)
            #expect(second.status == .created)
            #expect(first.text == second.text)
            var other = call
            other.json = declarationJSON(extra: #""billOfLading":"COSU2","#)
            let refused = try await client.send(other)
            #expect(refused.status == .unprocessableContent)
            #expect(try refused.json()["type"] as? String == "https://clearway.dev/problems/idempotency-key-reused")
        }
    }

    @Test("an Idempotency-Key's answer is kept for its lifetime, retries within it answered as the first; past it the key is forgotten and may lodge again")
    func idempotencyLifetime() async throws {
        let clock = TestClock()
        try await withApp(backend, clock: clock, configure: { $0.idempotencyLifetime = 30 * 86_400 }) { clearway, client in
            var headers = HTTPFields()
            headers[HTTPField.Name("Idempotency-Key")!] = "lodge-0002"
            let call = Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON(), headers: headers)
            let first = try await client.send(call)
            clock.advance(29 * 86_400)
            let kept = try await clearway.expireIdempotencyKeys()
            let within = try await client.send(call)
            #expect(first.status == .created && kept == 0 && within.text == first.text)

            clock.advance(2 * 86_400)
            let forgotten = try await clearway.expireIdempotencyKeys(batch: 1)
            let after = try await client.send(call)
            let firstID = try first.json()["id"] as? String, afterID = try after.json()["id"] as? String
            #expect(forgotten >= 1 && after.status == .created && afterID != firstID, "\(after.text)")
            // The answer made just now is kept: the next pass forgets nothing of it.
            let retried = try await client.send(call)
            #expect(try await clearway.expireIdempotencyKeys() == 0 && retried.text == after.text)
        }
    }

    @Test("a stale If-Match version is a 409 and changes nothing")
    func staleVersion() async throws {
        try await withApp(backend) { _, client in
            let created = try await client.send(
                Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON()))
            let id = try #require(try created.json()["id"] as? String)
            var headers = HTTPFields()
            headers[.ifMatch] = "\"1\""
            let bound = try await client.send(
                Call(
                    method: .post, path: "/api/v1/declarations/\(id)/transport", token: "demo-token-trader",
                    json: #"{"means":"COSCO SHIPPING ARIES"}"#, headers: headers))
            #expect(bound.status == .ok)
            let stale = try await client.send(
                Call(
                    method: .post, path: "/api/v1/declarations/\(id)/cancel", token: "demo-token-trader",
                    json: #"{"reason":"changed my mind"}"#, headers: headers))
            #expect(stale.status == .conflict)
            let read = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(id)", token: "demo-token-trader"))
            #expect(try read.json()["status"] as? String == "accepted")
            #expect(try read.json()["version"] as? Int == 2)
        }
    }

    @Test("after five failed logins in fifteen minutes a username is refused with 429, even with the right password, until the window passes")
    func loginThrottling() async throws {
        let clock = TestClock()
        try await withApp(backend, clock: clock) { _, client in
            func login(_ password: String) async throws -> TestResponse {
                try await client.send(Call(method: .post, path: "/api/v1/auth/login",
                                           json: #"{"username":"trader","password":"\#(password)"}"#))
            }
            for _ in 0..<5 {
                #expect(try await login("guess").status == .unauthorized)
                clock.advance(60)
            }
            let locked = try await login("clearway-demo")
            #expect(locked.status == .tooManyRequests)
            #expect(try locked.json()["type"] as? String == "https://clearway.dev/problems/too-many-attempts")
            // Another user is not affected.
            #expect(try await client.send(Call(method: .post, path: "/api/v1/auth/login",
                                               json: #"{"username":"officer","password":"clearway-demo"}"#)).status == .ok)
            clock.advance(15 * 60)
            #expect(try await login("clearway-demo").status == .ok)
        }
    }

    @Test("a bad or revoked bearer token is a 401; someone else's declaration is a 404")
    func authentication() async throws {
        try await withApp(backend) { _, client in
            let bad = try await client.send(Call(method: .get, path: "/api/v1/me", token: "not-a-token"))
            #expect(bad.status == .unauthorized)
            let login = try await client.send(
                Call(method: .post, path: "/api/v1/auth/login", json: #"{"username":"trader","password":"clearway-demo"}"#))
            let session = try login.json()
            let token = try #require(session["token"] as? String)
            let tokenID = try #require(session["id"] as? String)
            #expect(try await client.send(Call(method: .get, path: "/api/v1/me", token: token)).status == .ok)
            _ = try await client.send(Call(method: .delete, path: "/api/v1/tokens/\(tokenID)", token: token))
            #expect(try await client.send(Call(method: .get, path: "/api/v1/me", token: token)).status == .unauthorized)
            let wrong = try await client.send(
                Call(method: .post, path: "/api/v1/auth/login", json: #"{"username":"trader","password":"guess"}"#))
            #expect(wrong.status == .unauthorized)

            let created = try await client.send(
                Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON()))
            let number = try #require(try created.json()["customsNumber"] as? String)
            let byNumber = try await client.send(
                Call(method: .get, path: "/api/v1/declarations/\(number)", token: "demo-token-officer"))
            #expect(byNumber.status == .ok)
            let hidden = try await client.send(
                Call(method: .get, path: "/api/v1/declarations/\(number)", token: "demo-token-broker"))
            let missing = try await client.send(
                Call(method: .get, path: "/api/v1/declarations/000000000000000000", token: "demo-token-broker"))
            #expect(hidden.status == .notFound)
            #expect(hidden.text.replacingOccurrences(of: number, with: "X") == missing.text.replacingOccurrences(of: "000000000000000000", with: "X"))
        }
    }

    @Test("the contract is served, health answers, and metrics count requests and the writer's transactions")
    func operations() async throws {
        try await withApp(backend) { _, client in
            let spec = try await client.send(Call(method: .get, path: "/openapi.yaml"))
            #expect(spec.text.hasPrefix("openapi: \"3.1.0\""))
            #expect(try await client.send(Call(method: .get, path: "/readyz")).text == "ready\n")
            let metrics = try await client.send(Call(method: .get, path: "/metrics"))
            #expect(metrics.text.contains("clearway_http_requests_total{method=\"GET\",status=\"200\"}"))
            // The demo data went through the writer before the first request.
            let gauge = { (name: String) in
                metrics.text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
            }
            #expect((gauge("clearway_writer_transactions") ?? 0) > 0, "no writer figures in /metrics")
            // SQLite's writer runs each group on one thread, so its CPU time is known.
            let cpu = gauge("clearway_writer_cpu_seconds"), busy = gauge("clearway_writer_busy_seconds") ?? 0
            #expect(cpu.map { $0 > 0 && $0 <= busy } == true, "the writer's CPU time is missing or above its busy time")
        }
    }

    @Test("a list page links to the next with a cursor; a forged cursor is a 422")
    func paging() async throws {
        try await withApp(backend) { _, client in
            for _ in 0..<3 {
                _ = try await client.send(
                    Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON()))
            }
            let first = try await client.send(
                Call(method: .get, path: "/api/v1/declarations?limit=2", token: "demo-token-trader"))
            let cursor = try #require(try first.json()["nextCursor"] as? String)
            let second = try await client.send(
                Call(
                    method: .get, path: "/api/v1/declarations?limit=2&cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                    token: "demo-token-trader"))
            #expect((try second.json()["items"] as? [Any])?.count == 1)
            #expect(try second.json()["nextCursor"] == nil)
            let forged = try await client.send(
                Call(method: .get, path: "/api/v1/declarations?cursor=bm9wZQ", token: "demo-token-trader"))
            #expect(forged.status == .unprocessableContent)
        }
    }
}
