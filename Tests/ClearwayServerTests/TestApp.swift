import ClearwayApp
import ClearwayCore
import ClearwayServer
import ClearwayTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus

/// A request as a test sends it.
struct Call: Sendable {
    var method: HTTPRequest.Method
    var path: String
    var token: String?
    var json: String?
    var headers: HTTPFields = [:]
    /// A non-JSON body with its media type.
    var raw: (bytes: [UInt8], contentType: String)? = nil
}

/// Runs `body` against the real router of a Clearway on a fresh store of `backend`.
func withApp<T: Sendable>(
    _ backend: TestBackend, clock: TestClock = TestClock(), maxBody: Int = 1 << 20, rateLimit: Int = 0, live: Bool = false,
    configure: (inout Clearway.Environment) -> Void = { _ in },
    _ body: @escaping @Sendable (Clearway, any TestClientProtocol) async throws -> T
) async throws -> T {
    try await backend.withClearway(clock: clock, configure: configure) { clearway in
        let app = try buildApplication(
            clearway: clearway, settings: ServerSettings(port: 0, maxBodySize: maxBody, rateLimitPerMinute: rateLimit), logger: Logger(label: "test"))
        return try await app.test(live ? .live : .router) { client in try await body(clearway, client) }
    }
}

extension TestClientProtocol {
    func send(_ call: Call) async throws -> TestResponse {
        var headers = call.headers
        if let token = call.token { headers[.authorization] = "Bearer \(token)" }
        if call.json != nil { headers[.contentType] = "application/json" }
        if let raw = call.raw {
            headers[.contentType] = raw.contentType
            return try await execute(uri: call.path, method: call.method, headers: headers, body: ByteBuffer(bytes: raw.bytes))
        }
        return try await execute(
            uri: call.path, method: call.method, headers: headers, body: call.json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    func json() throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }
    func jsonArray() throws -> [[String: Any]] {
        (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]) ?? []
    }
}

/// A JSON body for a declaration that `declarant` lodges for itself.
func declarationJSON(declarant: String = Demo.eastOcean, commodityCode: String = "2106909090", extra: String = "") -> String {
    """
    {"direction":"import","supervisionMode":"0110","declarant":"\(declarant)","tradingParty":"\(declarant)",
     "declarationOffice":"2248","entryExitOffice":"2248","transport":{"mode":"2","means":"COSCO SHIPPING ARIES","voyage":"045E"},"incoterm":"CIF",\(extra)
     "containers":[{"number":"CSQU3054383","seals":["SH123456"]}],
     "items":[{"commodityCode":"\(commodityCode)","description":"Food preparations","quantity":"1200","unit":"KGM",
               "value":"15000.50","currency":"USD","origin":"AU"}]}
    """
}
