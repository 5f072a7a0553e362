import ClearwayCore
import ClearwayStore
import Foundation
import SQLKit

extension Clearway {
    /// Seals goods awaiting a destination inspection onto a supervised vehicle (customs of the declaration's offices).
    public func startTransfer(_ id: String, vehicle: String, seal: String, corridor: [String], due: Date,
                              by principal: Principal) async throws -> Declaration.State {
        try await change(id, by: principal, expectedVersion: nil, permission: { .decideClearance($0) }) { _ in
            .startTransfer(vehicle: vehicle, seal: seal, corridor: corridor, due: due)
        }
    }

    /// A custody report from a vehicle's electronic seal, matched to the declaration by the vehicle under way.
    /// Returns the alerts the report raised.
    public func recordCheckpoint(vehicle: String, _ checkpoint: SupervisedTransfer.Checkpoint, by principal: Principal)
        async throws -> [SupervisedTransfer.CustodyAlert]
    {
        let cached = try await cached()
        guard cached.policy.allows(principal, .reportCustody) else {
            throw ClearanceError.forbidden(reason: "custody is reported by the carrier's or the seal operator's system")
        }
        let now = environment.now()
        return try await store.transaction { db in
            // A vehicle makes many trips: the report belongs to the transfer under way, or to the one that already
            // has it (a retry after arrival).
            var found: Declaration.State?
            for id in try await DeclarationKeys.declarations(.transferVehicle, vehicle.uppercased(), on: db) {
                let stored = try await EventStore.load(stream: id, on: db)
                let state = Declaration.replay(id: id, try stored.map { try $0.decode(as: Declaration.Event.self) })
                guard let transfer = state.clearance.transfer else { continue }
                if transfer.arrivedAt == nil || transfer.checkpoints.contains(checkpoint) {
                    found = state
                    break
                }
            }
            guard let state = found else { throw ClearanceError.notFound(kind: "supervised transfer of vehicle", id: vehicle) }
            let events = try Declaration.decide(
                .recordCheckpoint(checkpoint), state, .init(now: now, principal: principal, rules: cached.rules))
            _ = try await self.save(events, to: state, on: db)
            return events.flatMap { event -> [SupervisedTransfer.CustodyAlert] in
                if case .checkpointRecorded(let recorded) = event { return recorded.alerts }
                return []
            }
        }
    }

    /// Raises the missed-deadline alert on every transfer past due; returns the declarations alerted.
    @discardableResult
    public func checkCustody() async throws -> [String] {
        let cached = try await cached()
        let now = environment.now()
        let ids = try await store.read { db in
            try await db.raw("SELECT DISTINCT declaration_id FROM declaration_keys WHERE kind = \(bind: DeclarationKeys.Kind.transferVehicle.rawValue) AND active = 1")
                .all().map { try $0.decode(column: "declaration_id", as: String.self) }
        }
        var alerted: [String] = []
        for id in ids {
            let changed = try await store.transaction { db in
                let stored = try await EventStore.load(stream: id, on: db)
                let state = Declaration.replay(id: id, try stored.map { try $0.decode(as: Declaration.Event.self) })
                let events = try Declaration.decide(.checkCustody, state, .init(now: now, principal: .system, rules: cached.rules))
                _ = try await self.save(events, to: state, on: db)
                return !events.isEmpty
            }
            if changed { alerted.append(id) }
        }
        return alerted
    }
}
