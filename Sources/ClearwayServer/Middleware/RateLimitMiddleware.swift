import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Limits each bearer token to `perMinute` requests with a token bucket (bursts up to a minute's worth), answering
/// 429 with `Retry-After` beyond it. Per node and in memory: a limit against floods, not a quota, so no request pays
/// a database write for it; with N nodes behind a balancer a token gets at most N times the limit.
/// Time comes from the platform's clock, so a test's clock decides refills, not how fast the machine answers.
struct RateLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let perMinute: Int
    let clock: @Sendable () -> Date
    let limiter = RateLimiter()

    init(perMinute: Int, clock: @escaping @Sendable () -> Date) {
        self.perMinute = perMinute
        self.clock = clock
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard perMinute > 0, let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") else {
            return try await next(request, context)
        }
        let now = clock()
        let rate = Double(perMinute) / 60
        let wait: Double? = limiter.buckets.withLock { buckets in
            if limiter.requests.wrappingAdd(1, ordering: .relaxed).newValue % 10_000 == 0 {
                // Forget tokens idle for ten minutes, so the table stays the size of the active clients.
                buckets = buckets.filter { now.timeIntervalSince($0.value.updated) < 600 }
            }
            var bucket = buckets[authorization] ?? RateLimiter.Bucket(tokens: Double(perMinute), updated: now)
            let seconds = max(0, now.timeIntervalSince(bucket.updated))
            bucket.tokens = min(Double(perMinute), bucket.tokens + seconds * rate)
            bucket.updated = now
            defer { buckets[authorization] = bucket }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / rate }
            bucket.tokens -= 1
            return nil
        }
        guard let wait else { return try await next(request, context) }
        let retryAfter = max(1, Int(wait.rounded(.up)))
        var response = ProblemMiddleware<Context>.response(Problem(
            code: "rate-limited", title: "Too many requests", status: .tooManyRequests,
            detail: "this token may make \(perMinute) requests a minute; try again in \(retryAfter) s"))
        response.headers[.retryAfter] = String(retryAfter)
        return response
    }
}

/// The buckets of one node, shared by every request the middleware sees.
final class RateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: Date
    }
    let buckets = Mutex<[String: Bucket]>([:])
    let requests = Atomic<Int>(0)
}
