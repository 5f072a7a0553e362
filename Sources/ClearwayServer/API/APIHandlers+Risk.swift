import ClearwayAPI
import ClearwayApp
import ClearwayCore
import ClearwayStore
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func orderInspection(_ input: Operations.OrderInspection.Input) async throws -> Operations.OrderInspection.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.orderInspection(
            input.path.declarationId, Selection.Requested(body), by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try await declaration(state))))
    }

    func listRiskRules(_ input: Operations.ListRiskRules.Input) async throws -> Operations.ListRiskRules.Output {
        let rules = try await clearway.riskRules(by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try rules.map { try transcode($0, to: Schemas.RiskRule.self) })))
    }

    func authorRiskRule(_ input: Operations.AuthorRiskRule.Input) async throws -> Operations.AuthorRiskRule.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let rule = try await clearway.authorRule(try riskRule(body), by: try RequestPrincipal.required())
        return .created(.init(body: .json(try transcode(rule, to: Schemas.RiskRule.self))))
    }

    func dryRunRiskRule(_ input: Operations.DryRunRiskRule.Input) async throws -> Operations.DryRunRiskRule.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let run = try await clearway.dryRun(try riskRule(body), last: input.query.last ?? 1000, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(
            evaluated: run.evaluated, hits: run.hits, hitRate: run.evaluated == 0 ? 0 : Double(run.hits) / Double(run.evaluated),
            hitCustomsNumbers: run.hitCustomsNumbers))))
    }

    func getRandomSeed(_ input: Operations.GetRandomSeed.Input) async throws -> Operations.GetRandomSeed.Output {
        let seed = try await clearway.publishedSeed(day: input.path.day)
        return .ok(.init(body: .json(.init(day: seed.day, commitment: seed.commitment, seed: seed.seed))))
    }

    /// The rule as authored; the body's schema and the core type share one JSON shape, so it passes through JSON.
    func riskRule(_ input: Schemas.RiskRuleInput) throws -> RiskRule {
        struct Authored: Encodable {
            var input: Schemas.RiskRuleInput
            func encode(to encoder: any Encoder) throws {
                try input.encode(to: encoder)
                enum Key: String, CodingKey { case version }
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(1, forKey: .version)
            }
        }
        return try transcode(Authored(input: input), to: RiskRule.self)
    }

    func transcode<A: Encodable, B: Decodable>(_ value: A, to: B.Type) throws -> B {
        // The store's own coders: times keep their milliseconds (Foundation's .iso8601 drops them).
        try CanonicalJSON.decoder().decode(B.self, from: try CanonicalJSON.encoder().encode(value))
    }
}

extension APIHandlers {
    func startTransfer(_ input: Operations.StartTransfer.Input) async throws -> Operations.StartTransfer.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.startTransfer(
            input.path.declarationId, vehicle: body.vehicle, seal: body.seal, corridor: body.corridor ?? [], due: body.due,
            by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try await declaration(state))))
    }

    func recordCheckpoint(_ input: Operations.RecordCheckpoint.Input) async throws -> Operations.RecordCheckpoint.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let raised = try await clearway.recordCheckpoint(
            vehicle: body.vehicle,
            SupervisedTransfer.Checkpoint(seal: body.seal, position: body.position, at: body.at, sealIntact: body.sealIntact,
                                          arrived: body.arrived ?? false),
            by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(alerts: raised.map(Schemas.CustodyAlert.init)))))
    }
}

extension APIHandlers {
    func listInspectionQueue(_ input: Operations.ListInspectionQueue.Input) async throws -> Operations.ListInspectionQueue.Output {
        let queue = try await clearway.inspectionQueue(
            kind: input.query.kind.map { InspectionKind(rawValue: $0.rawValue)! }, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(queue.map {
            .init(declarationId: $0.declarationID, customsNumber: $0.customsNumber, order: $0.number,
                  kind: .init(rawValue: $0.kind)!, place: .init(rawValue: $0.place)!, officer: $0.officer, orderedAt: $0.orderedAt,
                  greenChannel: $0.greenChannel,
                  slots: $0.boxes.compactMap { box in
                      box.queued.map {
                          .init(container: $0.container.rawValue, status: .init(rawValue: box.status.rawValue)!,
                                slot: box.slot.map(Schemas.DiversionSlot.init))
                      }
                  })
        })))
    }

    func selectivityReport(_ input: Operations.SelectivityReport.Input) async throws -> Operations.SelectivityReport.Output {
        let report = try await clearway.selectivityReport(from: input.query.from, to: input.query.to, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(
            declarations: report.declarations, decided: report.decided, decidedAutomatically: report.decidedAutomatically,
            changedByOfficer: report.changedByOfficer, automaticShare: report.automaticShare,
            lanes: .init(additionalProperties: Dictionary(uniqueKeysWithValues: report.lanes.map { ($0.key.rawValue, $0.value) })),
            randomlySelected: report.randomlySelected,
            ruleHits: .init(additionalProperties: report.ruleHits),
            outcomes: .init(additionalProperties: Dictionary(uniqueKeysWithValues: report.outcomes.map { ($0.key.rawValue, $0.value) }))))))
    }
}
