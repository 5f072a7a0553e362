import Logging
import ServiceLifecycle

/// Background work on a fixed beat until graceful shutdown; a failed round is logged and retried on the next beat.
public struct Beat: Service {
    let name: String
    let interval: Duration
    let logger: Logger
    let work: @Sendable (Logger) async throws -> Void

    public init(_ name: String, every interval: Duration, logger: Logger, work: @escaping @Sendable (Logger) async throws -> Void) {
        self.name = name
        self.interval = interval
        self.logger = logger
        self.work = work
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do { try await work(logger) } catch { logger.error("\(name) failed: \(error)") }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
