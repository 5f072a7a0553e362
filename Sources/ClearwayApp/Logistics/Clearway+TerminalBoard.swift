import ClearwayCore
import ClearwayStore
import Foundation

/// One box on a terminal's board.
public struct TerminalBox: Sendable, Equatable {
    public var container: String
    public var release: Declaration.BoxRelease
    public var customsNumber: String?
}

extension Clearway {
    /// The boxes this terminal reported in the last `hours`, each with whether it may move (Core's `boxRelease`), for
    /// the box board; a box on several declarations moves as the strictest allows.
    public func terminalBoard(hours: Int = 72, by principal: Principal) async throws -> [TerminalBox] {
        guard try await cached().policy.allows(principal, .readTerminalBoard), let party = principal.partyID else {
            throw ClearanceError.forbidden(reason: "the box board is the terminal's own")
        }
        let since = environment.now().addingTimeInterval(-Double(hours) * 3600)
        return try await store.read { db in
            var board: [TerminalBox] = []
            for container in try await PortEventLog.containers(reportedByPartyOf: party, since: since, limit: 500, on: db) {
                var states: [Declaration.State] = []
                // The declarations still awaiting the box, and those it was on in the window (one it has left shows
                // it gone rather than undeclared).
                let open = try await DeclarationKeys.declarations(.container, container, on: db)
                let recent = try await PortEventLog.declarations(container: container, since: since, on: db)
                for id in Set(open + recent).sorted() {
                    if let state = try await DeclarationTable.find(id, on: db) { states.append(state) }
                }
                let (release, declaration) = Declaration.boxRelease(of: container, on: states)
                board.append(TerminalBox(container: container, release: release, customsNumber: declaration?.customsNumber?.rawValue))
            }
            return board
        }
    }
}
