import ClearwayCore
import Foundation

/// DCSA Track & Trace events (2.2: a JSON array of events; 3.0: an object with `events`) read as port events.
///
/// A document is accepted or refused whole: any invalid event refuses it, with every problem listed by event index
/// and JSON pointer. Only actual (ACT) equipment and transport events that matter to clearance become port events;
/// shipment, reefer and IoT events and estimates are valid but carry nothing for customs.
public enum DCSAEvents {
    /// The standard version a document was read as.
    public enum Version: String, Sendable {
        case v22 = "dcsa-2.2"
        case v30 = "dcsa-3.0"
    }

    /// Codes whose use DCSA restricts beyond the schema's enums; reference data, since the restrictions are ours to confirm.
    public struct Rules: Sendable, Equatable {
        /// Equipment event type code → the classifiers allowed with it (e.g. RMVD only as ACT).
        public var equipmentClassifiers: [String: Set<String>]
        /// Shipment event type code → the document types it may apply to (e.g. VOID only to TRD).
        public var shipmentDocuments: [String: Set<String>]
        public init(equipmentClassifiers: [String: Set<String>], shipmentDocuments: [String: Set<String>]) {
            self.equipmentClassifiers = equipmentClassifiers
            self.shipmentDocuments = shipmentDocuments
        }
    }

