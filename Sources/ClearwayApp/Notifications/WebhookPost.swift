import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The HTTP POST the platform makes to others' systems (webhook receivers, bank gateways), with a short timeout so a
/// slow receiver only delays its own work.
public enum WebhookPost {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        configuration.timeoutIntervalForResource = 15
        return URLSession(configuration: configuration)
    }()

    @Sendable public static func send(to url: URL, headers: [String: String], body: Data) async throws -> Int {
        try await post(to: url, headers: headers, body: body).status
    }

    /// POSTs `body` and returns the status and the answer's body.
    public static func post(to url: URL, headers: [String: String], body: Data) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.upload(for: request, from: body)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}
