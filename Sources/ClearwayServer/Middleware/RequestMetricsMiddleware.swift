import Hummingbird
import Prometheus

/// Counts requests by method and status and times them, into the registry `/metrics` shows.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let registry: PrometheusCollectorRegistry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let method = request.method.rawValue
        registry.makeCounter(
            name: "clearway_http_requests_total", labels: [("method", method), ("status", String(response.status.code))]
        ).increment()
        registry.makeDurationHistogram(
            name: "clearway_http_request_duration_seconds", labels: [("method", method)],
            buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(2)]
        ).record(ContinuousClock.now - start)
        return response
    }
}
