import ClearwayCore
import ClearwayStore
import Foundation
import SQLKit

extension Clearway {
    /// The time-release record of a declaration, with the dimensions reports group by.
    func timeReleaseRecord(_ state: Declaration.State, on db: any SQLDatabase) async throws -> TimeRelease.Record {
        let draft = state.draft!
        let cached = try await cached()
        let port = cached.ports.first { $0.office == draft.entryExitOffice }?.locode.rawValue ?? draft.entryExitOffice.rawValue
        let tier = try await PartyTable.find(id: draft.tradingParty.id, on: db)?.creditTier(at: state.acceptedAt ?? Date())
        var milestones = state.milestones
        if state.clearance.lane == .inspection {
            milestones.backInFlow = try await DiversionTables.backInFlow(declaration: state.id, on: db)
        }
        return TimeRelease.Record(
            declarationID: state.id, milestones: milestones,
            dimensions: [
                TimeRelease.Dimension.port.rawValue: port,
                TimeRelease.Dimension.office.rawValue: draft.declarationOffice.rawValue,
                TimeRelease.Dimension.procedure.rawValue: draft.procedure.rawValue,
                TimeRelease.Dimension.supervisionMode.rawValue: draft.supervisionMode,
                TimeRelease.Dimension.lane.rawValue: state.clearance.lane?.rawValue ?? "undecided",
                TimeRelease.Dimension.creditTier.rawValue: tier?.rawValue ?? "unknown",
                TimeRelease.Dimension.direction.rawValue: draft.direction.rawValue,
            ])
    }

    /// Time-release statistics of declarations accepted in [from, to), grouped by one dimension or all together.
    public func timeReleaseReport(
        from: Date?, to: Date?, by dimension: TimeRelease.Dimension?, principal: Principal
    ) async throws -> [TimeRelease.Row] {
        guard try await cached().policy.allows(principal, .readTimeRelease) else {
            throw ClearanceError.forbidden(reason: "a \(principal.role.rawValue) does not read time-release reports")
        }
        let records = try await store.read { db in try await TimeReleaseTable.records(from: from, to: to, on: db) }
        return TimeRelease.report(records, by: dimension)
    }
}
