import ClearwayCore
import ClearwayStore
import Foundation
import SQLKit

/// An appointment as a trader asks for it.
public struct AppointmentForm: Sendable, Equatable {
    public var site: String
    public var start: Date
    public var purpose: Appointment.Purpose
    public var declarationID: String?
    public var means: String?
    public var eta: Date?
    public init(site: String, start: Date, purpose: Appointment.Purpose, declarationID: String? = nil, means: String? = nil,
                eta: Date? = nil) {
        self.site = site
        self.start = start
        self.purpose = purpose
        self.declarationID = declarationID
        self.means = means
        self.eta = eta
    }
}

extension Clearway {
    static let appointmentStream = "appointment"

    func appointmentSite(_ id: String, cached: Cached) throws -> InspectionSite {
        for network in cached.diversion.values { if let site = network.site(id) { return site } }
        throw ClearanceError.notFound(kind: "inspection site", id: id)
    }

    /// The slot of `site` starting exactly at `start`, as offered now, or a validation error saying why not.
    func offeredSlot(_ site: InspectionSite, start: Date, cached: Cached) throws -> Appointment.Slot {
        let offered = Appointment.slots(at: site, roster: cached.roster, from: start, to: start.addingTimeInterval(1))
        guard let slot = offered.first, slot.start == start else {
            throw ClearanceError.invalid(ValidationFailure([FieldIssue(
                "/start", "slot-not-offered",
                "\(site.id) offers \(site.slotMinutes)-minute slots from midnight China time while open and staffed; \(Timestamp.format(start)) is not one")]))
        }
        return slot
    }

    /// Every site that takes appointments, by port, as published in the reference data.
    public func appointmentSites() async throws -> [(port: String, site: InspectionSite)] {
        try await cached().diversion.values.sorted { $0.port < $1.port }.flatMap { network in network.sites.map { (network.port, $0) } }
    }

    /// A site's slots in `[from, to)` with the places left, nights, weekends and holidays included.
    public func appointmentSlots(site siteID: String, from: Date, to: Date, by principal: Principal) async throws
        -> [Appointment.Slot]
    {
        let cached = try await cached()
        let site = try appointmentSite(siteID, cached: cached)
        guard to > from, to.timeIntervalSince(from) <= 8 * 86_400 else {
            throw ClearanceError.invalid(ValidationFailure([FieldIssue("/to", "range", "ask for up to 8 days of slots at a time")]))
        }
        let booked = try await store.read { db in try await AppointmentTables.booked(site: siteID, from: from, to: to, on: db) }
        return Appointment.slots(at: site, roster: cached.roster, from: from, to: to).map { slot in
            var slot = slot
            slot.booked = booked[slot.start] ?? 0
            return slot
        }
    }

    /// Books a place for the principal's own enterprise; a full slot answers `no-place-left`, never an overbooking.
    public func bookAppointment(_ form: AppointmentForm, by principal: Principal) async throws -> Appointment.State {
        let cached = try await cached()
        guard Policy.declaringRoles.contains(principal.role), let party = principal.partyID else {
            throw ClearanceError.forbidden(reason: "appointments are booked by the enterprise whose goods they are")
        }
        let site = try appointmentSite(form.site, cached: cached)
        let slot = try offeredSlot(site, start: form.start, cached: cached)
        var booking = Appointment.Booking(
            party: party, site: site.id, start: slot.start, end: slot.end, purpose: form.purpose, means: form.means, eta: form.eta)
        if let declarationID = form.declarationID {
            let state = try await declaration(declarationID, by: principal)
            booking.declarationID = state.id
            booking.customsNumber = state.customsNumber?.rawValue
            booking.means = booking.means ?? state.draft?.transport.means
        }
        let now = environment.now()
        let id = environment.makeID()
        let empty = Appointment.State(id: id)
        let events = try Appointment.decide(.book(booking), empty, now: now, principal: principal, rules: cached.appointmentRules)
        return try await store.transaction { db in
            guard try await AppointmentTables.take(site: site.id, start: slot.start, capacity: slot.capacity, on: db) else {
                throw ClearanceError.full(what: "the \(ChinaTime.minute(slot.start)) slot at \(site.id)")
            }
            return try await self.saveAppointment(events, to: empty, on: db)
        }
    }

    func saveAppointment(_ events: [Appointment.Event], to state: Appointment.State, on db: any SQLDatabase) async throws
        -> Appointment.State
    {
        guard !events.isEmpty else { return state }
        try await append(events, to: state.id, type: Self.appointmentStream, expectedVersion: state.version, on: db)
        let next = events.reduce(state, Appointment.evolve)
        try await AppointmentTables.upsert(next, on: db)
        return next
    }

    /// Who may see an appointment: its enterprise, officers, terminals that present the goods, admins.
    func mayRead(_ state: Appointment.State, _ principal: Principal) -> Bool {
        if [.admin, .customsOfficer, .quarantineOfficer, .terminalOperator].contains(principal.role) { return true }
        return principal.partyID != nil && principal.partyID == state.booking?.party
    }

