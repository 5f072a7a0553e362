import ClearwayApp
import ClearwayCore
import Foundation
import HTTPTypes
import Hummingbird

extension WebPages {
    /// Server-sent events for the pages: each declaration the person may see, as it stands after it changed.
    ///
    /// Each stream waits for the store's change signal — a commit on this node, or on PostgreSQL an append on any node
    /// (LISTEN/NOTIFY) — then reads the shared event log, so a change made through any node reaches a page held open on
    /// any other. It also looks every few seconds without a signal. A `ready` event opens the stream; a comment every
    /// 15 s keeps proxies from closing it.
    func live(_ request: Request) async throws -> Response {
        let visit = try await visit(request)
        guard let principal = visit.principal else { throw ClearanceError.unauthenticated(reason: "log in to follow live changes") }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let start = try await clearway.latestEventPosition()
        let clearway = self.clearway
        let language = visit.language
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var cursor = start
            var shown: [String: Int64] = [:]
            var quiet = ContinuousClock.now
            var generation = clearway.changeGeneration
            try await writer.write(ByteBuffer(string: "event: ready\ndata: {}\n\n"))
            while !Task.isCancelled {
                generation = await clearway.waitForChanges(after: generation, timeout: .seconds(3))
                try Task.checkCancellation()
                // Read a little behind the cursor: a transaction may commit after a later one.
                let changes = try await clearway.declarationChanges(after: max(0, cursor - 64), by: principal)
                var sent = false
                for (state, position) in changes where position > (shown[state.id] ?? start) {
                    shown[state.id] = position
                    let data = try JSONSerialization.data(withJSONObject: self.summary(state, language))
                    try await writer.write(ByteBuffer(string: "event: declaration\ndata: \(String(decoding: data, as: UTF8.self))\n\n"))
                    sent = true
                }
                cursor = max(cursor, changes.map(\.position).max() ?? cursor)
                if sent { quiet = ContinuousClock.now }
                if ContinuousClock.now - quiet >= .seconds(15) {
                    quiet = ContinuousClock.now
                    try await writer.write(ByteBuffer(string: ": still here\n\n"))
                }
            }
            try await writer.finish(nil)
        })
    }
}
