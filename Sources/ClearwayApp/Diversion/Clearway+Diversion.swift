import ClearwayCore
import ClearwayStore
import Foundation
import SQLKit

/// What one planning round did, for the officer or worker that asked.
public struct DiversionRound: Sendable, Equatable {
    public var port: String
    public var at: Date
    public var placed: Int
    /// Boxes whose slot changed this round.
    public var moved: Int
    public var unplaced: [String: Diversion.Unplaced]
    public var totalCirculationMinutes: Double
}

/// A site with its service status and its current load.
public struct DiversionSite: Sendable, Equatable {
    public var site: InspectionSite
    public var down: Bool
    public var reason: String?
    public var planned: Int
    public var started: Int
}

/// A move the terminal should make: a planned box to its site, or an inspected box back to its block.
public struct DiversionMove: Sendable, Equatable {
    public enum Kind: String, Sendable { case toSite = "to-site", back }
    public var kind: Kind
    public var box: String
    public var container: String
    public var from: String
    public var to: String
    /// When to move: the slot's leave-by time, or the inspection's end.
    public var by: Date
}

extension Clearway {
    static let diversionStream = "diversion-box"

    /// The port (UN/LOCODE) whose inspection sites serve a declaration: the port of its office of entry or exit.
    func port(of draft: DeclarationDraft, cached: Cached) -> String? {
        cached.ports.first { cached.reference.offices.isWithin(draft.entryExitOffice, $0.office) }?.locode.rawValue
    }

