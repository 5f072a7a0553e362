import ClearwayCore
import ClearwayStore
import Foundation

extension Clearway {
    /// Registers an enterprise after checking its credit code and customs code.
    public func registerParty(_ form: PartyForm, tier: CreditTier = .normal, by principal: Principal, idempotencyKey: String? = nil)
        async throws -> Party
    {
        guard try await cached().policy.allows(principal, .registerParty) else {
            throw ClearanceError.forbidden(reason: "only an administrator registers enterprises")
        }
        let now = environment.now()
        var party: Party
        do { party = try form.validated(id: environment.makeID()) } catch { throw ClearanceError.invalid(error) }
        party.creditHistory = [CreditTierPeriod(tier: tier, effectiveFrom: now)]
        let candidate = party
        return try await idempotent(scope: "\(principal.userID):parties.register", key: idempotencyKey, request: form) { db in
            do { try await PartyTable.insert(candidate, at: now, on: db) } catch StoreError.duplicate {
                throw ClearanceError.invalid(
                    ValidationFailure([FieldIssue("/creditCode", "party-exists", "an enterprise with this code is registered")]))
            }
            return candidate
        }
    }

    public func party(_ id: String, by principal: Principal) async throws -> Party {
        guard try await cached().policy.allows(principal, .readParty(partyID: id)),
            let party = try await store.read({ db in try await PartyTable.find(id: id, on: db) })
        else { throw ClearanceError.notFound(kind: "party", id: id) }
        return party
    }

    public func parties(by principal: Principal) async throws -> [Party] {
        guard try await cached().policy.allows(principal, .listParties) else {
            throw ClearanceError.forbidden(reason: "a \(principal.role.rawValue) does not list enterprises")
        }
        return try await store.read { db in try await PartyTable.all(on: db) }
    }

    /// Records a credit tier decision that takes effect on `effectiveFrom` (Order 282 tiers).
    public func setCreditTier(_ partyID: String, _ tier: CreditTier, effectiveFrom: Date?, by principal: Principal)
        async throws -> Party
    {
        guard try await cached().policy.allows(principal, .setCreditTier) else {
            throw ClearanceError.forbidden(reason: "only customs decides credit tiers")
        }
        let now = environment.now()
        let period = CreditTierPeriod(tier: tier, effectiveFrom: effectiveFrom ?? now)
        return try await store.transaction { db in
            guard try await PartyTable.find(id: partyID, on: db) != nil else {
                throw ClearanceError.notFound(kind: "party", id: partyID)
            }
            try await PartyTable.setTier(partyID, period, decidedBy: principal.userID, at: now, on: db)
            return try await PartyTable.find(id: partyID, on: db)!
        }
    }

    public func offices() async throws -> [CustomsOffice] {
        try await store.read { db in try await ReferenceTables.offices(on: db) }
    }

    public func ports() async throws -> [BorderPort] {
        try await store.read { db in try await ReferenceTables.ports(on: db) }
    }

    public func agencies() async throws -> [Agency] {
        try await store.read { db in try await ReferenceTables.agencies(on: db) }
    }

    public func terminals() async throws -> [Terminal] {
        try await store.read { db in try await ReferenceTables.terminals(on: db) }
    }
}
