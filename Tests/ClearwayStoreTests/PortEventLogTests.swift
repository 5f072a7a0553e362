import ClearwayCore
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Testing

@Suite("Port event log")
struct PortEventLogTests {
    @Test("an event kept until its declaration comes is read back whole: box, conveyance and bill keys, with its tally, manifest and ship side", arguments: TestBackend.available)
    func readBackWhole(backend: TestBackend) async throws {
        let at = Date(timeIntervalSince1970: 1_780_000_000)
        let box = try ContainerNumber("CSQU3054383")
        let events = [
            PortEvent(kind: .gatedOut, at: at, container: box, location: "CNSHA-YS4", atShipSide: true, source: "dcsa-3.0", externalID: "GTOT-1"),
            PortEvent(kind: .tallied, at: at.addingTimeInterval(60), billOfLading: "COSU6245187340", tallyNormal: false),
            PortEvent(kind: .manifestFiled, at: at.addingTimeInterval(120), means: "COSCO SHIPPING ARIES", voyage: "045E", manifest: .clean),
        ]
        try await backend.withStore { store in
            try await store.transaction { db in
                for (index, event) in events.enumerated() {
                    _ = try await PortEventLog.append(event, reportedBy: "u-terminal", outcome: index == 0 ? "applied" : "unmatched",
                                                      detail: "", declarations: index == 0 ? ["d-1"] : [], at: at, on: db)
                }
            }
            let keys: [(kind: DeclarationKeys.Kind, value: String)] = [
                (.container, box.rawValue), (.billOfLading, "COSU6245187340"),
                (.conveyance, DeclarationKeys.conveyance(means: "COSCO SHIPPING ARIES", voyage: "045E")),
            ]
            let logged = try await store.read { db in
                try await PortEventLog.logged(keys: keys, since: at.addingTimeInterval(-1), on: db)
            }
            #expect(logged == [LoggedPortEvent(events[0], matched: true), LoggedPortEvent(events[1], matched: false),
                               LoggedPortEvent(events[2], matched: false)])
            let later = try await store.read { db in try await PortEventLog.logged(keys: keys, since: at.addingTimeInterval(90), on: db) }
            #expect(later.map(\.event.kind) == [.manifestFiled])
        }
    }
}
