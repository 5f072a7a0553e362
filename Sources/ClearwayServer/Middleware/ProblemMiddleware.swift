import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Turns every error into an `application/problem+json` response; unknown errors become a 500 that says nothing inside.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return Self.response(
                Problem(code: "body-too-large", title: "Body too large", status: .contentTooLarge, detail: error.body))
        } catch let error as HTTPError {
            return Self.response(
                Problem(code: "http-\(error.status.code)", title: error.status.reasonPhrase, status: error.status,
                    detail: error.body))
        } catch {
            if let problem = Problem.from(error) { return Self.response(problem) }
            logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return Self.response(
                Problem(code: "internal", title: "Internal error", status: .internalServerError,
                    detail: "the server failed; the error was logged"))
        }
    }

    static func response(_ problem: Problem) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(problem)) ?? Data()
        return Response(
            status: problem.httpStatus, headers: [.contentType: "application/problem+json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