    /// Loads an appointment the principal may see, decides, checks the principal may do it, saves; in one transaction.
    func changeAppointment(_ id: String, by principal: Principal, allowed: @escaping @Sendable (Appointment.State) -> Bool,
                           beforeSave: (@Sendable (Appointment.State, any SQLDatabase) async throws -> Void)? = nil,
                           command: @escaping @Sendable (Appointment.State) throws -> Appointment.Command) async throws
        -> Appointment.State
    {
        let rules = try await cached().appointmentRules
        let now = environment.now()
        return try await store.transaction { db in
            guard let state = try await AppointmentTables.find(id, on: db), self.mayRead(state, principal) else {
                throw ClearanceError.notFound(kind: "appointment", id: id)
            }
            guard allowed(state) else {
                throw ClearanceError.forbidden(reason: "a \(principal.role.rawValue) may not do this to this appointment")
            }
            let events = try Appointment.decide(try command(state), state, now: now, principal: principal, rules: rules)
            try await beforeSave?(state, db)
            return try await self.saveAppointment(events, to: state, on: db)
        }
    }

    public func appointment(_ id: String, by principal: Principal) async throws -> Appointment.State {
        let state = try await store.read { db in try await AppointmentTables.find(id, on: db) }
        guard let state, mayRead(state, principal) else { throw ClearanceError.notFound(kind: "appointment", id: id) }
        return state
    }

    /// An officer's view of a site's day, or an enterprise's own appointments.
    public func appointments(site: String?, from: Date?, to: Date?, by principal: Principal) async throws -> [Appointment.State] {
        let party: String?
        if [.admin, .customsOfficer, .quarantineOfficer, .terminalOperator].contains(principal.role) {
            party = nil
        } else if let own = principal.partyID, Policy.declaringRoles.contains(principal.role) {
            party = own
        } else {
            throw ClearanceError.forbidden(reason: "appointments are seen by their enterprise, officers and terminals")
        }
        return try await store.read { db in
            try await AppointmentTables.list(party: party, site: site, from: from, to: to, limit: 1000, on: db)
        }
    }

    /// Moves to another slot of the same site: the new place is taken and the old one given back together.
    public func moveAppointment(_ id: String, to start: Date, reason: (code: String, detail: String)?, by principal: Principal)
        async throws -> Appointment.State
    {
        let cached = try await cached()
        let now = environment.now()
        let delay = reason.map { Appointment.Delay(code: $0.code, detail: $0.detail, at: now, by: principal.username) }
        return try await changeAppointment(id, by: principal, allowed: { self.mayChange($0, principal) },
            beforeSave: { state, db in
                guard let booking = state.booking else { return }
                let site = try self.appointmentSite(booking.site, cached: cached)
                let slot = try self.offeredSlot(site, start: start, cached: cached)
                guard try await AppointmentTables.take(site: site.id, start: slot.start, capacity: slot.capacity, on: db) else {
                    throw ClearanceError.full(what: "the \(ChinaTime.minute(slot.start)) slot at \(site.id)")
                }
                try await AppointmentTables.release(site: site.id, start: booking.start, on: db)
            },
            command: { state in
                let site = try self.appointmentSite(state.booking?.site ?? "", cached: cached)
                return .move(start: start, end: start.addingTimeInterval(Double(site.slotMinutes) * 60), reason: delay)
            })
    }

    func mayChange(_ state: Appointment.State, _ principal: Principal) -> Bool {
        principal.role == .admin || principal.role.actsForOffice
            || (Policy.declaringRoles.contains(principal.role) && principal.partyID == state.booking?.party)
    }

    public func cancelAppointment(_ id: String, reason: String, by principal: Principal) async throws -> Appointment.State {
        try await changeAppointment(id, by: principal, allowed: { self.mayChange($0, principal) },
            beforeSave: { state, db in
                guard let booking = state.booking else { return }
                try await AppointmentTables.release(site: booking.site, start: booking.start, on: db)
            },
            command: { _ in .cancel(reason: reason) })
    }

    /// The goods are at the site: the SLA clock starts.
    public func recordAppointmentArrival(_ id: String, by principal: Principal) async throws -> Appointment.State {
        try await changeAppointment(id, by: principal,
            allowed: { _ in [.admin, .terminalOperator, .customsOfficer, .quarantineOfficer].contains(principal.role) },
            command: { _ in .arrive })
    }

    /// The officer finishes; past the SLA a published reason is required.
    public func completeAppointment(_ id: String, reason: (code: String, detail: String)?, by principal: Principal) async throws
        -> Appointment.State
    {
        let now = environment.now()
        let delay = reason.map { Appointment.Delay(code: $0.code, detail: $0.detail, at: now, by: principal.username) }
        return try await changeAppointment(id, by: principal,
            allowed: { _ in principal.role == .admin || principal.role.actsForOffice },
            command: { _ in .complete(reason: delay) })
    }

    /// Sends the reminder of every appointment whose slot is within the reminder lead; what the reminder beat runs.
    /// The `reminded` event reaches the enterprise through the outbox.
    @discardableResult
    public func sendAppointmentReminders() async throws -> [String] {
        let rules = try await cached().appointmentRules
        let now = environment.now()
        let due = try await store.read { db in
            try await AppointmentTables.dueReminders(before: now.addingTimeInterval(Double(rules.reminderMinutes) * 60), limit: 500, on: db)
        }
        var sent: [String] = []
        for state in due {
            let saved = try await store.transaction { db in
                guard let fresh = try await AppointmentTables.find(state.id, on: db) else { return state }
                let events = try Appointment.decide(.remind, fresh, now: now, principal: .system, rules: rules)
                return try await self.saveAppointment(events, to: fresh, on: db)
            }
            if saved.remindedAt == now { sent.append(saved.id) }
        }
        return sent
    }
}

extension Clearway {
    /// The booking terms in force (lead time, horizon, reminder lead, SLA minutes, published delay reasons).
    public func appointmentRules() async throws -> Appointment.Rules { try await cached().appointmentRules }
}
