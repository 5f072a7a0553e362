import ClearwayAPI
import ClearwayApp
import ClearwayCore
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func listDiversionSites(_ input: Operations.ListDiversionSites.Input) async throws -> Operations.ListDiversionSites.Output {
        let sites = try await clearway.diversionSites(port: input.path.port, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(sites.map(Schemas.DiversionSite.init))))
    }

    func setInspectionSiteStatus(_ input: Operations.SetInspectionSiteStatus.Input) async throws
        -> Operations.SetInspectionSiteStatus.Output
    {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let sites = try await clearway.diversionSites(port: input.path.port, by: try RequestPrincipal.required())
        guard sites.contains(where: { $0.site.id == input.path.site }) else {
            throw ClearanceError.notFound(kind: "inspection site", id: input.path.site)
        }
        let round = try await clearway.setSiteStatus(input.path.site, down: body.down, reason: body.reason,
                                                     by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(round))))
    }

    func replanDiversion(_ input: Operations.ReplanDiversion.Input) async throws -> Operations.ReplanDiversion.Output {
        let round = try await clearway.replanDiversion(port: input.path.port, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(round))))
    }

    func listDiversionBoxes(_ input: Operations.ListDiversionBoxes.Input) async throws -> Operations.ListDiversionBoxes.Output {
        let boxes = try await clearway.diversionBoxes(
            port: input.path.port, site: input.query.site,
            status: input.query.status.flatMap { DiversionBox.Status(rawValue: $0.rawValue) }, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(boxes.compactMap(Schemas.DiversionBox.init))))
    }

    func listDiversionMoves(_ input: Operations.ListDiversionMoves.Input) async throws -> Operations.ListDiversionMoves.Output {
        let moves = try await clearway.diversionMoves(port: input.path.port, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(moves.map {
            .init(kind: .init(rawValue: $0.kind.rawValue)!, box: $0.box, container: $0.container, from: $0.from, to: $0.to, by: $0.by)
        })))
    }

    func startDiversionInspection(_ input: Operations.StartDiversionInspection.Input) async throws
        -> Operations.StartDiversionInspection.Output
    {
        let box = try await clearway.startBoxInspection(input.path.box, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(Schemas.DiversionBox(box)!)))
    }

    func returnDiversionBox(_ input: Operations.ReturnDiversionBox.Input) async throws -> Operations.ReturnDiversionBox.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let box = try await clearway.returnBox(input.path.box, location: body.location, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(Schemas.DiversionBox(box)!)))
    }
}

extension Components.Schemas.DiversionSite {
    init(_ entry: DiversionSite) {
        let site = entry.site
        self.init(
            id: site.id, name: site.name, kinds: site.kinds.map { .init(rawValue: $0.rawValue)! },
            facilities: site.facilities.map { .init(rawValue: $0.rawValue)! }, lanes: site.lanes, slotMinutes: site.slotMinutes,
            capacityPerHour: site.capacityPerHour, alwaysOpen: site.hours.isEmpty,
            hours: site.hours.map { "\($0.days.map(String.init).joined(separator: ",")) \($0.from)-\($0.to)" },
            officers: site.officers, down: entry.down, reason: entry.reason, planned: entry.planned, started: entry.started)
    }
}

extension Components.Schemas.DiversionRound {
    init(_ round: DiversionRound) {
        self.init(
            port: round.port, at: round.at, placed: round.placed, moved: round.moved,
            totalCirculationMinutes: round.totalCirculationMinutes,
            unplaced: round.unplaced.sorted { $0.key < $1.key }.map { .init(box: $0.key, reason: $0.value.detail) })
    }
}

extension Components.Schemas.DiversionSlot {
    init(_ slot: Diversion.Slot) {
        self.init(site: slot.site, start: slot.start, end: slot.end, leaveBy: slot.leaveBy)
    }
}

extension Components.Schemas.DiversionBox {
    init?(_ box: ClearwayCore.DiversionBox.State) {
        guard let queued = box.queued, let queuedAt = box.queuedAt else { return nil }
        self.init(
            id: box.id, declarationId: queued.declarationID, customsNumber: queued.customsNumber, order: queued.order,
            container: queued.container.rawValue, port: queued.port, kind: .init(rawValue: queued.kind.rawValue)!,
            needs: queued.needs.map(\.rawValue), greenChannel: queued.greenChannel, status: .init(rawValue: box.status.rawValue)!,
            slot: box.slot.map(Components.Schemas.DiversionSlot.init), unplacedReason: box.unplaced?.detail, moves: box.moves,
            officer: box.officer, queuedAt: queuedAt, startedAt: box.startedAt, inspectedAt: box.inspectedAt,
            returnedAt: box.returnedAt, circulationSeconds: box.circulationSeconds)
    }
}
