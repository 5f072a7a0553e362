import ClearwayApp
import ClearwayCore
import ClearwayTestSupport
import Foundation
import Testing

@Suite("Port events and lodgements at once on PostgreSQL")
struct PortKeyRaceTests {
    @Test("a box's gate-in and the declaration naming it, sent at the same moment for 120 boxes, always meet: at lodgement or when the event is recorded",
          .enabled(if: TestBackend.postgresURL != nil, "needs CLEARWAY_TEST_POSTGRES (.ci/run sets it)"))
    func gateInRacesLodgement() async throws {
        try await TestBackend.postgres.withClearway { clearway in
            let trader = try await Demo.principal("trader", in: clearway)
            let terminal = try await Demo.principal("terminal", in: clearway)
            let gatedIn = clearway.environment.now().addingTimeInterval(-3_600)
            let boxes = try (0..<120).map { try ContainerNumber.make(owner: "CSQ", serial: 200_000 + $0) }
            // Lodgements and events go to different writer lanes, each its own connection: they commit side by side.
            let lodged = try await withThrowingTaskGroup(of: (String, String)?.self) { group in
                for box in boxes {
                    group.addTask {
                        (box.rawValue, try await clearway.lodge(Demo.importForm(container: box.rawValue), by: trader).id)
                    }
                    group.addTask {
                        _ = try await clearway.recordPortEvent(
                            PortEvent(kind: .gatedIn, at: gatedIn, container: box, externalID: "GTIN-\(box.rawValue)"), by: terminal)
                        return nil
                    }
                }
                var lodged: [(String, String)] = []
                for try await pair in group { if let pair { lodged.append(pair) } }
                return lodged
            }
            var missed: [String] = []
            for (box, id) in lodged where try await clearway.declaration(id, by: trader).boxes[box]?.gatedInAt == nil {
                missed.append(box)
            }
            #expect(lodged.count == boxes.count && missed.isEmpty, "gate-ins that met no declaration: \(missed)")
        }
    }
}
