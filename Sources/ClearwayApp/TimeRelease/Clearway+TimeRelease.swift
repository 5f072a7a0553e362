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
        // The tier selectivity read at lodgement is the tier at acceptance; only an officer's lane needs the lookup.
        var tier = state.clearance.selection?.creditTier
        if tier == nil { tier = try await PartyTable.find(id: draft.tradingParty.id, on: db)?.creditTier(at: state.acceptedAt ?? Date()) }
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

    /// The clearance-time statistics everyone may read: declarations lodged in [from, to), grouped by a published
    /// dimension, with groups too small to publish left out (Core decides which).
    public func publishedTimeRelease(from: Date, to: Date, by dimension: TimeRelease.Dimension) async throws -> PublishedTimeRelease {
        guard TimeRelease.publishedDimensions.contains(dimension) else {
            throw ClearanceError.invalid(ValidationFailure([FieldIssue(
                "/by", "dimension-not-published",
                "statistics are published by \(TimeRelease.publishedDimensions.map(\.rawValue).joined(separator: ", "))")]))
        }
        let records = try await store.read { db in try await TimeReleaseTable.records(from: from, to: to, on: db) }
        return PublishedTimeRelease(
            declarations: records.count, rows: TimeRelease.publishable(TimeRelease.report(records, by: dimension)),
            shares: TimeRelease.shares(records, by: dimension), daily: TimeRelease.daily(records, segment: .lodgementToRelease))
    }
}

/// Clearance-time statistics as published: per group, the shares of declarations, and the daily trend.
public struct PublishedTimeRelease: Sendable {
    public var declarations: Int
    public var rows: [TimeRelease.Row]
    public var shares: [(group: String, count: Int)]
    /// Lodgement to release, per China day of lodgement.
    public var daily: [(day: String, statistics: TimeRelease.Statistics)]
}
