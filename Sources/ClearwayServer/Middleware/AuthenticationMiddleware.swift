import ClearwayApp
import ClearwayCore
import Hummingbird

/// Resolves an `Authorization: Bearer` token to its principal for the rest of the request; a bad token is a 401.
struct AuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let clearway: Clearway

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw ClearanceError.unauthenticated(reason: "the Authorization header must be 'Bearer <token>'")
        }
        guard let found = try await clearway.authenticate(token: String(parts[1])) else {
            throw ClearanceError.unauthenticated(reason: "the bearer token is unknown, revoked or expired")
        }
        return try await RequestPrincipal.$current.withValue(found.principal) {
            try await next(request, context)
        }
    }
}
