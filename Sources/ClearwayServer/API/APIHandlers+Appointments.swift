import ClearwayAPI
import ClearwayApp
import ClearwayCore
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func listAppointmentSlots(_ input: Operations.ListAppointmentSlots.Input) async throws -> Operations.ListAppointmentSlots.Output {
        let slots = try await clearway.appointmentSlots(
            site: input.query.site, from: input.query.from, to: input.query.to, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(slots.map {
            .init(site: $0.site, start: $0.start, end: $0.end, day: ChinaTime.day($0.start), capacity: $0.capacity, booked: $0.booked,
                  available: $0.available)
        })))
    }

    func listAppointments(_ input: Operations.ListAppointments.Input) async throws -> Operations.ListAppointments.Output {
        let list = try await clearway.appointments(
            site: input.query.site, from: input.query.from, to: input.query.to, by: try RequestPrincipal.required())
        let rules = try await clearway.appointmentRules()
        return .ok(.init(body: .json(list.compactMap { Schemas.Appointment($0, rules) })))
    }

    func bookAppointment(_ input: Operations.BookAppointment.Input) async throws -> Operations.BookAppointment.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.bookAppointment(
            AppointmentForm(site: body.site, start: body.start, purpose: Appointment.Purpose(rawValue: body.purpose.rawValue)!,
                            declarationID: body.declarationId, means: body.means, eta: body.eta),
            by: try RequestPrincipal.required())
        return .created(.init(body: .json(try await appointment(state))))
    }

    func getAppointment(_ input: Operations.GetAppointment.Input) async throws -> Operations.GetAppointment.Output {
        .ok(.init(body: .json(try await appointment(
            try await clearway.appointment(input.path.appointmentId, by: try RequestPrincipal.required())))))
    }

    func moveAppointment(_ input: Operations.MoveAppointment.Input) async throws -> Operations.MoveAppointment.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.moveAppointment(
            input.path.appointmentId, to: body.start, reason: body.reason.map { ($0.code, $0.detail) },
            by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try await appointment(state))))
    }

    func cancelAppointment(_ input: Operations.CancelAppointment.Input) async throws -> Operations.CancelAppointment.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.cancelAppointment(input.path.appointmentId, reason: body.reason, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try await appointment(state))))
    }

    func recordAppointmentArrival(_ input: Operations.RecordAppointmentArrival.Input) async throws
        -> Operations.RecordAppointmentArrival.Output
    {
        let state = try await clearway.recordAppointmentArrival(input.path.appointmentId, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try await appointment(state))))
    }

    func completeAppointment(_ input: Operations.CompleteAppointment.Input) async throws -> Operations.CompleteAppointment.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.completeAppointment(
            input.path.appointmentId, reason: body.reason.map { ($0.code, $0.detail) }, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try await appointment(state))))
    }

    func appointment(_ state: Appointment.State) async throws -> Schemas.Appointment {
        guard let wire = Schemas.Appointment(state, try await clearway.appointmentRules()) else {
            throw ClearanceError.notFound(kind: "appointment", id: state.id)
        }
        return wire
    }
}

extension Components.Schemas.Appointment {
    init?(_ state: Appointment.State, _ rules: Appointment.Rules) {
        guard let booking = state.booking, let bookedAt = state.bookedAt else { return nil }
        self.init(
            id: state.id, site: booking.site, start: booking.start, end: booking.end, purpose: .init(rawValue: booking.purpose.rawValue)!,
            status: .init(rawValue: state.status.rawValue)!, declarationId: booking.declarationID, customsNumber: booking.customsNumber,
            means: booking.means, eta: booking.eta, bookedAt: bookedAt, remindedAt: state.remindedAt, arrivedAt: state.arrivedAt,
            slaDue: state.slaDue(rules), completedAt: state.completedAt, cancelReason: state.cancelReason, moves: state.moves,
            delays: state.delays.map { .init(code: $0.code, detail: $0.detail, at: $0.at, by: $0.by) })
    }
}
