import ClearwayCore
import Foundation
import Testing

@Suite("7x24 appointments")
struct AppointmentTests {
    /// China time to a date: 2026-01-31 23:00 China is 15:00 UTC.
    static func china(_ text: String) -> Date { Timestamp.parse(text + ":00+08:00")! }

    let cold = InspectionSite(id: "COLD", name: "cold-chain bays", kinds: [.physical], facilities: [.reeferPower], lanes: 3,
                              slotMinutes: 60)
    let yard = InspectionSite(id: "YARD", name: "inspection yard", kinds: [.physical], lanes: 6, slotMinutes: 60,
                              hours: [.init(from: "08:00", to: "22:00")])
    var roster: Roster {
        Roster(shifts: [
            try! Roster.shift(site: "COLD", days: "1-7", from: "00:00", to: "24:00", officers: "3"),
            try! Roster.shift(site: "YARD", days: "1-5", from: "08:00", to: "22:00", officers: "6"),
            try! Roster.shift(site: "YARD", days: "6,7", from: "08:00", to: "22:00", officers: "2"),
            try! Roster.shift(site: "YARD", days: "2026-10-01", from: "08:00", to: "12:00", officers: "1"),
        ])
    }

    @Test("slots run through midnight at the month's end and each is counted on its own China day")
    func acrossMidnightAndMonthEnd() {
        let slots = Appointment.slots(at: cold, roster: roster, from: Self.china("2026-01-31T22:00"), to: Self.china("2026-02-01T02:00"))
        #expect(slots.map(\.start) == ["2026-01-31T22:00", "2026-01-31T23:00", "2026-02-01T00:00", "2026-02-01T01:00"].map(Self.china))
        #expect(slots.map { ChinaTime.day($0.start) } == ["2026-01-31", "2026-01-31", "2026-02-01", "2026-02-01"])
        #expect(slots.allSatisfy { $0.capacity == 3 })
        // A shift ending at midnight does not cover a slot that runs past it.
        let late = Roster(shifts: [try! Roster.shift(site: "COLD", days: "1-7", from: "12:00", to: "24:00", officers: "2")])
        let crossing = InspectionSite(id: "COLD", name: "c", kinds: [.physical], lanes: 1, slotMinutes: 90)
        let starts = Appointment.slots(at: crossing, roster: late, from: Self.china("2026-02-28T21:00"), to: Self.china("2026-03-01T03:00"))
        #expect(starts.map(\.start) == [Self.china("2026-02-28T21:00"), Self.china("2026-02-28T22:30")])
        #expect(late.officers(at: "COLD", from: Self.china("2026-02-28T22:30"), to: Self.china("2026-03-01T00:00")) == 2)
        #expect(late.officers(at: "COLD", from: Self.china("2026-02-28T22:30"), to: Self.china("2026-03-01T00:30")) == 0)
    }

    @Test("weekends and holidays have slots with the staff rostered for them")
    func weekendsAndHolidays() {
        func capacity(_ day: String) -> [Int] {
            Appointment.slots(at: yard, roster: roster, from: Self.china("\(day)T00:00"), to: Self.china("\(day)T23:59")).map(\.capacity)
        }
        #expect(capacity("2026-09-30") == Array(repeating: 6, count: 14))  // a Wednesday: 08:00–22:00
        #expect(capacity("2026-10-03") == Array(repeating: 2, count: 14))  // a Saturday
        #expect(capacity("2026-10-01") == [1, 1, 1, 1])                     // National Day: four morning slots
    }

    @Test("a roster row that is not a shift is refused with its reason")
    func badShift() {
        #expect(throws: IdentifierError.self) { try Roster.shift(site: "X", days: "8", from: "08:00", to: "12:00", officers: "1") }
        #expect(throws: IdentifierError.self) { try Roster.shift(site: "X", days: "1-5", from: "12:00", to: "08:00", officers: "1") }
        #expect(throws: IdentifierError.self) { try Roster.shift(site: "X", days: "1-5", from: "08:00", to: "25:00", officers: "1") }
    }

