import ClearwayCore

/// The principal of the request being handled, set by the authentication middleware for the handler's task.
enum RequestPrincipal {
    @TaskLocal static var current: Principal?

    /// The authenticated principal, or a 401 for an anonymous request.
    static func required() throws -> Principal {
        guard let current else { throw ClearanceError.unauthenticated(reason: "this endpoint needs a bearer token") }
        return current
    }
}
