import ClearwayCore
import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Checks the JSON shape of declaration bodies before the generated decoder, so a body with several wrong-typed,
/// missing or unknown fields gets all of them in one answer rather than the decoder's first.
struct ShapeMiddleware: ServerMiddleware {
    let limit: Int
    static let shapes: [String: JSONShape] = [
        "lodgeDeclaration": DeclarationForm.shape, "amendDeclaration": DeclarationForm.shape,
        "completeDeclaration": DeclarationForm.shape,
    ]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let shape = Self.shapes[operationID], let body else { return try await next(request, body, metadata) }
        let bytes = try await Data(collecting: body, upTo: limit)
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not valid JSON: \(error)", underlyingError: error))
        }
        let problems = shape.problems(in: value)
        if !problems.isEmpty { throw ClearanceError.invalid(ValidationFailure(problems)) }
        return try await next(request, HTTPBody(bytes), metadata)
    }
}
