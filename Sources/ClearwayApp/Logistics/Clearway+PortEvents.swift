import ClearwayCore
import ClearwayInterop
import ClearwayStore
import Foundation
import SQLKit

/// What became of one port event.
public struct PortEventOutcome: Sendable, Equatable {
    public var logID: Int64
    /// Declarations the event was recorded on.
    public var applied: [String]
    /// Declarations whose rules refused the movement, with the reason.
    public var refused: [String: String]
    public var unmatched: Bool { applied.isEmpty && refused.isEmpty }
}

extension Clearway {
    /// Records a terminal's or carrier's event on every open declaration its keys match, in one transaction.
    ///
    /// A movement the rules forbid (loading a box that is not released) is recorded as a refusal with its reason.
    /// An event that matches nothing yet is kept and applied when a declaration naming the box is lodged.
    public func recordPortEvent(_ event: PortEvent, by principal: Principal) async throws -> PortEventOutcome {
        let cached = try await cached()
        guard cached.policy.allows(principal, .reportPortEvent) else {
            throw ClearanceError.forbidden(reason: "only terminals and carriers report port events")
        }
        let now = environment.now()
        return try await store.transaction { db in
            var applied: [String] = []
            var refused: [String: String] = [:]
            for id in try await Self.matches(event, on: db) {
                let stored = try await EventStore.load(stream: id, on: db)
                let state = Declaration.replay(id: id, try stored.map { try $0.decode(as: Declaration.Event.self) })
                let events = try Declaration.decide(
                    .recordPortEvent(event), state, .init(now: now, principal: principal, rules: cached.rules))
                let saved = try await self.save(events, to: state, on: db)
                if events.contains(where: \.isRefusal), let refusal = saved.refusals.last {
                    refused[id] = refusal.reason
                } else {
                    applied.append(id)
                }
            }
            let outcome = refused.isEmpty ? (applied.isEmpty ? "unmatched" : "applied") : "refused"
            let detail = refused.values.sorted().joined(separator: "; ")
            let logID = try await PortEventLog.append(
                event, reportedBy: principal.userID, outcome: outcome, detail: detail, declarations: applied + refused.keys.sorted(),
                at: now, on: db)
            return PortEventOutcome(logID: logID, applied: applied, refused: refused)
        }
    }

    /// The open declarations an event concerns: by container for box events, else by conveyance or bill of lading.
    static func matches(_ event: PortEvent, on db: any SQLDatabase) async throws -> [String] {
        if let container = event.container {
            return try await DeclarationKeys.declarations(.container, container.rawValue, on: db)
        }
        var ids: Set<String> = []
        if let means = event.means {
            ids.formUnion(try await DeclarationKeys.declarations(
                .conveyance, DeclarationKeys.conveyance(means: means, voyage: event.voyage), on: db))
        }
        if let bill = event.billOfLading {
            ids.formUnion(try await DeclarationKeys.declarations(.billOfLading, bill, on: db))
        }
        return ids.sorted()
    }

    /// Applies box and conveyance events that arrived before the declaration did (gate-in first, declare after).
    func applyEarlierPortEvents(
        to state: Declaration.State, now: Date, rules: Declaration.Rules, on db: any SQLDatabase
    ) async throws -> Declaration.State {
        guard let draft = state.draft else { return state }
        var keys: [(String, String)] = draft.containers.map { ("container", $0.number.rawValue) }
        if let means = draft.transport.means {
            keys.append(("conveyance", DeclarationKeys.conveyance(means: means, voyage: draft.transport.voyage)))
        }
        var current = state
        for event in try await PortEventLog.unmatched(keys: keys, on: db) {
            let events = (try? Declaration.decide(
                .recordPortEvent(event), current, .init(now: now, principal: .system, rules: rules))) ?? []
            guard !events.isEmpty, !events.contains(where: \.isRefusal) else { continue }
            current = try await save(events, to: current, on: db)
        }
        return current
    }
}

extension Clearway {
    /// A UN/EDIFACT interchange of terminal messages (COARRI, CODECO): checked whole, refused whole with every
    /// problem by segment and element, else each container movement recorded as a port event.
    public func importInterchange(_ data: Data, by principal: Principal) async throws -> [PortEventOutcome] {
        let cached = try await cached()
        guard cached.policy.allows(principal, .reportPortEvent) else {
            throw ClearanceError.forbidden(reason: "only terminals and carriers report port events")
        }
        let interchange = EDIFACTInterchange.read(data)
        let (events, failures) = EDIFACTPortEvents.events(interchange, rules: cached.edifactRules)
        guard failures.isEmpty else {
            throw ClearanceError.invalid(ValidationFailure(failures.map {
                FieldIssue($0.segment == 0 ? "" : "/segments/\($0.segment)\($0.position > 0 ? "/elements/\($0.position)" : "")",
                           "edifact-invalid", $0.description)
            }))
        }
        var outcomes: [PortEventOutcome] = []
        for event in events { outcomes.append(try await recordPortEvent(event, by: principal)) }
        return outcomes
    }
}
