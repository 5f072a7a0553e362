import ClearwayCore
import Foundation

/// Terminal messages in UN/EDIFACT read as port events: COARRI (discharge and loading reports) and CODECO (gate-in
/// and gate-out reports), one event per container (EQD) with its own execution time. A message whose function is a
/// cancellation (BGM 1225 code 1) retracts what the document it names (BGM 1004) reported for each of its boxes.
///
/// Which document code (BGM) means which movement is reference data, since terminals' message guides differ.
public enum EDIFACTPortEvents {
    /// Message type and BGM document code ("COARRI:44") → the movement it reports; and the time zone of the times.
    public struct Rules: Sendable, Equatable {
        public var kinds: [String: PortEvent.Kind]
        public var timeZone: TimeZone
        public init(kinds: [String: PortEvent.Kind], timeZone: TimeZone = ChinaTime.zone) {
            self.kinds = kinds
            self.timeZone = timeZone
        }
        public var messageTypes: Set<String> { Set(kinds.keys.compactMap { $0.split(separator: ":").first.map(String.init) }) }
    }

    /// Message functions (UN/EDIFACT 1225) a terminal message may have: an original (9, or none), its duplicate (7),
    /// a replacement (5: a newer version of the document), or a cancellation (1).
    static let functions: Set<String> = ["", "9", "7", "5", "1"]

    /// The port events and retractions of every message, in order, or every problem found; an interchange is taken
    /// whole or not at all.
    public static func reports(_ interchange: EDIFACTInterchange, rules: Rules) -> (reports: [PortEventReport], failures: [EDIFACT.Failure]) {
        var reports: [PortEventReport] = []
        var failures = interchange.failures
        for message in interchange.messages {
            guard rules.messageTypes.contains(message.type) else {
                failures.append(.init(segment: message.segments.first?.number ?? 0, position: 2,
                                      reason: "message type \(message.type) is not accepted here (accepted: \(rules.messageTypes.sorted().joined(separator: ", ")))"))
                continue
            }
            guard let bgm = message.body.first(where: { $0.tag == "BGM" }) else {
                failures.append(.init(segment: message.segments.first?.number ?? 0, position: 0, reason: "\(message.type) \(message.reference) has no BGM"))
                continue
            }
            guard let kind = rules.kinds["\(message.type):\(bgm[0] ?? "")"] else {
                failures.append(.init(segment: bgm.number, position: 1,
                                      reason: "document code \(bgm[0] ?? "none") of \(message.type) is not a movement this platform records"))
                continue
            }
            let function = bgm[2] ?? ""
            guard Self.functions.contains(function) else {
                failures.append(.init(segment: bgm.number, position: 3,
                                      reason: "message function \(function) is not one a terminal message may have here (9 original, 7 duplicate, 5 replacement, 1 cancellation)"))
                continue
            }
            let document = bgm[1].flatMap { $0.isEmpty ? nil : $0 }
            if function == "1" && document == nil {
                failures.append(.init(segment: bgm.number, position: 2, reason: "a cancellation names the document it cancels (BGM 1004)"))
                continue
            }
            // Main carriage: voyage in element 2, vessel name in the fourth component of element 8 (else its id).
            let carriage = message.body.first { $0.tag == "TDT" && $0[0] == "20" }
            let voyage = carriage?[1]
            let means = carriage?[7, 3] ?? carriage?[7, 0]
            let messageTime = message.body.first { $0.tag == "DTM" && ["137", "133", "132"].contains($0[0, 0] ?? "") }
                .flatMap { time($0, rules.timeZone) }
            // When the document was issued (DTM 137): a replacement issued before a version already received is old.
            let issued = message.body.first { $0.tag == "DTM" && $0[0, 0] == "137" }.flatMap { time($0, rules.timeZone) }
            var equipment: EDIFACT.Segment?
            var equipmentTime: Date?
            var location: String?
            func finish() {
                guard let eqd = equipment else { return }
                defer { equipment = nil; equipmentTime = nil }
                guard let number = eqd[1], let container = try? ContainerNumber(number) else {
                    failures.append(.init(segment: eqd.number, position: 2,
                                          reason: "\(eqd[1] ?? "nothing") is not an ISO 6346 container number"))
                    return
                }
                guard let at = equipmentTime ?? messageTime else {
                    failures.append(.init(segment: eqd.number, position: 0, reason: "no date and time for container \(number)"))
                    return
                }
                // The delivery is unique per sender: a control reference is not reused between a sender and its
                // recipient, a message reference not within an interchange, a box not within a message. The event
                // is the box in the sender's document, of which a replacement is a newer version and which a
                // cancellation retracts (as DCSA's `eventID@eventUpdatedDateTime`).
                // A message without a document number is only its delivery.
                let event = document.map { "\(interchange.sender)/\(message.type)/\($0)/\(number)" }
                let delivery = event.map { "\($0)@\(interchange.controlReference)/\(message.reference)" }
                    ?? "\(interchange.sender)/\(interchange.controlReference)/\(message.type)/\(message.reference)/\(number)"
                if function == "1", let event {
                    reports.append(.retraction(PortEventRetraction(source: "edifact", eventID: event, externalID: delivery)))
                } else {
                    reports.append(.event(PortEvent(
                        kind: kind, at: at, container: container, means: means, voyage: voyage, location: location, source: "edifact",
                        externalID: delivery, supersedes: function == "5" ? event : nil, eventID: event,
                        revisedAt: event == nil ? nil : issued)))
                }
            }
            for segment in message.body {
                switch segment.tag {
                case "EQD":
                    finish()
                    if segment[0] == "CN" { equipment = segment }
                case "DTM" where equipment != nil && ["203", "7", "178", "186"].contains(segment[0, 0] ?? ""):
                    guard let parsed = time(segment, rules.timeZone) else {
                        failures.append(.init(segment: segment.number, position: 1,
                                              reason: "\(segment[0, 1] ?? "") is not a time in format \(segment[0, 2] ?? "none")"))
                        continue
                    }
                    equipmentTime = parsed
                case "LOC" where equipment == nil && ["11", "9", "165"].contains(segment[0] ?? ""):
                    location = segment[1, 0]
                default:
                    break
                }
            }
            finish()
        }
        return (reports, failures)
    }

    /// A DTM's date and time, by its format code (102, 203, 204; 303 with a UTC offset).
    static func time(_ segment: EDIFACT.Segment, _ zone: TimeZone) -> Date? {
        guard let value = segment[0, 1] else { return nil }
        let format = segment[0, 2] ?? "203"
        let pattern: String
        var text = value
        var timeZone = zone
        switch format {
        case "102": pattern = "yyyyMMdd"
        case "203": pattern = "yyyyMMddHHmm"
        case "204": pattern = "yyyyMMddHHmmss"
        case "303":
            // CCYYMMDDHHMMZZZ: the zone as an offset such as +08 or as UTC.
            guard value.count > 12 else { return nil }
            text = String(value.prefix(12))
            let zoneText = value.dropFirst(12)
            if zoneText == "UTC" || zoneText == "GMT" { timeZone = TimeZone(identifier: "UTC")! }
            else if let hours = Int(zoneText), let offset = TimeZone(secondsFromGMT: hours * 3600) { timeZone = offset }
            else { return nil }
            pattern = "yyyyMMddHHmm"
        default: return nil
        }
        guard text.count == pattern.count, text.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = timeZone
        formatter.dateFormat = pattern
        formatter.isLenient = false
        return formatter.date(from: text)
    }
}
