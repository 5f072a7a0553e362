import ClearwayCore
import ClearwayStore
import Foundation

/// A movement the rules refused; the refusal is recorded on the declaration before this is thrown.
public struct RefusalRecorded: Error, Sendable, Equatable {
    public var refusal: Declaration.Refusal
    public var declarationID: String
}

extension Clearway {
    /// Records that duties were paid or guaranteed.
    public func settleDuties(_ id: String, _ settlement: Declaration.Settlement, by principal: Principal) async throws
        -> Declaration.State
    {
        try await change(id, by: principal, expectedVersion: nil, permission: { .settleDuties($0) }) { _ in
            .settleDuties(settlement)
        }
    }

    public func hold(_ id: String, reason: String, by principal: Principal) async throws -> Declaration.State {
        try requireReason(reason)
        return try await change(id, by: principal, expectedVersion: nil, permission: { .decideClearance($0) }) { _ in
            .hold(reason: reason)
        }
    }

    public func unhold(_ id: String, by principal: Principal) async throws -> Declaration.State {
        try await change(id, by: principal, expectedVersion: nil, permission: { .decideClearance($0) }) { _ in .unhold }
    }

    /// Departure confirmation (离港确认): binds the barge or vessel and asks for departure approval.
    public func confirmDeparture(_ id: String, means: String, voyage: String?, by principal: Principal) async throws
        -> Declaration.State
    {
        try requireReason(means)
        return try await change(id, by: principal, expectedVersion: nil, permission: { .changeDeclaration($0) }) { _ in
            .confirmDeparture(means: means, voyage: voyage)
        }
    }

    /// Files the complete declaration of a two-step summary declaration.
    public func completeDeclaration(_ id: String, _ form: DeclarationForm, by principal: Principal) async throws
        -> Declaration.State
    {
        let draft = try await validate(form, try await cached().reference)
        return try await change(id, by: principal, expectedVersion: nil, permission: { .changeDeclaration($0) }) { _ in
            .completeDeclaration(draft)
        }
    }

    /// Moves boxes shut out at cut-off to another voyage without a new declaration.
    public func rebook(_ id: String, means: String, voyage: String?, by principal: Principal) async throws
        -> Declaration.State
    {
        try requireReason(means)
        return try await change(id, by: principal, expectedVersion: nil, permission: { .changeDeclaration($0) }) { _ in
            .rebook(means: means, voyage: voyage)
        }
    }

    /// Records a box found non-compliant after loading.
    public func recordException(_ id: String, container: String, description: String, by principal: Principal)
        async throws -> Declaration.State
    {
        try requireReason(description)
        return try await change(id, by: principal, expectedVersion: nil, permission: { .decideClearance($0) }) { _ in
            .recordException(container: container, description: description)
        }
    }

    /// What the declaration waits for now.
    public func waiting(_ idOrNumber: String, by principal: Principal) async throws -> (Declaration.State, [Declaration.Wait]) {
        let state = try await declaration(idOrNumber, by: principal)
        return (state, Declaration.waiting(state))
    }

    /// Exports still open (not closed, cancelled or rejected) that were accepted more than `days` ago.
    public func openExports(olderThan days: Int, by principal: Principal) async throws -> [Declaration.State] {
        let cutoff = environment.now().addingTimeInterval(-Double(days) * 86_400)
        var found: [Declaration.State] = []
        for status in [Declaration.Status.accepted, .released] {
            var cursor: DeclarationQuery.Cursor?
            repeat {
                let page = try await declarations(
                    DeclarationQuery(status: status, acceptedBefore: cutoff, after: cursor, limit: 200), by: principal)
                found += page.items.filter { $0.direction == .export }
                cursor = page.next
            } while cursor != nil
        }
        return found.sorted { ($0.acceptedAt ?? .distantPast) < ($1.acceptedAt ?? .distantPast) }
    }
}
