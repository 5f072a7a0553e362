import ClearwayCore
import Foundation

/// CUSDEC (customs declaration, D.96B) read into a declaration form, and CUSRES (customs response) written.
///
/// The segments read, as this platform's message guide states them, in the order of the D.96B segment table
/// (`Data/edifact/D96B/CUSDEC.txt`, which every declaration is laid out on before it is read):
/// `BGM+929|830+<reference>` (import or export), `LOC+41+<office of declaration>`, `LOC+22+<office of entry/exit>`,
/// `LOC+42+<destination office>`, `GIS+<supervision mode>`, `EQD+CN+<container>+<size type>` with `SEL+<seal>`,
/// `FTX+PRC+++<procedure>`, `RFF+BM:<bill of lading>`, `TDT+20+<voyage>+<mode>+++++:::<vessel>`,
/// `NAD+DT+<declarant credit code>`, `NAD+IM|EX+<trading party credit code>`, `NAD+CN|CZ+++<overseas party>`,
/// `TOD+++<Incoterm>`; after `UNS+D`, per goods item `CST+<item>+<commodity code>`, `FTX+AAA+++<description>`,
/// `LOC+27+<origin>`, `MEA+AAE++<unit>:<quantity>`, `MOA+<qualifier>:<amount>:<currency>`; then `UNS+S`.
public enum CUSDEC {
    /// A form read from a CUSDEC, with where each field came from, so validation problems can name their segment.
    public struct Reading: Sendable {
        public var reference: String
        public var form: DeclarationForm
        /// Form JSON pointer → (segment number, data element position).
        public var sources: [String: (segment: Int, position: Int)]

        /// Where in the interchange a form pointer came from; the closest recorded parent, else the message header.
        public func source(of pointer: String, header: Int) -> (segment: Int, position: Int) {
            var path = pointer
            while !path.isEmpty {
                if let found = sources[path] { return found }
                path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
            }
            return (header, 0)
        }
    }

    public static func read(_ message: EDIFACTInterchange.Message) -> Reading {
        var sources: [String: (segment: Int, position: Int)] = [:]
        var direction = "", procedure: String?, supervisionMode = "", declarant = "", trading = "", overseas: String?
        var declarationOffice = "", entryExitOffice = "", destinationOffice: String?
        var transport = TransportForm(mode: "", means: nil, voyage: nil)
        var bill: String?, incoterm = "", reference = ""
        var containers: [ContainerForm] = []
        var items: [ItemForm] = []
        var detail = false
        func mark(_ pointer: String, _ segment: EDIFACT.Segment, _ position: Int) { sources[pointer] = (segment.number, position) }
        for segment in message.body {
            let item = items.count - 1
            switch (segment.tag, segment[0] ?? "") {
            case ("BGM", let code):
                direction = code == "929" ? "import" : code == "830" ? "export" : code
                reference = segment[1] ?? ""
                mark("/direction", segment, 1)
            case ("LOC", "41"): declarationOffice = segment[1] ?? ""; mark("/declarationOffice", segment, 2)
            case ("LOC", "22"): entryExitOffice = segment[1] ?? ""; mark("/entryExitOffice", segment, 2)
            case ("LOC", "42"): destinationOffice = segment[1]; mark("/destinationOffice", segment, 2)
            case ("LOC", "27") where detail && item >= 0:
                items[item].origin = segment[1] ?? ""
                mark("/items/\(item)/origin", segment, 2)
            case ("GIS", let mode): supervisionMode = mode; mark("/supervisionMode", segment, 1)
            case ("FTX", "PRC"): procedure = segment[3]; mark("/procedure", segment, 4)
            case ("FTX", "AAA") where detail && item >= 0:
                items[item].description = segment[3] ?? ""
                mark("/items/\(item)/description", segment, 4)
            case ("NAD", "DT"): declarant = segment[1] ?? ""; mark("/declarant", segment, 2)
            case ("NAD", "IM"), ("NAD", "EX"): trading = segment[1] ?? ""; mark("/tradingParty", segment, 2)
            case ("NAD", "CN"), ("NAD", "CZ"): overseas = segment[3] ?? segment[1]; mark("/overseasParty", segment, 4)
            case ("TDT", "20"):
                transport = TransportForm(mode: segment[2] ?? "", means: segment[7, 3] ?? segment[7, 0], voyage: segment[1])
                mark("/transport", segment, 3)
            case ("RFF", "BM"): bill = segment[0, 1]; mark("/billOfLading", segment, 1)
            case ("TOD", _): incoterm = segment[2] ?? ""; mark("/incoterm", segment, 3)
            case ("EQD", "CN"):
                mark("/containers/\(containers.count)", segment, 2)
                containers.append(ContainerForm(number: segment[1] ?? "", seals: [], sizeType: segment[2]))
            case ("SEL", _) where !containers.isEmpty:
                containers[containers.count - 1].seals.append(segment[0] ?? "")
            case ("UNS", "D"): detail = true
            case ("UNS", "S"): detail = false
            case ("CST", _) where detail:
                mark("/items/\(items.count)", segment, 1)
                mark("/items/\(items.count)/commodityCode", segment, 2)
                items.append(ItemForm(commodityCode: segment[1, 0] ?? "", description: "", quantity: "", unit: "", value: "",
                                      currency: "", origin: ""))
            case ("MEA", _) where detail && item >= 0:
                items[item].quantity = segment[2, 1] ?? ""
                items[item].unit = segment[2, 0] ?? ""
                mark("/items/\(item)/quantity", segment, 3)
                mark("/items/\(item)/unit", segment, 3)
            case ("MOA", _) where detail && item >= 0:
                items[item].value = segment[0, 1] ?? ""
                items[item].currency = segment[0, 2] ?? ""
                mark("/items/\(item)/value", segment, 1)
                mark("/items/\(item)/currency", segment, 1)
            default:
                break
            }
        }
        let form = DeclarationForm(
            direction: direction, procedure: procedure, supervisionMode: supervisionMode, declarant: declarant,
            tradingParty: trading, overseasParty: overseas, declarationOffice: declarationOffice,
            entryExitOffice: entryExitOffice, transport: transport, billOfLading: bill, incoterm: incoterm,
            containers: containers, items: items, destinationOffice: destinationOffice)
        return Reading(reference: reference, form: form, sources: sources)
    }
}

