import Hummingbird

/// Refuses request bodies over `limit` bytes with a 413 before anything reads them.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw HTTPError(.contentTooLarge, message: "the body has \(length) bytes; the limit is \(limit)")
        }
        var request = request
        do {
            _ = try await request.collectBody(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {  // NIO's, for a body sent without its length
            throw HTTPError(.contentTooLarge, message: "the body exceeds the limit of \(limit) bytes")
        }
        return try await next(request, context)
    }
}
