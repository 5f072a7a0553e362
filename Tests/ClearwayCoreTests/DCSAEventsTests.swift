import ClearwayCore
import ClearwayInterop
import ClearwayTestSupport
import Foundation
import Testing

@Suite("DCSA Track & Trace events")
struct DCSAEventsTests {
    static let messages = SharedData.directory?.appendingPathComponent("port-events/dcsa-conformance-gateway/tnt/messages")
    static let now = Date(timeIntervalSince1970: 1_780_000_000)

    /// The restriction tables as shipped in Data/reference.
    static func rules() throws -> DCSAEvents.Rules {
        let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Data/reference")
        func table(_ name: String) throws -> [String: Set<String>] {
            let records = try CSVReader.records(try String(contentsOf: data.appendingPathComponent(name), encoding: .utf8))
            return Dictionary(uniqueKeysWithValues: records.map {
                ($0["code"]!, Set($0["extra"]!.split(separator: " ").map(String.init)))
            })
        }
        return DCSAEvents.Rules(
            equipmentClassifiers: try table("dcsa-equipment-classifiers.csv"),
            shipmentDocuments: try table("dcsa-shipment-documents.csv"))
    }

    static func read(_ file: String) throws -> Result<DCSAEvents.Result, DCSAEvents.Failure> {
        let data = try Data(contentsOf: messages!.appendingPathComponent(file))
        do { return .success(try DCSAEvents.read(data, rules: try rules(), now: now)) } catch let failure as DCSAEvents.Failure {
            return .failure(failure)
        }
    }

    @Test(
        "every valid sample is accepted as port events",
        arguments: [
            "tnt-220-response.json", "tnt-300-request-equipment.json", "tnt-300-request-transport.json",
            "tnt-300-request-shipment.json", "tnt-300-request-reefer.json", "tnt-300-request-iot.json",
            "tnt-300-response.json", "tnt-300-response-nextpage.json",
        ])
    func validSamples(file: String) throws {
        guard Self.messages != nil else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        switch try Self.read(file) {
        case .success(let result): #expect(result.events.count + result.ignored > 0)
        case .failure(let failure): Issue.record("\(file) refused: \(failure.problems)")
        }
    }

    @Test("the equipment LOAD of APZU4812090 at 2026-01-20T14:15Z becomes a loaded port event")
    func equipmentMapping() throws {
        guard Self.messages != nil else { return }
        let result = try Self.read("tnt-300-request-equipment.json").get()
        #expect(result.version == .v30)
        let event = try #require(result.events.first)
        #expect(event.kind == .loaded)
        #expect(event.container?.rawValue == "APZU4812090")
        #expect(event.at == Timestamp.parse("2026-01-20T14:15:00Z"))
        #expect(event.location == "NLRTM")
        let transport = try Self.read("tnt-300-request-transport.json").get().events.first
        #expect(transport?.kind == .conveyanceArrived)
        #expect(transport?.means == "Example Vessel Alpha")
        #expect(transport?.voyage == "V001E")
    }

