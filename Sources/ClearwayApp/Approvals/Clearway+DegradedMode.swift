import ClearwayCore
import ClearwayStore
import Foundation
import SQLKit

extension Clearway {
    /// Marks an agency's system down or back up. Going down, every declaration waiting only for that agency (and
    /// other agencies that are down) is released provisionally where the rules allow it; the agency's later decision
    /// reconciles it — an approval confirms the release, a refusal puts the goods on hold. Returns the declarations
    /// released provisionally.
    public func setDependency(_ name: String, down: Bool, reason: String?, by principal: Principal) async throws -> [String] {
        guard principal.role == .admin else { throw ClearanceError.forbidden(reason: "operators mark outside systems down or up") }
        if down, (reason ?? "").trimmingWhitespaces().isEmpty {
            throw ClearanceError.invalid(ValidationFailure([FieldIssue("/reason", "reason-required", "say what is down")]))
        }
        let agencies = try await store.read { db in try await ReferenceTables.agencies(on: db) }
        guard agencies.contains(where: { $0.id == name }) else {
            throw ClearanceError.notFound(kind: "agency", id: name)
        }
        let now = environment.now()
        try await store.transaction { db in
            try await DependencyTable.set(.init(name: name, down: down, reason: reason, since: now, changedBy: principal.username), on: db)
        }
        return down ? try await releaseProvisionally() : []
    }

    public func dependencies(by principal: Principal) async throws -> [DependencyTable.Status] {
        guard [.admin, .customsOfficer, .agencyOfficer, .quarantineOfficer].contains(principal.role) else {
            throw ClearanceError.forbidden(reason: "dependency status is for operators and officers")
        }
        return try await store.read { db in try await DependencyTable.all(on: db) }
    }

    /// Releases provisionally every declaration the degraded-mode rule allows now; what a dependency going down runs.
    @discardableResult
    public func releaseProvisionally() async throws -> [String] {
        let cached = try await cached()
        let (down, waiting) = try await store.read { db in
            (Set(try await DependencyTable.all(on: db).filter(\.down).map(\.name)),
             try await AgencyApprovalTable.queue(agency: nil, status: .pending, limit: 10_000, on: db))
        }
        guard !down.isEmpty else { return [] }
        var released: [String] = []
        for id in Set(waiting.filter { down.contains($0.approval.agency) }.map(\.declarationID)).sorted() {
            let done: Bool = try await store.transaction { db in
                let stored = try await EventStore.load(stream: id, on: db)
                let state = Declaration.replay(id: id, try stored.map { try $0.decode(as: Declaration.Event.self) })
                guard let draft = state.draft,
                      let party = try await PartyTable.find(id: draft.tradingParty.id, on: db)
                else { return false }
                let tier = party.creditTier(at: self.environment.now())
                guard Declaration.provisionalReleaseRefusal(state, agenciesDown: down, tradingPartyTier: tier) == nil else { return false }
                let events = try Declaration.decide(
                    .releaseProvisionally(agenciesDown: down, tradingPartyTier: tier), state,
                    .init(now: self.environment.now(), principal: .system, rules: cached.rules))
                _ = try await self.save(events, to: state, on: db)
                return true
            }
            if done { released.append(id) }
        }
        return released
    }
}
