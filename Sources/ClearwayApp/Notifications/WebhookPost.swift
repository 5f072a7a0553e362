import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The HTTP POST that carries a webhook, with a short timeout so a slow receiver only delays its own subscription.
public enum WebhookPost {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        configuration.timeoutIntervalForResource = 15
        return URLSession(configuration: configuration)
    }()

    @Sendable public static func send(to url: URL, headers: [String: String], body: Data) async throws -> Int {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (_, response) = try await session.upload(for: request, from: body)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}
