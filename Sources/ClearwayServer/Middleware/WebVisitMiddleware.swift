import Hummingbird

/// Resolves who is visiting and in which language for everything outside `/api/`, so that the HTML operations of the
/// API contract (`/verify`, `/fees`) render in the visitor's language with the shared header.
struct WebVisitMiddleware<Context: RequestContext>: RouterMiddleware {
    let web: WebPages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !request.uri.path.hasPrefix("/api/") else { return try await next(request, context) }
        let visit = try await web.visit(request)
        return try await WebPages.$current.withValue(visit) { try await next(request, context) }
    }
}
