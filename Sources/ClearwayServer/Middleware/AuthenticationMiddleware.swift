import ClearwayApp
import ClearwayCore
import HTTPTypes
import Hummingbird

/// Resolves an `Authorization: Bearer` token to its principal for the rest of the request; a bad token is a 401.
struct AuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let clearway: Clearway

    /// What answers without a login; everything else is refused with 401 before its body is read.
    static var publicPaths: Set<String> {
        [
            "/healthz", "/readyz", "/metrics", "/openapi.yaml", "/api/v1/auth/login", "/api/v1/offices", "/api/v1/ports",
            "/api/v1/agencies", "/fees", "/api/v1/status-lists/revocation", "/api/v1/status-lists/suspension",
        ]
    }

    static func isPublic(_ method: HTTPRequest.Method, _ path: String) -> Bool {
        // Pages log people in with their own session cookie (WebPages).
        publicPaths.contains(path) || WebPages.isPagePath(path) || (method == .get && path.hasPrefix("/api/v1/fee-catalogs"))
            || (method == .get && path.hasPrefix("/api/v1/risk/random-seeds/"))
            || path == "/verify" || (method == .get && path.hasPrefix("/verify/"))
            || (method == .get && path.hasPrefix("/credentials/") && path.hasSuffix("/print"))
            || (method == .post && path == "/api/v1/credentials/verify")
            || (method == .post && path == "/api/v1/bank/callbacks")
            || (method == .get && path.hasPrefix("/api/v1/credentials/") && !path.dropFirst("/api/v1/credentials/".count).contains("/"))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization] else {
            guard Self.isPublic(request.method, request.uri.path) else {
                throw ClearanceError.unauthenticated(reason: "this endpoint needs a bearer token")
            }
            return try await next(request, context)
        }
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