    @Test(
        "every tagged bad case is refused with a precise error",
        arguments: [
            ("tnt-220-response-wrong-date-times.json", [
                "/0/eventID", "/1/eventCreatedDateTime", "/2/eventDateTime", "/3/eventCreatedDateTime", "/4/eventDateTime",
                "/5/eventDateTime", "/6/eventCreatedDateTime",
            ]),
            ("tnt-220-response-wrong-event-ids.json", ["/0/eventID", "/1/eventID", "/3/eventID", "/6/eventID"]),
            ("tnt-220-response-wrong-attribute-values.json", [
                "/0/eventID", "/1/shipmentEventTypeCode", "/2/equipmentEventTypeCode",
            ]),
            ("tnt-220-response-wrong-structure.json", ["/0", "/1"]),
        ])
    func badCases(file: String, pointers: [String]) throws {
        guard Self.messages != nil else { return }
        switch try Self.read(file) {
        case .success: Issue.record("\(file) was accepted")
        case .failure(let failure):
            let found = Set(failure.problems.map(\.pointer))
            for pointer in pointers { #expect(found.contains(pointer), "\(file): no problem at \(pointer) in \(failure.problems)") }
        }
    }

    @Test("a document that is neither shape is refused")
    func wrongShape() throws {
        #expect(throws: DCSAEvents.Failure.self) { try DCSAEvents.read(Data("{\"x\":1}".utf8), rules: try Self.rules(), now: Self.now) }
        #expect(throws: DCSAEvents.Failure.self) { try DCSAEvents.read(Data("nope".utf8), rules: try Self.rules(), now: Self.now) }
    }

    @Test("a 3.0 event flagged isRetracted is a retraction of its eventID, in its place in the document; nothing but the id counts")
    func retraction() throws {
        let document = #"""
            {"events":[
              {"eventID":"GTOT-7","eventDateTime":"2026-05-28T09:00:00Z","eventClassification":{"eventTypeCode":"EQUIPMENT","eventClassifierCode":"ACT","equipmentEventTypeCode":"GTOT"},"equipmentDetails":{"equipmentReference":"CSQU3054383"}},
              {"eventID":"GTOT-7","isRetracted":true,"eventUpdatedDateTime":"2026-05-28T09:30:00Z"},
              {"eventID":"GTIN-8","isRetracted":false,"eventDateTime":"2026-05-28T10:00:00Z","eventClassification":{"eventTypeCode":"EQUIPMENT","eventClassifierCode":"ACT","equipmentEventTypeCode":"GTIN"},"equipmentDetails":{"equipmentReference":"CSQU3054383"}}
            ]}
            """#
        let result = try DCSAEvents.read(Data(document.utf8), rules: try Self.rules(), now: Self.now)
        #expect(result.reports.count == 3)
        #expect(result.reports[1] == .retraction(PortEventRetraction(source: "dcsa-3.0", eventID: "GTOT-7", externalID: "GTOT-7@2026-05-28T09:30:00Z")))
        #expect(result.events.map(\.kind) == [.gatedOut, .gatedIn])
        // An event without an update time is not a version of anything; one with it replaces its earlier versions.
        #expect(result.events.map(\.supersedes) == [nil, nil])
    }

    @Test("a 3.0 version carries its event's id and when it was made; an update time that is no date-time is refused where it is")
    func versions() throws {
        func document(updated: String) -> Data {
            Data(#"""
                {"events":[{"eventID":"DISC-9","eventUpdatedDateTime":"\#(updated)","eventDateTime":"2026-05-28T08:00:00Z","eventClassification":{"eventTypeCode":"EQUIPMENT","eventClassifierCode":"ACT","equipmentEventTypeCode":"DISC"},"equipmentDetails":{"equipmentReference":"CSQU3054383"}}]}
                """#.utf8)
        }
        let rules = try Self.rules()
        let event = try #require(try DCSAEvents.read(document(updated: "2026-05-28T10:05:00+02:00"), rules: rules, now: Self.now).events.first)
        #expect(event.eventID == "DISC-9" && event.externalID == "DISC-9@2026-05-28T10:05:00+02:00" && event.supersedes == "DISC-9")
        #expect(event.revisedAt == Timestamp.parse("2026-05-28T08:05:00Z"))
        // Made at 08:05 UTC: older than a version made at 08:06, not older than one made at 08:05 or before.
        #expect(event.isOutdated(latest: Timestamp.parse("2026-05-28T08:06:00Z")))
        #expect(!event.isOutdated(latest: Timestamp.parse("2026-05-28T08:05:00Z")) && !event.isOutdated(latest: nil))
        do {
            _ = try DCSAEvents.read(document(updated: "yesterday"), rules: rules, now: Self.now)
            Issue.record("accepted")
        } catch {
            #expect(error.problems.map(\.pointer) == ["/events/0/eventUpdatedDateTime"], "\(error.problems)")
        }
    }

    @Test("a retraction without its eventID, or an isRetracted that is not a boolean, is refused where it is")
    func badRetractions() throws {
        let document = #"{"events":[{"isRetracted":true},{"eventID":"E-1","isRetracted":"yes"}]}"#
        let rules = try Self.rules()
        do {
            _ = try DCSAEvents.read(Data(document.utf8), rules: rules, now: Self.now)
            Issue.record("accepted")
        } catch {
            #expect(error.problems.map(\.pointer) == ["/events/0/eventID", "/events/1/isRetracted"], "\(error.problems)")
        }
    }
}
