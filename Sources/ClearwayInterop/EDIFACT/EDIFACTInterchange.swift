import Foundation

/// An EDIFACT interchange read and checked: its envelope, its messages, and every problem found.
public struct EDIFACTInterchange: Sendable {
    public var delimiters: EDIFACT.Delimiters
    /// Syntax identifier, e.g. UNOA, UNOC.
    public var syntax: String
    public var sender: String
    public var recipient: String
    public var controlReference: String
    public var messages: [Message]
    /// UNA aside, the service segments around the messages: UNB, UNZ, UNG, UNE.
    public var serviceSegments: Int
    public var failures: [EDIFACT.Failure]

    /// One UNH … UNT message.
    public struct Message: Sendable {
        public var reference: String
        public var type: String
        public var version: String
        public var release: String
        public var agency: String
        /// The message's segments, UNH and UNT included.
        public var segments: [EDIFACT.Segment]

        /// The segments between UNH and UNT.
        public var body: ArraySlice<EDIFACT.Segment> { segments.dropFirst().dropLast(segments.last?.tag == "UNT" ? 1 : 0) }
    }

    /// Reads an interchange, checking its envelope: UNB first, every UNH closed by a UNT with the right segment count
    /// and reference, groups closed by UNE, and a UNZ with the message count and the UNB's control reference.
    public static func read(_ data: Data) -> EDIFACTInterchange {
        let (delimiters, segments, tokenFailures) = EDIFACT.segments(data)
        var failures = tokenFailures
        var interchange = EDIFACTInterchange(
            delimiters: delimiters, syntax: "", sender: "", recipient: "", controlReference: "", messages: [],
            serviceSegments: 0, failures: [])
        guard let unb = segments.first, unb.tag == "UNB" else {
            failures.append(.init(segment: segments.first?.number ?? 1, position: 0, reason: "an interchange starts with UNB"))
            interchange.failures = failures
            return interchange
        }
        interchange.syntax = unb[0] ?? ""
        interchange.sender = unb[1] ?? ""
        interchange.recipient = unb[2] ?? ""
        interchange.controlReference = unb[4] ?? ""
        if interchange.syntax.isEmpty { failures.append(.init(segment: 1, position: 1, reason: "UNB has no syntax identifier")) }
        if interchange.controlReference.isEmpty {
            failures.append(.init(segment: 1, position: 5, reason: "UNB has no interchange control reference"))
        }
        interchange.serviceSegments = 1
        var open: Message?
        var groups = 0
        var groupOpen: (reference: String, messages: Int, segment: Int)?
        var sawUNZ = false
        for segment in segments.dropFirst() {
            if sawUNZ {
                failures.append(.init(segment: segment.number, position: 0, reason: "\(segment.tag) after UNZ"))
                continue
            }
            switch segment.tag {
            case "UNH":
                if let unclosed = open {
                    failures.append(.init(segment: segment.number, position: 0, reason: "message \(unclosed.reference) has no UNT before the next UNH"))
                }
                open = Message(reference: segment[0] ?? "", type: segment[1, 0] ?? "", version: segment[1, 1] ?? "",
                               release: segment[1, 2] ?? "", agency: segment[1, 3] ?? "", segments: [segment])
                if (segment[0] ?? "").isEmpty {
                    failures.append(.init(segment: segment.number, position: 1, reason: "UNH has no message reference"))
                }
                if (segment[1, 0] ?? "").isEmpty {
                    failures.append(.init(segment: segment.number, position: 2, reason: "UNH has no message type"))
                }
            case "UNT":
                guard var message = open else {
                    failures.append(.init(segment: segment.number, position: 0, reason: "UNT without a UNH"))
                    continue
                }
                message.segments.append(segment)
                if Int(segment[0] ?? "") != message.segments.count {
                    failures.append(.init(segment: segment.number, position: 1,
                                          reason: "UNT counts \(segment[0] ?? "nothing") segments; message \(message.reference) has \(message.segments.count)"))
                }
                if segment[1] != message.reference {
                    failures.append(.init(segment: segment.number, position: 2,
                                          reason: "UNT reference \(segment[1] ?? "none") does not match UNH \(message.reference)"))
                }
                interchange.messages.append(message)
                if groupOpen != nil { groupOpen!.messages += 1 }
                open = nil
            case "UNG":
                interchange.serviceSegments += 1
                groupOpen = (segment[4] ?? "", 0, segment.number)
                groups += 1
            case "UNE":
                interchange.serviceSegments += 1
                if let group = groupOpen {
                    if Int(segment[0] ?? "") != group.messages {
                        failures.append(.init(segment: segment.number, position: 1,
                                              reason: "UNE counts \(segment[0] ?? "nothing") messages; the group has \(group.messages)"))
                    }
                    if segment[1] != group.reference {
                        failures.append(.init(segment: segment.number, position: 2,
                                              reason: "UNE reference \(segment[1] ?? "none") does not match UNG \(group.reference)"))
                    }
                } else {
                    failures.append(.init(segment: segment.number, position: 0, reason: "UNE without a UNG"))
                }
                groupOpen = nil
            case "UNZ":
                interchange.serviceSegments += 1
                sawUNZ = true
                let expected = groups > 0 ? groups : interchange.messages.count
                if Int(segment[0] ?? "") != expected {
                    failures.append(.init(segment: segment.number, position: 1,
                                          reason: "UNZ counts \(segment[0] ?? "nothing") \(groups > 0 ? "groups" : "messages"); the interchange has \(expected)"))
                }
                if segment[1] != interchange.controlReference {
                    failures.append(.init(segment: segment.number, position: 2,
                                          reason: "UNZ reference \(segment[1] ?? "none") does not match UNB \(interchange.controlReference)"))
                }
            default:
                if open == nil {
                    failures.append(.init(segment: segment.number, position: 0, reason: "\(segment.tag) outside a message"))
                } else {
                    open!.segments.append(segment)
                }
            }
        }
        // Missing closers are reported outermost first.
        if !sawUNZ { failures.append(.init(segment: 0, position: 0, reason: "missing UNZ")) }
        if let unclosed = open {
            failures.append(.init(segment: 0, position: 0, reason: "missing UNT"))
            interchange.messages.append(unclosed)
        }
        interchange.failures = failures
        return interchange
    }
}
