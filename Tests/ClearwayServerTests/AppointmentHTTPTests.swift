import ClearwayApp
import ClearwayCore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("7x24 appointments over HTTP")
struct AppointmentHTTPTests {
    /// Friday 29 May 2026, 10:00 China time: a weekday slot of the inspection yard, where ten officers are rostered.
    static let yardSlot = Date(timeIntervalSince1970: 1_780_020_000)

    @Test("100 concurrent bookings for 10 places give exactly 10", arguments: TestBackend.available)
    func neverOverbooked(backend: TestBackend) async throws {
        try await backend.withClearway(clock: TestClock()) { clearway in
            let trader = try await Demo.principal("trader", in: clearway)
            let form = AppointmentForm(site: "YS-YARD", start: Self.yardSlot, purpose: .inspection)
            let outcomes = await withTaskGroup(of: String.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        do {
                            _ = try await clearway.bookAppointment(form, by: trader)
                            return "booked"
                        } catch let error as ClearanceError {
                            return error.code
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                var all: [String] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.filter { $0 == "booked" }.count == 10)
            #expect(outcomes.filter { $0 == "no-place-left" }.count == 90)
            let slots = try await clearway.appointmentSlots(site: "YS-YARD", from: Self.yardSlot, to: Self.yardSlot.addingTimeInterval(3600), by: trader)
            #expect(slots.first?.capacity == 10)
            #expect(slots.first?.booked == 10)
            #expect(slots.first?.available == 0)
            let listed = try await clearway.appointments(site: "YS-YARD", from: nil, to: nil, by: trader)
            #expect(listed.count == 10)
        }
    }

    static func json(_ response: TestResponse) throws -> [[String: Any]] {
        try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [[String: Any]] ?? []
    }

    @Test("a trader books a night slot for its declaration, is reminded, the goods arrive, and a late finish states its reason", arguments: TestBackend.available)
    func nightAppointment(backend: TestBackend) async throws {
        let clock = TestClock()
        try await withApp(backend, clock: clock) { clearway, client in
            // Night slots of the cold-chain bays, across midnight China time (16:00Z is 00:00 China).
            let slots = try await client.send(Call(
                method: .get, path: "/api/v1/appointment-slots?site=YS-COLD&from=2026-05-29T14:00:00Z&to=2026-05-29T18:00:00Z",
                token: "demo-token-trader"))
            let list = try Self.json(slots)
            #expect(list.compactMap { $0["day"] as? String } == ["2026-05-29", "2026-05-29", "2026-05-30", "2026-05-30"], "\(slots.text)")
            #expect(list.first?["capacity"] as? Int == 3)

            let lodged = try await client.send(Call(method: .post, path: "/api/v1/declarations", token: "demo-token-trader", json: declarationJSON()))
            let declaration = try #require(try lodged.json()["id"] as? String)
            let booked = try await client.send(Call(
                method: .post, path: "/api/v1/appointments", token: "demo-token-trader",
                json: #"{"site":"YS-COLD","start":"2026-05-29T16:00:00Z","purpose":"inspection","declarationId":"\#(declaration)","eta":"2026-05-29T12:00:00Z"}"#))
            #expect(booked.status == .created, "\(booked.text)")
            let id = try #require(try booked.json()["id"] as? String)
            #expect(try booked.json()["means"] as? String == "COSCO SHIPPING ARIES")

            let offGrid = try await client.send(Call(
                method: .post, path: "/api/v1/appointments", token: "demo-token-trader",
                json: #"{"site":"YS-COLD","start":"2026-05-29T16:20:00Z","purpose":"inspection"}"#))
            #expect(offGrid.status == .unprocessableContent)
            #expect(offGrid.text.contains("slot-not-offered"))
            let closed = try await client.send(Call(
                method: .post, path: "/api/v1/appointments", token: "demo-token-trader",
                json: #"{"site":"YS-YARD","start":"2026-05-29T16:00:00Z","purpose":"inspection"}"#))
            #expect(closed.text.contains("slot-not-offered"), "the yard is closed at midnight")
            let other = try await client.send(Call(method: .get, path: "/api/v1/appointments/\(id)", token: "demo-token-foods"))
            #expect(other.status == .notFound)

            // The trader moves it an hour later itself; an officer moving it again must say why.
            let moved = try await client.send(Call(method: .post, path: "/api/v1/appointments/\(id)/move", token: "demo-token-trader",
                                                   json: #"{"start":"2026-05-29T17:00:00Z"}"#))
            #expect(try moved.json()["moves"] as? Int == 1, "\(moved.text)")
            let silent = try await client.send(Call(method: .post, path: "/api/v1/appointments/\(id)/move", token: "demo-token-officer",
                                                    json: #"{"start":"2026-05-29T18:00:00Z"}"#))
            #expect(silent.status == .unprocessableContent)
            #expect(silent.text.contains("delay-reason-required"))
            let slotsAfter = try Self.json(try await client.send(Call(
                method: .get, path: "/api/v1/appointment-slots?site=YS-COLD&from=2026-05-29T16:00:00Z&to=2026-05-29T18:00:00Z",
                token: "demo-token-trader")))
            #expect(slotsAfter.compactMap { $0["booked"] as? Int } == [0, 1])

            // Two hours before the slot the reminder goes out, once.
            clock.advance(19 * 3600)  // 2026-05-29T15:26:40Z
            let sent = try await clearway.sendAppointmentReminders()
            #expect(sent == [id])
            let again = try await clearway.sendAppointmentReminders()
            #expect(again.isEmpty)

            clock.advance(2 * 3600)  // 17:26:40Z: the goods arrive 26 minutes into the slot
            let arrived = try await client.send(Call(method: .post, path: "/api/v1/appointments/\(id)/arrival", token: "demo-token-terminal"))
            #expect(try arrived.json()["slaDue"] as? String == "2026-05-29T19:26:40.000Z", "\(arrived.text)")
            clock.advance(3 * 3600)
            let late = try await client.send(Call(method: .post, path: "/api/v1/appointments/\(id)/complete", token: "demo-token-officer",
                                                  json: "{}"))
            #expect(late.status == .unprocessableContent)
            let done = try await client.send(Call(
                method: .post, path: "/api/v1/appointments/\(id)/complete", token: "demo-token-officer",
                json: #"{"reason":{"code":"laboratory-test","detail":"pesticide residue sample"}}"#))
            #expect(try done.json()["status"] as? String == "completed", "\(done.text)")
            #expect((try done.json()["delays"] as? [[String: Any]])?.first?["code"] as? String == "laboratory-test")
            let events = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(declaration)", token: "demo-token-trader"))
            #expect(events.status == .ok)
        }
    }

    @Test("a full slot answers no-place-left and a cancellation gives the place back", arguments: TestBackend.available.prefix(1))
    func fullThenCancelled(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            // The dangerous-goods bay has one officer: one place per 90-minute slot.
            let body = #"{"site":"YS-DG","start":"2026-05-29T02:30:00Z","purpose":"inspection"}"#
            let first = try await client.send(Call(method: .post, path: "/api/v1/appointments", token: "demo-token-trader", json: body))
            #expect(first.status == .created, "\(first.text)")
            let second = try await client.send(Call(method: .post, path: "/api/v1/appointments", token: "demo-token-foods", json: body))
            #expect(second.status == .conflict)
            #expect(second.text.contains("no-place-left"))
            let id = try #require(try first.json()["id"] as? String)
            let noReason = try await client.send(Call(method: .post, path: "/api/v1/appointments/\(id)/cancel", token: "demo-token-trader",
                                                      json: #"{"reason":" "}"#))
            #expect(noReason.status == .unprocessableContent)
            let cancelled = try await client.send(Call(method: .post, path: "/api/v1/appointments/\(id)/cancel", token: "demo-token-trader",
                                                       json: #"{"reason":"vessel delayed"}"#))
            #expect(try cancelled.json()["status"] as? String == "cancelled")
            let third = try await client.send(Call(method: .post, path: "/api/v1/appointments", token: "demo-token-foods", json: body))
            #expect(third.status == .created)
            let mine = try Self.json(try await client.send(Call(method: .get, path: "/api/v1/appointments", token: "demo-token-trader")))
            #expect(mine.compactMap { $0["status"] as? String } == ["cancelled"])
        }
    }
}