    /// Keeps the diversion board in step with a declaration's inspection orders, inside the transaction that changed
    /// them: port inspections that move a box queue one box per container; completed orders mark their boxes
    /// inspected; orders a new decision replaced withdraw theirs.
    func followInspections(_ state: Declaration.State, on db: any SQLDatabase) async throws {
        let cached = try await cached()
        guard let draft = state.draft, let number = state.customsNumber?.rawValue, let port = port(of: draft, cached: cached),
              cached.diversion[port] != nil
        else { return }
        let now = environment.now()
        let existing = try await DiversionTables.boxes(port: port, site: nil, statuses: nil, declarations: [state.id], on: db)
        var known = Dictionary(existing.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let orders = Dictionary(state.clearance.inspections.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        for order in state.clearance.inspections where order.place == .port && order.kind != .documentReview {
            for container in draft.containers {
                let id = DiversionBox.id(declaration: state.id, order: order.number, container: container.number)
                let box = known[id] ?? DiversionBox.State(id: id)
                let command: DiversionBox.Command
                if box.queued == nil {
                    command = .queue(DiversionBox.Queued(
                        declarationID: state.id, customsNumber: number, order: order.number, container: container.number,
                        port: port, kind: order.kind, needs: DiversionBox.needs(of: container),
                        greenChannel: state.clearance.selection?.greenChannel == true))
                } else if order.outcome != nil, box.status.isOpen || box.status == .started {
                    command = .inspected
                } else {
                    continue
                }
                known[id] = try await saveBox(command, box, by: .system, at: now, on: db)
            }
        }
        for box in existing where box.status.isOpen {
            guard let order = box.queued?.order, orders[order] == nil else { continue }
            _ = try await saveBox(.withdraw(reason: "the inspection order was replaced"), box, by: .system, at: now, on: db)
        }
    }

    @discardableResult
    func saveBox(_ command: DiversionBox.Command, _ state: DiversionBox.State, by principal: Principal, at now: Date,
                 on db: any SQLDatabase) async throws -> DiversionBox.State {
        let cached = try await cached()
        let events = try DiversionBox.decide(command, state, .init(now: now, principal: principal, rules: cached.rules))
        guard !events.isEmpty else { return state }
        try await append(events, to: state.id, type: Self.diversionStream, expectedVersion: state.version, on: db)
        let next = events.reduce(state, DiversionBox.evolve)
        try await DiversionTables.upsert(next, on: db)
        return next
    }

    func requireDiversion(_ principal: Principal, _ action: Policy.Action) async throws {
        guard try await cached().policy.allows(principal, action) else {
            throw ClearanceError.forbidden(reason: "a \(principal.role.rawValue) may not do this on the diversion board")
        }
    }

    func network(_ port: String) async throws -> DiversionNetwork {
        guard let network = try await cached().diversion[port] else {
            throw ClearanceError.notFound(kind: "inspection sites of port", id: port)
        }
        return network
    }

    /// Plans every open box of a port afresh; boxes whose inspection started stay where they are.
    @discardableResult
    public func replanDiversion(port: String, by principal: Principal = .system) async throws -> DiversionRound {
        if principal != .system { try await requireDiversion(principal, .planDiversion) }
        let network = try await network(port)
        let now = environment.now()
        return try await store.transaction { db in
            // One planner per port at a time, whichever node runs it; the others wait and plan on fresh rows.
            try await TransactionLock.diversionPlanning.take(port, on: db)
            let boxes = try await DiversionTables.boxes(port: port, site: nil, statuses: [.awaiting, .planned, .started], limit: 100_000, on: db)
            let down = Set(try await DiversionTables.statuses(port: port, on: db).values.filter(\.down).map(\.site))
            let positions = try await DiversionTables.positions(of: boxes.compactMap { $0.queued?.container.rawValue }, on: db)
            var input: [Diversion.Box] = []
            var notAtPort: [DiversionBox.State] = []
            for box in boxes {
                guard let queued = box.queued, let queuedAt = box.queuedAt else { continue }
                guard let position = positions[queued.container.rawValue] else {
                    if box.status.isOpen { notAtPort.append(box) }
                    continue
                }
                input.append(Diversion.Box(
                    id: box.id, kind: queued.kind, needs: queued.needs, greenChannel: queued.greenChannel,
                    location: position.location, readyAt: max(queuedAt, position.at),
                    started: box.status == .started ? box.slot : nil))
            }
            let plan = Diversion.plan(input, network: network, down: down, now: now)
            let byID = Dictionary(boxes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            var moved = 0
            for placement in plan.placements where !placement.started {
                let box = byID[placement.box]!
                if box.slot != nil, box.slot != placement.slot { moved += 1 }
                try await self.saveBox(.plan(placement.slot, nil), box, by: .system, at: now, on: db)
            }
            for (id, reason) in plan.unplaced {
                try await self.saveBox(.plan(nil, reason), byID[id]!, by: .system, at: now, on: db)
            }
            for box in notAtPort { try await self.saveBox(.plan(nil, .notAtPort), box, by: .system, at: now, on: db) }
            var unplaced = plan.unplaced
            for box in notAtPort { unplaced[box.id] = .notAtPort }
            return DiversionRound(port: port, at: now, placed: plan.placements.count, moved: moved, unplaced: unplaced,
                                  totalCirculationMinutes: plan.totalCirculationMinutes)
        }
    }

    /// Re-plans every port that has inspection sites; what the diversion worker runs.
    public func replanAllPorts() async throws -> [DiversionRound] {
        var rounds: [DiversionRound] = []
        for port in try await cached().diversion.keys.sorted() { rounds.append(try await replanDiversion(port: port)) }
        return rounds
    }

    /// Takes a site out of service or back, and re-plans its port at once.
    public func setSiteStatus(_ siteID: String, down: Bool, reason: String?, by principal: Principal) async throws -> DiversionRound {
        try await requireDiversion(principal, .planDiversion)
        guard let network = try await cached().diversion.values.first(where: { $0.site(siteID) != nil }) else {
            throw ClearanceError.notFound(kind: "inspection site", id: siteID)
        }
        if down, (reason ?? "").trimmingWhitespaces().isEmpty {
            throw ClearanceError.invalid(ValidationFailure([FieldIssue("/reason", "reason-required", "say why the site is out of service")]))
        }
        let now = environment.now()
        try await store.transaction { db in
            try await DiversionTables.setStatus(
                .init(site: siteID, down: down, reason: reason, changedBy: principal.username, changedAt: now), port: network.port, on: db)
        }
        return try await replanDiversion(port: network.port)
    }

    /// A port's sites with their status and load.
    public func diversionSites(port: String, by principal: Principal) async throws -> [DiversionSite] {
        try await requireDiversion(principal, .readDiversion)
        let network = try await network(port)
        let (statuses, boxes) = try await store.read { db in
            (try await DiversionTables.statuses(port: port, on: db),
             try await DiversionTables.boxes(port: port, site: nil, statuses: [.planned, .started], limit: 100_000, on: db))
        }
        return network.sites.map { site in
            let here = boxes.filter { $0.slot?.site == site.id }
            return DiversionSite(site: site, down: statuses[site.id]?.down ?? false, reason: statuses[site.id]?.reason,
                                 planned: here.filter { $0.status == .planned }.count, started: here.filter { $0.status == .started }.count)
        }
    }

    /// The board: a port's boxes, or one site's queue in slot order.
    public func diversionBoxes(port: String, site: String?, status: DiversionBox.Status?, by principal: Principal) async throws
        -> [DiversionBox.State]
    {
        try await requireDiversion(principal, .readDiversion)
        _ = try await network(port)
        return try await store.read { db in
            try await DiversionTables.boxes(port: port, site: site, statuses: status.map { [$0] }, limit: 1000, on: db)
        }
    }

    /// Move instructions for the terminal: planned boxes to their site by their leave-by time, inspected boxes back.
    public func diversionMoves(port: String, by principal: Principal) async throws -> [DiversionMove] {
        try await requireDiversion(principal, .readDiversion)
        let network = try await network(port)
        let (boxes, positions) = try await store.read { db in
            let boxes = try await DiversionTables.boxes(port: port, site: nil, statuses: [.planned, .inspected], limit: 10_000, on: db)
            return (boxes, try await DiversionTables.positions(of: boxes.compactMap { $0.queued?.container.rawValue }, on: db))
        }
        return boxes.compactMap { box in
            guard let queued = box.queued, let slot = box.slot else { return nil }
            let block = positions[queued.container.rawValue]?.location ?? network.defaultLocation
            return box.status == .planned
                ? DiversionMove(kind: .toSite, box: box.id, container: queued.container.rawValue, from: block, to: slot.site, by: slot.leaveBy)
                : DiversionMove(kind: .back, box: box.id, container: queued.container.rawValue, from: slot.site, to: block,
                                by: box.inspectedAt ?? slot.end)
        }.sorted { ($0.by, $0.box) < ($1.by, $1.box) }
    }

    /// An officer at the site starts the inspection: the box is pinned to its slot from now on.
    public func startBoxInspection(_ id: String, by principal: Principal) async throws -> DiversionBox.State {
        let now = environment.now()
        let networks = try await cached().diversion
        return try await store.transaction { db in
            guard let box = try await DiversionTables.find(id, on: db), let port = box.queued?.port else {
                throw ClearanceError.notFound(kind: "diversion box", id: id)
            }
            if let site = box.slot.flatMap({ networks[port]?.site($0.site) }) { try await self.requireDiversion(principal, .inspectAtSite(site)) } else {
                try await self.requireDiversion(principal, .readDiversion)
            }
            return try await self.saveBox(.start(officer: principal.username), box, by: principal, at: now, on: db)
        }
    }

    /// The terminal reports an inspected box back on its block: its circulation ends and its declaration's
    /// time-release record gains the segment.
    public func returnBox(_ id: String, location: String?, by principal: Principal) async throws -> DiversionBox.State {
        try await requireDiversion(principal, .reportBoxReturn)
        let now = environment.now()
        return try await store.transaction { db in
            guard let box = try await DiversionTables.find(id, on: db), let queued = box.queued else {
                throw ClearanceError.notFound(kind: "diversion box", id: id)
            }
            let next = try await self.saveBox(.returned(location: location), box, by: principal, at: now, on: db)
            let stored = try await EventStore.load(stream: queued.declarationID, on: db)
            let declaration = Declaration.replay(id: queued.declarationID, try stored.map { try $0.decode(as: Declaration.Event.self) })
            if let accepted = declaration.acceptedAt {
                try await TimeReleaseTable.upsert(try await self.timeReleaseRecord(declaration, on: db), acceptedAt: accepted, on: db)
            }
            return next
        }
    }
}
