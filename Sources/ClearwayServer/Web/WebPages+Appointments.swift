import ClearwayApp
import ClearwayCore
import Foundation
import Hummingbird

extension WebPages {
    /// 7x24 appointments: a site's slots over the next day (nights and weekends included) with places left, booked
    /// with one button; and the person's own bookings.
    func appointments(_ request: Request, posted: Bool = false) async throws -> Response {
        try await workspace(request) { visit, principal in
            // Read inside the workspace, so a form past the limit is answered with a page.
            let form = posted ? try await WebForm.read(request) : nil
            let language = visit.language
            var booked: String?
            if let form {
                try checkCSRF(form, visit)
                guard let start = Timestamp.parse(form["start"]), let purpose = Appointment.Purpose(rawValue: form["purpose"]) else {
                    throw ClearanceError.invalid(ValidationFailure([FieldIssue("/start", "slot-unknown", "choose a slot and a purpose")]))
                }
                let state = try await clearway.bookAppointment(
                    AppointmentForm(site: form["site"], start: start, purpose: purpose, declarationID: form.optional("declaration")), by: principal)
                booked = state.booking.map { "\($0.site) \(Self.display($0.start))" }
            }
            let sites = try await clearway.appointmentSites()
            let chosen = form?.optional("site") ?? request.uri.queryParameters.get("site").map { String($0) } ?? sites.first?.site.id ?? ""
            let now = clearway.environment.now()
            // Slots closer than the booking lead time cannot be booked any more: they are not offered.
            let earliest = now.addingTimeInterval(Double(try await clearway.appointmentRules().leadMinutes) * 60)
            let slots = chosen.isEmpty ? []
                : try await clearway.appointmentSlots(site: chosen, from: earliest, to: earliest.addingTimeInterval(86_400), by: principal)
            let mine = try await clearway.appointments(site: nil, from: now.addingTimeInterval(-86_400), to: now.addingTimeInterval(14 * 86_400),
                                                       by: principal)
            return render("appointments", context(visit, title: locales.text("appointments_title", language), [
                "booked": booked as Any,
                "sites": sites.map { ["id": $0.site.id, "label": "\($0.port) · \($0.site.name)", "selected": $0.site.id == chosen] },
                "site": chosen,
                "slots": slots.filter { $0.available > 0 }.prefix(48).map { slot -> [String: Any] in
                    ["start": Timestamp.format(slot.start), "when": Self.display(slot.start), "until": Self.display(slot.end),
                     "left": slot.available]
                },
                "purposes": Appointment.Purpose.allCases.map { ["value": $0.rawValue, "label": locales.text("purpose_\($0.rawValue)", language)] },
                "mine": mine.compactMap { state -> [String: Any]? in
                    guard let booking = state.booking else { return nil }
                    return ["site": booking.site, "when": Self.display(booking.start), "purpose": locales.text("purpose_\(booking.purpose.rawValue)", language),
                            "number": booking.customsNumber ?? "", "status": locales.text("appointment_\(state.status.rawValue)", language)]
                },
            ]))
        }
    }
}