    let rules = Appointment.Rules(delayReasons: ["laboratory-test": "Samples sent for a laboratory test"])
    let trader = Principal(userID: "u1", username: "trader", role: .trader, partyID: "p1")
    let officer = Principal(userID: "u2", username: "officer", role: .customsOfficer, office: try! OfficeCode("2200"))

    func booked(at start: Date, now: Date) throws -> Appointment.State {
        let booking = Appointment.Booking(party: "p1", site: "COLD", start: start, end: start.addingTimeInterval(3600), purpose: .inspection)
        let events = try Appointment.decide(.book(booking), .init(id: "a1"), now: now, principal: trader, rules: rules)
        return events.reduce(Appointment.State(id: "a1"), Appointment.evolve)
    }

    @Test("a booking too soon, too far ahead or before the vessel's ETA is refused with the reason")
    func bookingTiming() {
        let now = Self.china("2026-05-29T10:00")
        func issues(_ start: Date, eta: Date? = nil) -> [String] {
            let booking = Appointment.Booking(party: "p1", site: "COLD", start: start, end: start.addingTimeInterval(3600),
                                              purpose: .inspection, eta: eta)
            do {
                _ = try Appointment.decide(.book(booking), .init(id: "a"), now: now, principal: trader, rules: rules)
                return []
            } catch {
                if case .invalid(let failure) = error { return failure.issues.map(\.code) }
                return ["\(error)"]
            }
        }
        #expect(issues(Self.china("2026-05-29T10:30")) == ["appointment-too-soon"])
        #expect(issues(Self.china("2026-06-20T10:00")) == ["appointment-too-far"])
        #expect(issues(Self.china("2026-05-29T12:00"), eta: Self.china("2026-05-29T13:00")) == ["appointment-before-arrival"])
        #expect(issues(Self.china("2026-05-29T14:00"), eta: Self.china("2026-05-29T13:00")).isEmpty)
    }

    @Test("the SLA clock starts at arrival and finishing late needs a published reason")
    func slaAndDelays() throws {
        let start = Self.china("2026-05-29T14:00")
        var state = try booked(at: start, now: Self.china("2026-05-29T10:00"))
        #expect(state.slaDue(rules) == nil)
        // The goods come late, at 14:30: due 16:30 (120 minutes of inspection SLA).
        state = try Appointment.decide(.arrive, state, now: Self.china("2026-05-29T14:30"), principal: officer, rules: rules)
            .reduce(state, Appointment.evolve)
        #expect(state.slaDue(rules) == Self.china("2026-05-29T16:30"))
        let late = Self.china("2026-05-29T17:00")
        #expect(throws: ClearanceError.self) {
            try Appointment.decide(.complete(reason: nil), state, now: late, principal: officer, rules: rules)
        }
        let unknown = Appointment.Delay(code: "tea-break", detail: "", at: late, by: "officer")
        #expect(throws: ClearanceError.self) {
            try Appointment.decide(.complete(reason: unknown), state, now: late, principal: officer, rules: rules)
        }
        let lab = Appointment.Delay(code: "laboratory-test", detail: "pesticide residue test", at: late, by: "officer")
        state = try Appointment.decide(.complete(reason: lab), state, now: late, principal: officer, rules: rules).reduce(state, Appointment.evolve)
        #expect(state.status == .completed)
        #expect(state.delays.map(\.code) == ["laboratory-test"])
    }

    @Test("an officer moving a slot states a reason; the trader moving its own does not")
    func moves() throws {
        let state = try booked(at: Self.china("2026-05-29T14:00"), now: Self.china("2026-05-29T10:00"))
        let now = Self.china("2026-05-29T11:00")
        let later = Self.china("2026-05-29T16:00")
        #expect(throws: ClearanceError.self) {
            try Appointment.decide(.move(start: later, end: later.addingTimeInterval(3600), reason: nil), state, now: now,
                                   principal: officer, rules: rules)
        }
        let moved = try Appointment.decide(.move(start: later, end: later.addingTimeInterval(3600), reason: nil), state, now: now,
                                           principal: trader, rules: rules).reduce(state, Appointment.evolve)
        #expect(moved.booking?.start == later)
        #expect(moved.moves == 1)
    }
}