    /// One problem in a document.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var event: Int?
        public var pointer: String
        public var reason: String
        public var description: String { "\(event.map { "event \($0): " } ?? "")\(pointer): \(reason)" }
    }

    /// A refused document with every problem found.
    public struct Failure: Error, Sendable, Equatable {
        public var problems: [Problem]
    }

    /// What the document held: port events and retractions in document order, and how many valid events carried
    /// nothing for customs.
    public struct Result: Sendable, Equatable {
        public var version: Version
        public var reports: [PortEventReport]
        public var ignored: Int
        public var events: [PortEvent] { reports.compactMap(\.event) }
    }

    static let transportCodes: Set<String> = ["ARRI", "DEPA"]
    static let shipmentCodes: Set<String> = [
        "RECE", "DRFT", "PENA", "PENU", "REJE", "APPR", "ISSU", "SURR", "SUBM", "VOID", "CONF", "REQS", "CMPL", "HOLD",
        "RELS",
    ]
    static let equipmentCodes: Set<String> = [
        "LOAD", "DISC", "GTIN", "GTOT", "STUF", "STRP", "PICK", "DROP", "INSP", "RSEA", "RMVD",
    ]
    static let documentCodes: Set<String> = ["CBR", "BKG", "SHI", "SRM", "TRD", "ARN", "VGM", "CAS", "CUS", "DGD", "OOG"]
    static let classifiers: Set<String> = ["ACT", "PLN", "EST"]

    /// Reads a document; `now` bounds creation times (an event cannot have been created in the future).
    public static func read(_ data: Data, rules: Rules, now: Date) throws(Failure) -> Result {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw Failure(problems: [Problem(event: nil, pointer: "", reason: "not valid JSON")])
        }
        if let array = root as? [Any] {
            return try read22(array, rules: rules, now: now)
        }
        if let object = root as? [String: Any], let events = object["events"] as? [Any] {
            return try read30(events, now: now)
        }
        throw Failure(problems: [Problem(
            event: nil, pointer: "", reason: "expected an array of DCSA 2.2 events or an object with 'events' (3.0)")])
    }

    // MARK: - 2.2

    static func read22(_ array: [Any], rules: Rules, now: Date) throws(Failure) -> Result {
        var problems: [Problem] = []
        var seenIDs: [String: Int] = [:]
        var events: [PortEvent] = []
        var ignored = 0
        if array.isEmpty { problems.append(Problem(event: nil, pointer: "", reason: "no events")) }
        for (index, element) in array.enumerated() {
            func problem(_ pointer: String, _ reason: String) { problems.append(Problem(event: index, pointer: "/\(index)\(pointer)", reason: reason)) }
            guard let event = element as? [String: Any], let type = event["eventType"] as? String else {
                problem("", "not a DCSA event (no eventType)")
                continue
            }
            switch event["eventID"] {
            case nil: problem("/eventID", "eventID is required")
            case let id as String:
                if UUID(uuidString: id) == nil { problem("/eventID", "eventID '\(id)' is not a UUID") }
                if let first = seenIDs[id.lowercased()] { problem("/eventID", "eventID \(id) repeats event \(first)") }
                seenIDs[id.lowercased()] = index
            default: problem("/eventID", "eventID must be a string")
            }
            let created = dateTime(event["eventCreatedDateTime"], "/eventCreatedDateTime", problem)
            let happened = dateTime(event["eventDateTime"], "/eventDateTime", problem)
            let classifier = event["eventClassifierCode"] as? String
            if classifier == nil || !classifiers.contains(classifier!) {
                problem("/eventClassifierCode", "eventClassifierCode must be ACT, PLN or EST")
            }
            if let created, created > now.addingTimeInterval(300) {
                problem("/eventCreatedDateTime", "eventCreatedDateTime \(Timestamp.format(created)) is in the future")
            }
            if let created, let happened, classifier == "ACT", happened > created.addingTimeInterval(300) {
                problem("/eventDateTime", "eventDateTime is after eventCreatedDateTime: an actual event is reported after it happens")
            }
            var kind: PortEvent.Kind?
            var container: ContainerNumber?
            switch type {
            case "EQUIPMENT":
                let code = event["equipmentEventTypeCode"] as? String ?? ""
                if !equipmentCodes.contains(code) {
                    problem("/equipmentEventTypeCode", "'\(code)' is not an equipment event type code")
                } else if let classifier, let allowed = rules.equipmentClassifiers[code], !allowed.contains(classifier) {
                    problem("/equipmentEventTypeCode", "\(code) can only be \(allowed.sorted().joined(separator: "/")), not \(classifier)")
                }
                kind = ["LOAD": .loaded, "DISC": .discharged, "GTIN": .gatedIn, "GTOT": .gatedOut][code]
                if kind != nil, let reference = event["equipmentReference"] as? String {
                    container = try? ContainerNumber(reference)
                    if container == nil { problem("/equipmentReference", "'\(reference)' is not an ISO 6346 container number") }
                }
            case "TRANSPORT":
                let code = event["transportEventTypeCode"] as? String ?? ""
                if !transportCodes.contains(code) { problem("/transportEventTypeCode", "'\(code)' is not ARRI or DEPA") }
                kind = code == "ARRI" ? .conveyanceArrived : code == "DEPA" ? .conveyanceDeparted : nil
                if event["transportCall"] as? [String: Any] == nil { problem("/transportCall", "a transport event needs its transportCall") }
            case "SHIPMENT":
                let code = event["shipmentEventTypeCode"] as? String ?? ""
                let document = event["documentTypeCode"] as? String ?? ""
                if !shipmentCodes.contains(code) { problem("/shipmentEventTypeCode", "'\(code)' is not a shipment event type code") }
                if !documentCodes.contains(document) { problem("/documentTypeCode", "'\(document)' is not a document type code") }
                if let allowed = rules.shipmentDocuments[code], !allowed.contains(document) {
                    problem("/shipmentEventTypeCode", "\(code) applies to \(allowed.sorted().joined(separator: "/")), not \(document)")
                }
                if event["documentID"] as? String == nil { problem("/documentID", "documentID is required") }
            default:
                problem("/eventType", "'\(type)' is not TRANSPORT, SHIPMENT or EQUIPMENT")
            }
            guard let kind, classifier == "ACT", let happened else {
                ignored += 1
                continue
            }
            let call = event["transportCall"] as? [String: Any]
            let vessel = call?["vessel"] as? [String: Any]
            events.append(PortEvent(
                kind: kind, at: happened, container: container, means: vessel?["vesselName"] as? String,
                voyage: (call?["exportVoyageNumber"] ?? call?["importVoyageNumber"]) as? String,
                location: ((event["eventLocation"] as? [String: Any])?["UNLocationCode"] ?? call?["UNLocationCode"]) as? String,
                source: Version.v22.rawValue, externalID: event["eventID"] as? String))
        }
        guard problems.isEmpty else { throw Failure(problems: problems) }
        return Result(version: .v22, reports: events.map(PortEventReport.event), ignored: ignored)
    }

    // MARK: - 3.0

    static func read30(_ array: [Any], now: Date) throws(Failure) -> Result {
        var problems: [Problem] = []
        var seenIDs: Set<String> = []
        var reports: [PortEventReport] = []
        var ignored = 0
        for (index, element) in array.enumerated() {
            func problem(_ pointer: String, _ reason: String) {
                problems.append(Problem(event: index, pointer: "/events/\(index)\(pointer)", reason: reason))
            }
            // A retraction voids this and every earlier version of the event; nothing but its id counts.
            if let object = element as? [String: Any], let flag = object["isRetracted"] {
                guard let retracted = flag as? Bool else {
                    problem("/isRetracted", "isRetracted must be a boolean")
                    continue
                }
                if retracted {
                    if let id = object["eventID"] as? String, !id.isEmpty, let delivery = Self.version(of: object) {
                        reports.append(.retraction(PortEventRetraction(source: Version.v30.rawValue, eventID: id, externalID: delivery)))
                    } else {
                        problem("/eventID", "a retraction names the event it retracts by its eventID")
                    }
                    continue
                }
            }
            guard let event = element as? [String: Any],
                let classification = event["eventClassification"] as? [String: Any],
                let type = classification["eventTypeCode"] as? String
            else {
                problem("/eventClassification", "eventClassification with an eventTypeCode is required")
                continue
            }
            if let id = event["eventID"] as? String {
                if !seenIDs.insert(id).inserted { problem("/eventID", "eventID \(id) is repeated") }
            } else {
                problem("/eventID", "eventID is required")
            }
            let happened = dateTime(event["eventDateTime"], "/eventDateTime", problem)
            let revised = event["eventUpdatedDateTime"].flatMap { dateTime($0, "/eventUpdatedDateTime", problem) }
            let classifier = classification["eventClassifierCode"] as? String
            if classifier == nil || !classifiers.contains(classifier!) {
                problem("/eventClassification/eventClassifierCode", "eventClassifierCode must be ACT, PLN or EST")
            }
            var kind: PortEvent.Kind?
            var container: ContainerNumber?
            switch type {
            case "EQUIPMENT":
                let code = classification["equipmentEventTypeCode"] as? String ?? ""
                kind = ["LOAD": .loaded, "DISC": .discharged, "GTIN": .gatedIn, "GTOT": .gatedOut][code]
                let reference = (event["equipmentDetails"] as? [String: Any])?["equipmentReference"] as? String
                if kind != nil {
                    guard let reference else {
                        problem("/equipmentDetails/equipmentReference", "an equipment event names its equipment")
                        continue
                    }
                    container = try? ContainerNumber(reference)
                    if container == nil {
                        problem("/equipmentDetails/equipmentReference", "'\(reference)' is not an ISO 6346 container number")
                    }
                }
            case "TRANSPORT":
                let code = classification["transportEventTypeCode"] as? String ?? ""
                kind = code == "ARRI" ? .conveyanceArrived : code == "DEPA" ? .conveyanceDeparted : nil
                if kind == nil { problem("/eventClassification/transportEventTypeCode", "'\(code)' is not ARRI or DEPA") }
            case "SHIPMENT", "REEFER", "IOT":
                break
            default:
                problem("/eventClassification/eventTypeCode", "'\(type)' is not an event type of Track & Trace 3.0")
            }
            guard let kind, classifier == "ACT", let happened else {
                ignored += 1
                continue
            }
            let call = ((event["transportDetails"] as? [String: Any])?["transportCall"]) as? [String: Any]
            let vessel = call?["vesselTransport"] as? [String: Any]
            let voyage = ((call?["exportVoyageNumberOrReference"] ?? call?["importVoyageNumberOrReference"]) as? [String: Any])?[
                "carrierVoyageNumber"] as? String
            reports.append(.event(PortEvent(
                kind: kind, at: happened, container: container, means: vessel?["vesselName"] as? String, voyage: voyage,
                location: (event["eventLocation"] as? [String: Any])?["UNLocationCode"] as? String,
                source: Version.v30.rawValue, externalID: Self.version(of: event),
                supersedes: event["eventUpdatedDateTime"] is String ? event["eventID"] as? String : nil,
                eventID: event["eventID"] as? String, revisedAt: revised)))
        }
        guard problems.isEmpty else { throw Failure(problems: problems) }
        return Result(version: .v30, reports: reports, ignored: ignored)
    }

    /// Which version of an event this is. In Track & Trace 3.0 an event overrides an earlier one with the same
    /// `eventID` and an earlier `eventUpdatedDateTime`, so the id of a delivery is both: a newer version is another
    /// event, the same version delivered again is the same one.
    static func version(of event: [String: Any]) -> String? {
        guard let id = event["eventID"] as? String else { return nil }
        guard let updated = event["eventUpdatedDateTime"] as? String else { return id }
        return "\(id)@\(updated)"
    }

    /// An RFC 3339 date-time with an offset, or a problem.
    static func dateTime(_ value: Any?, _ pointer: String, _ problem: (String, String) -> Void) -> Date? {
        guard let text = value as? String else {
            problem(pointer, "\(pointer.dropFirst()) is required")
            return nil
        }
        guard text.count >= 20, text.dropFirst(10).first == "T", let date = Timestamp.parse(text) else {
            problem(pointer, "'\(text)' is not an RFC 3339 date-time")
            return nil
        }
        return date
    }
}
