import ClearwayAPI
import ClearwayApp
import Foundation
import Hummingbird
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import Prometheus

/// The request context every route sees.
public typealias AppRequestContext = BasicRequestContext

/// How the HTTP server is set up; every key is a `clearway serve` flag.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// The largest request body accepted, in bytes.
    public var maxBodySize: Int
    /// Requests a minute each bearer token may make on this node; 0 turns the limit off.
    public var rateLimitPerMinute: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodySize: Int = 1 << 20, rateLimitPerMinute: Int = 0) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.rateLimitPerMinute = rateLimitPerMinute
    }
}

/// Builds the router: middleware, then the handlers generated from `openapi.yaml`. Used by `serve` and by tests.
public func buildRouter(
    clearway: Clearway, settings: ServerSettings, registry: PrometheusCollectorRegistry, logger: Logger
) throws -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.middlewares.add(RequestMetricsMiddleware(registry: registry))
    router.middlewares.add(ProblemMiddleware(logger: logger))
    router.middlewares.add(RateLimitMiddleware(perMinute: settings.rateLimitPerMinute, clock: clearway.environment.now))
    router.middlewares.add(BodyLimitMiddleware(limit: settings.maxBodySize))
    router.middlewares.add(AuthenticationMiddleware(clearway: clearway))
    let web = WebPages(clearway: clearway, pages: try Pages.load(), locales: try Locales.load())
    router.middlewares.add(WebVisitMiddleware(web: web))
    web.register(on: router)
    let handlers = APIHandlers(clearway: clearway, registry: registry, web: web)
    try handlers.registerHandlers(
        on: router, serverURL: URL(string: "/")!,
        // Compact: the runtime's default also indents, a third more bytes on every response. Keys stay sorted, as
        // Foundation's encoder otherwise writes them in no fixed order and a replayed response must be the same bytes.
        configuration: Configuration(dateTranscoder: FlexibleDateTranscoder(), jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
        middlewares: [ShapeMiddleware(limit: settings.maxBodySize), RawBodyMiddleware(limit: settings.maxBodySize)])
    return router
}

/// Builds the whole HTTP application around a ready Clearway.
public func buildApplication(
    clearway: Clearway, settings: ServerSettings, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
    logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let router = try buildRouter(clearway: clearway, settings: settings, registry: registry, logger: logger)
    return Application(
        router: router,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "Clearway"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) },
        logger: logger)
}