/// CUSRES, the customs response: accepted with the customs number, or refused with each error by segment.
public enum CUSRES {
    /// One error, placed at a segment and data element of the CUSDEC it answers.
    public struct Error: Sendable, Equatable {
        public var segment: Int
        public var position: Int
        public var code: String
        public var detail: String
        public init(segment: Int, position: Int, code: String, detail: String) {
            self.segment = segment
            self.position = position
            self.code = code
            self.detail = detail
        }
    }

    /// What a response says.
    public enum Outcome: Sendable, Equatable {
        case accepted(customsNumber: String)
        case refused([Error])
        case released(customsNumber: String)
        case selectedForInspection(customsNumber: String, inspections: [String])
    }

    /// One CUSRES message answering the declaration `reference` (the declarant's LRN from BGM), in the order of the
    /// D.96B segment table (`Data/edifact/D96B/CUSRES.txt`): BGM, DTM, notes (FTX), status (GIS), the customs number
    /// (RFF, SG3), errors (ERP/ERC/FTX, SG4). The table allows 99 errors and 9 notes; beyond that the last says how
    /// many more there are.
    public static func message(reference: String, messageReference: String, outcome: Outcome, at date: Date) -> [EDIFACT.Segment] {
        var segments: [EDIFACT.Segment] = [EDIFACT.Segment("UNH", [[messageReference], ["CUSRES", "D", "96B", "UN"]])]
        let stamp = timestamp(date)
        func head(_ status: String) -> [EDIFACT.Segment] {
            [EDIFACT.Segment("BGM", [["962"], [reference], [status]]), EDIFACT.Segment("DTM", [["9", stamp, "203"]])]
        }
        func number(_ customsNumber: String) -> EDIFACT.Segment { EDIFACT.Segment("RFF", [["ABT", customsNumber]]) }
        func capped(_ texts: [String], _ limit: Int) -> [String] {
            texts.count <= limit ? texts : Array(texts.prefix(limit - 1)) + ["and \(texts.count - limit + 1) more"]
        }
        switch outcome {
        case .accepted(let customsNumber):
            segments += head("29") + [number(customsNumber)]
        case .refused(let errors):
            segments += head("27")
            var shown = Array(errors.prefix(99))
            if errors.count > 99 {
                shown[98].detail = "\(shown[98].detail) (and \(errors.count - 98) more errors)"
            }
            for error in shown {
                segments += [
                    EDIFACT.Segment("ERP", [["1"], ["\(error.segment)", "\(error.position)"]]),
                    EDIFACT.Segment("ERC", [[error.code]]),
                    EDIFACT.Segment("FTX", [["AAO"], [], [], [String(error.detail.prefix(512))]]),
                ]
            }
        case .released(let customsNumber):
            segments += head("29") + [EDIFACT.Segment("GIS", [["RELEASED"]]), number(customsNumber)]
        case .selectedForInspection(let customsNumber, let inspections):
            segments += head("29") + capped(inspections, 9).map { EDIFACT.Segment("FTX", [["AAO"], [], [], [$0]]) }
                + [EDIFACT.Segment("GIS", [["INSPECTION"]]), number(customsNumber)]
        }
        segments.append(EDIFACT.Segment("UNT", [["\(segments.count + 1)"], [messageReference]]))
        return segments
    }

    /// A whole interchange of responses, from `sender` to `recipient`.
    public static func interchange(sender: String, recipient: String, controlReference: String, messages: [[EDIFACT.Segment]],
                                   at date: Date) -> String {
        let stamp = timestamp(date)
        let header = EDIFACT.Segment("UNB", [["UNOC", "3"], [sender], [recipient],
                                             [String(stamp.dropFirst(2).prefix(6)), String(stamp.suffix(4))], [controlReference]])
        let trailer = EDIFACT.Segment("UNZ", [["\(messages.count)"], [controlReference]])
        return EDIFACT.write([header] + messages.flatMap { $0 } + [trailer], una: true)
    }

    static func timestamp(_ date: Date) -> String { ChinaTime.minute(date) }
}

extension CUSRES {
    /// The later answer new events on a declaration call for: released, or selected for inspection; nil when they
    /// change nothing the declarant's system waits to hear.
    public static func followUp(after events: [Declaration.Event], state: Declaration.State) -> Outcome? {
        guard let number = state.customsNumber?.rawValue else { return nil }
        if events.contains(where: { if case .released = $0 { true } else { false } }) { return .released(customsNumber: number) }
        let selected = events.contains { event in
            switch event {
            case .inspectionOrdered: true
            case .riskDecided: state.clearance.lane == .inspection
            default: false
            }
        }
        guard selected else { return nil }
        return .selectedForInspection(
            customsNumber: number,
            inspections: state.clearance.inspections.filter(\.isOpen).map { "\($0.kind.rawValue) at \($0.place.rawValue)" })
    }
}
