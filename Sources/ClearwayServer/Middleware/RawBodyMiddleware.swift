import ClearwayCore
import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Keeps the exact bytes of bodies whose signature covers them (the bank's callbacks), since the generated decoder
/// only hands on the decoded value.
struct RawBodyMiddleware: ServerMiddleware {
    let limit: Int
    static let operations: Set<String> = ["receiveBankCallback"]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard Self.operations.contains(operationID), let body else { return try await next(request, body, metadata) }
        let bytes = try await Data(collecting: body, upTo: limit)
        return try await RawBody.$bytes.withValue(bytes) { try await next(request, HTTPBody(bytes), metadata) }
    }
}

/// The raw request body of the current request, where `RawBodyMiddleware` kept it.
enum RawBody {
    @TaskLocal static var bytes: Data?

    static func current() throws -> Data {
        guard let bytes else { throw ClearanceError.unauthenticated(reason: "no body to check the signature of") }
        return bytes
    }
}
