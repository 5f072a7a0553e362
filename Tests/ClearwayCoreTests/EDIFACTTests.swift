import ClearwayCore
import ClearwayApp
import ClearwayInterop
import ClearwayTestSupport
import Foundation
import Testing

@Suite("UN/EDIFACT syntax")
struct EDIFACTTests {
    static let folder = SharedData.directory?.appendingPathComponent("edifact/php-edifact")

    static func read(_ name: String) throws -> EDIFACTInterchange? {
        guard let folder else { return nil }
        return EDIFACTInterchange.read(try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    @Test("the BAPLIE and COARRI samples read with their syntax, messages and service segments, and no error")
    func samples() throws {
        guard let baplie = try Self.read("D95BBAPLIE.edi"), let coarri = try Self.read("D95BCOARRI.edi") else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        #expect(baplie.syntax == "UNOA")
        #expect(baplie.messages.map(\.type) == ["BAPLIE"])
        #expect(baplie.serviceSegments == 2)
        #expect(baplie.failures.isEmpty, "\(baplie.failures)")
        #expect(coarri.messages.map(\.type) == ["COARRI", "COARRI"])
        #expect(coarri.messages.first?.release == "95B")
        #expect(coarri.serviceSegments == 2)
        #expect(coarri.failures.isEmpty, "\(coarri.failures)")
    }

    @Test("a release character before an ordinary character is the one error of the broken order, and its fixed twin has none")
    func releaseError() throws {
        guard let broken = try Self.read("example_order_error.edi"), let fixed = try Self.read("example_order_ok.edi") else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        #expect(broken.failures.map(\.reason) == [
            "There's a character not escaped with ? in the data; string :::H-Vollmilch 3,5%  ?*?*Marke?*?*:1l Tertra mit Drehverschluss",
        ])
        #expect(broken.failures.first?.position == 3)
        #expect(fixed.failures.isEmpty, "\(fixed.failures)")
    }

    @Test("release characters, a one-line interchange and several messages read as the standard says")
    func edgeCases() throws {
        guard let released = try Self.read("example_release_character.edi"), let wrapped = try Self.read("example_wrapped.edi"),
              let multi = try Self.read("exampleMulti.edi"), let utf8 = try Self.read("example_utf8.edi"),
              let multiline = try Self.read("example_multiline.edi")
        else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        let texts = released.messages.flatMap(\.segments).filter { $0.tag == "IFT" }.compactMap { $0[1] }
        #expect(texts.contains("NO MORE ' FLIGHTS 3"))
        #expect(texts.contains("NO MORE FLIGHTS 2?"))
        #expect(texts.contains("NO MORE ? FLIGHTS 3"))
        #expect(wrapped.messages.count == 1)
        #expect(wrapped.messages.first?.segments.count == 13)
        #expect(multi.messages.map(\.reference) == ["1", "2"])
        for interchange in [wrapped, multi, utf8] { #expect(interchange.failures.isEmpty, "\(interchange.failures)") }
        // A data element may run over a line break; this sample's UNT also claims 10 segments where it has 7.
        let wrappedText = multiline.messages.first?.segments.last { $0.tag == "FTX" }?[3, 0]
        #expect(wrappedText == "THE SHIPPER SHALL NOT BE RESPONSIBLE FOR ANY COSTS/DELAYS OCCUR\n")
        #expect(multiline.failures.map(\.description) == ["segment 8 element 1: UNT counts 10 segments; message 0001 has 7"])
    }

    @Test("a message without UNT and UNZ is reported missing both; wrong counts and references are named by segment")
    func envelopeErrors() throws {
        let truncated = "UNB+UNOA:2+A+B+260101:1200+REF1'UNH+1+COARRI:D:95B:UN'BGM+44+X+9'"
        #expect(EDIFACTInterchange.read(Data(truncated.utf8)).failures.map(\.reason) == ["missing UNZ", "missing UNT"])
        let miscounted = "UNB+UNOA:2+A+B+260101:1200+REF1'UNH+1+COARRI:D:95B:UN'BGM+44+X+9'UNT+5+1'UNZ+2+REF9'"
        let failures = EDIFACTInterchange.read(Data(miscounted.utf8)).failures
        #expect(failures.map(\.segment) == [4, 5, 5])
        #expect(failures.map(\.position) == [1, 1, 2])
    }

    @Test("every sample writes back and reads to the same segments")
    func roundTrip() throws {
        guard let folder = Self.folder else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        let names = ["D95BBAPLIE.edi", "D95BCOARRI.edi", "D96ADESADV.edi", "example_order_ok.edi", "example_release_character.edi",
                     "example_wrapped.edi", "exampleMulti.edi", "example_utf8.edi"]
        for name in names {
            let original = EDIFACT.segments(try Data(contentsOf: folder.appendingPathComponent(name)))
            let written = EDIFACT.write(original.segments, delimiters: original.delimiters, una: true)
            let again = EDIFACT.segments(Data(written.utf8))
            #expect(again.segments == original.segments, "\(name)")
            #expect(again.failures.isEmpty, "\(name): \(again.failures)")
        }
    }

    static let rules = EDIFACTPortEvents.Rules(
        kinds: ["COARRI:44": .discharged, "COARRI:46": .loaded, "CODECO:34": .gatedIn, "CODECO:36": .gatedOut],
        timeZone: TimeZone(identifier: "Europe/Rome")!)

    @Test("the COARRI sample's discharge and loading reports become one port event per container at its own time")
    func coarriEvents() throws {
        guard let coarri = try Self.read("D95BCOARRI.edi") else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        let (reports, failures) = EDIFACTPortEvents.reports(coarri, rules: Self.rules)
        let events = reports.compactMap(\.event)
        #expect(failures.isEmpty, "\(failures)")
        #expect(events.first?.kind == .discharged)
        #expect(events.first?.container?.rawValue == "FCIU9908030")
        #expect(events.first?.voyage == "031W")
        #expect(events.first?.means == "COSCO AFRICA")
        #expect(events.first?.source == "edifact")
        // 2016-02-03 09:13 in Genoa (UTC+1) is 08:13 UTC.
        #expect(events.first?.at == Date(timeIntervalSince1970: 1_454_487_180))
        #expect(Set(events.map(\.kind)) == [.discharged, .loaded])
    }

    @Test("a gate-in report with a bad container number or an unknown document code is refused by segment and element")
    func codecoRefusals() {
        let good = "UNB+UNOA:2+TERM+CW+260528:0800+7'UNH+1+CODECO:D:95B:UN'BGM+34+G1+9'EQD+CN+CSQU3054383+22G1'DTM+7:202605280800:203'UNT+5+1'UNZ+1+7'"
        let (reports, failures) = EDIFACTPortEvents.reports(EDIFACTInterchange.read(Data(good.utf8)), rules: Self.rules)
        #expect(failures.isEmpty)
        #expect(reports.compactMap(\.event).map(\.kind) == [.gatedIn])
        let bad = good.replacingOccurrences(of: "CSQU3054383", with: "CSQU3054384").replacingOccurrences(of: "BGM+34", with: "BGM+99")
        let refused = EDIFACTPortEvents.reports(EDIFACTInterchange.read(Data(bad.utf8)), rules: Self.rules).failures
        #expect(refused.map(\.description) == ["segment 3 element 1: document code 99 of CODECO is not a movement this platform records"])
        let badBox = good.replacingOccurrences(of: "CSQU3054383", with: "CSQU3054384")
        let boxFailures = EDIFACTPortEvents.reports(EDIFACTInterchange.read(Data(badBox.utf8)), rules: Self.rules).failures
        #expect(boxFailures.map(\.segment) == [4])
        #expect(boxFailures.map(\.position) == [2])
    }

    @Test("a CODECO cancelling a document retracts each of its boxes' events by the document's number; a replacement is a newer version; other functions are refused")
    func codecoFunctions() {
        func read(_ text: String) -> (reports: [PortEventReport], failures: [EDIFACT.Failure]) {
            EDIFACTPortEvents.reports(EDIFACTInterchange.read(Data(text.utf8)), rules: Self.rules)
        }
        let original = "UNB+UNOA:2+TERM+CW+260528:0800+7'UNH+1+CODECO:D:95B:UN'BGM+34+G1+9'EQD+CN+CSQU3054383+22G1'DTM+7:202605280800:203'UNT+5+1'UNZ+1+7'"
        #expect(read(original).reports.compactMap(\.event).map(\.externalID) == ["TERM/CODECO/G1/CSQU3054383@7/1"])
        let replacement = original.replacingOccurrences(of: "+7'", with: "+8'").replacingOccurrences(of: "G1+9", with: "G1+5")
        #expect(read(replacement).reports.compactMap(\.event).map(\.externalID) == ["TERM/CODECO/G1/CSQU3054383@8/1"])
        #expect(read(replacement).reports.compactMap(\.event).map(\.supersedes) == ["TERM/CODECO/G1/CSQU3054383"])
        #expect(read(original).reports.compactMap(\.event).map(\.supersedes) == [nil])
        let cancellation = original.replacingOccurrences(of: "+7'", with: "+9'").replacingOccurrences(of: "G1+9", with: "G1+1")
        #expect(read(cancellation).reports == [.retraction(PortEventRetraction(
            source: "edifact", eventID: "TERM/CODECO/G1/CSQU3054383", externalID: "TERM/CODECO/G1/CSQU3054383@9/1"))])
        let unnamed = cancellation.replacingOccurrences(of: "BGM+34+G1+1", with: "BGM+34++1")
        #expect(read(unnamed).failures.map(\.description) == ["segment 3 element 2: a cancellation names the document it cancels (BGM 1004)"])
        let changed = original.replacingOccurrences(of: "G1+9", with: "G1+4")
        #expect(read(changed).failures.map(\.position) == [3])
        // A document's issue time (DTM 137) is when its version was made; without one, received order decides.
        #expect(read(original).reports.compactMap(\.event).map(\.revisedAt) == [nil])
        let issued = replacement.replacingOccurrences(of: "EQD+", with: "DTM+137:202605280845:203'EQD+").replacingOccurrences(of: "UNT+5", with: "UNT+6")
        let event = read(issued).reports.compactMap(\.event).first
        #expect(event?.eventID == "TERM/CODECO/G1/CSQU3054383" && event?.revisedAt == Timestamp.parse("2026-05-28T06:45:00Z"))
        #expect(event?.at == Timestamp.parse("2026-05-28T06:00:00Z"))
    }
}

@Suite("UN/EDIFACT message structures")
struct EDIFACTStructureTests {
    static let directory = Result { try EDIFACTDirectory(folder: DataDirectory.locate().appendingPathComponent("edifact")) }
    static let smooks = SharedData.directory?.appendingPathComponent("edifact/smooks")

    static func structured(_ data: Data) throws -> (EDIFACTInterchange, [EDIFACTStructuredMessage]) {
        let directory = try Self.directory.get()
        let interchange = EDIFACTInterchange.read(data)
        let messages = try interchange.messages.map { message in
            let structure = try #require(directory.structure(of: message), "no structure for \(message.type) \(message.release)")
            return EDIFACTStructuredMessage(message, structure: structure, directory: directory)
        }
        return (interchange, messages)
    }

    @Test("the DESADV D96A sample lays out on its segment table as exactly the tree php-edifact gives, byte for byte")
    func desadvTree() throws {
        guard let folder = EDIFACTTests.folder else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        let (_, messages) = try Self.structured(try Data(contentsOf: folder.appendingPathComponent("D96ADESADV.edi")))
        let directory = try Self.directory.get()
        let expected = try Data(contentsOf: folder.appendingPathComponent("D96ADESADV.json"))
        let tree = JSONValue.array(messages.map { $0.namedJSON(directory) })
        #expect(tree == (try JSONValue.parse(expected)))
        let pretty = tree.pretty()
        #expect(pretty.utf8.count == 9_379)
        #expect(pretty == String(decoding: expected, as: UTF8.self))
        // The table holds; the one departure is the directory's: BGM's message function (1225) is an..3.
        let failures = messages.flatMap(\.failures).map(\.description)
        #expect(failures == ["segment 3 element 3: 1225 messageFunctionCoded is an..3, '700101' has 6"])
    }

    @Test("a PAXLST with its reference twice is refused as the EDIFACT-to-XML validators refuse it, naming RFF")
    func paxlstDuplicatedReference() throws {
        guard let smooks = Self.smooks else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        let (goodInterchange, good) = try Self.structured(try Data(contentsOf: smooks.appendingPathComponent("edg-paxlst/paxlst.txt")))
        #expect(goodInterchange.failures.isEmpty, "\(goodInterchange.failures)")
        #expect(good.flatMap(\.failures).isEmpty, "\(good.flatMap(\.failures))")
        let (_, bad) = try Self.structured(try Data(contentsOf: smooks.appendingPathComponent("edg-paxlst/bad-paxlst.txt")))
        let reasons = bad.flatMap(\.failures).map(\.reason)
        #expect(reasons == [
            "Invalid content was found starting with element 'RFF'. One of '{DTM, SegGrp-1, SegGrp-2}' is expected.",
            "RFF occurred '2' times when it was expected to be a minimum of '0' and a maximum of '1' times.",
        ])
        #expect(bad.first?.failures.first?.segment == 6)
    }

    @Test("an order with 36 dates where D.03B allows 35 is refused naming DTM; the good order and invoice lay out cleanly")
    func ordersTooManyDates() throws {
        guard let smooks = Self.smooks else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        let cartridge = smooks.appendingPathComponent("edifact-cartridge")
        let (_, good) = try Self.structured(try Data(contentsOf: cartridge.appendingPathComponent("ORDERS_D.03B_Interchange.txt")))
        #expect(good.flatMap(\.failures).isEmpty, "\(good.flatMap(\.failures))")
        let (interchange, bad) = try Self.structured(try Data(contentsOf: cartridge.appendingPathComponent("BAD_ORDERS_D.03B_Interchange.txt")))
        let reasons = bad.flatMap(\.failures).map(\.reason)
        #expect(reasons.count == 2)
        #expect(reasons.first?.hasPrefix("Invalid content was found starting with element 'DTM'. One of '{PAI, ALI, IMD, FTX, GIR, SegGrp-1,") == true)
        #expect(reasons.last == "DTM occurred '36' times when it was expected to be a minimum of '1' and a maximum of '35' times.")
        // Its UNT also miscounts, which the envelope check reports.
        #expect(interchange.failures.map(\.reason) == ["UNT counts 22 segments; message SSDD1 has 57"])
        // The groups are where the table puts them: two parties (SG2), the second with its contact (SG5), four lines (SG28).
        guard case .group("SG28", let lines)? = bad.first?.nodes.first(where: { if case .group("SG28", _) = $0 { true } else { false } }) else {
            Issue.record("no line items")
            return
        }
        #expect(lines.count == 4)
    }

    /// Each body segment with the groups it sits in, e.g. `SegGrp-4/SegGrp-5/DOC`, as our tree places it…
    static func layout(_ nodes: [EDIFACTStructuredMessage.Node], path: String = "") -> [String] {
        nodes.flatMap { node -> [String] in
            switch node {
            case .segment(let segment, _, _): ["UNH", "UNT"].contains(segment.tag) ? [] : [path + segment.tag]
            case .group(let name, let instances):
                instances.flatMap { layout($0, path: path + "SegGrp-" + name.dropFirst(2) + "/") }
            }
        }
    }

    /// …and as an EDIFACT-to-XML tool's expected document places it.
    static func layout(_ element: XMLElement, path: String = "") -> [String] {
        element.elements().flatMap { child -> [String] in
            let name = child.localName
            if name.hasPrefix("SegGrp-") { return layout(child, path: path + name + "/") }
            if name.count == 3, name.allSatisfy(\.isUppercase) {
                return ["UNA", "UNB", "UNG", "UNH", "UNT", "UNE", "UNZ"].contains(name) ? [] : [path + name]
            }
            return layout(child, path: path)
        }
    }

    @Test("passenger lists, orders, invoices and a receiving advice fall into the same segment groups as the EDIFACT-to-XML tool's expected documents",
          arguments: ["edg-paxlst/paxlst.txt|edg-paxlst/expected.xml", "edg-paxlst/bad-paxlst.txt|edg-paxlst/bad-expected.xml",
                      "edifact-cartridge/ORDERS_D.03B_Interchange.txt|edifact-cartridge/ORDERS_D.03B_Interchange.xml",
                      "edifact-cartridge/BAD_ORDERS_D.03B_Interchange.txt|edifact-cartridge/BAD_ORDERS_D.03B_Interchange.xml",
                      "edg-invoic/invoic.txt|edg-invoic/expected.xml", "edg-recadv/recadv.txt|edg-recadv/expected.xml",
                      "edifact-cartridge/INVOIC_D.03B_Interchange_with_UNA.txt|edifact-cartridge/INVOIC_D.03B_Interchange_with_UNA.xml"])
    func groupsAsExpected(_ pair: String) throws {
        guard let smooks = Self.smooks else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        let names = pair.split(separator: "|").map(String.init)
        let (_, messages) = try Self.structured(try Data(contentsOf: smooks.appendingPathComponent(names[0])))
        let ours = messages.flatMap { Self.layout($0.nodes) }
        let expected = Self.layout(try XMLTree.parse(try Data(contentsOf: smooks.appendingPathComponent(names[1]))))
        #expect(!ours.isEmpty)
        #expect(ours == expected)
        // The well-formed ones lay out without a departure.
        if !names[0].lowercased().contains("bad") { #expect(messages.flatMap(\.failures).isEmpty, "\(messages.flatMap(\.failures))") }
    }

    @Test("a missing mandatory segment, a segment in the wrong place and a bad data element are named by segment and element")
    func departures() throws {
        let directory = try Self.directory.get()
        func failures(_ body: String) throws -> [String] {
            let count = body.split(separator: "'").count + 2
            let text = "UNB+UNOC:3+A+B+260101:1200+1'UNH+1+DESADV:D:96A:UN'\(body)UNT+\(count)+1'UNZ+1+1'"
            let interchange = EDIFACTInterchange.read(Data(text.utf8))
            #expect(interchange.failures.isEmpty, "\(interchange.failures)")
            let message = try #require(interchange.messages.first)
            return EDIFACTStructuredMessage(message, structure: try #require(directory.structure(of: message)), directory: directory)
                .failures.map(\.description)
        }
        let clean = try failures("BGM+351+D1+9'DTM+137:20260101:102'")
        let noBeginning = try failures("DTM+137:20260101:102'")
        let notNumeric = try failures("BGM+351+D1+9'CPS+1'LIN+1'QTY+12:x'")
        let noQuantity = try failures("BGM+351+D1+9'CPS+1'LIN+1'QTY+12'")
        let misplaced = try failures("BGM+351+D1+9'RFF+ON:1'NAD+BY+1'RFF+ON:2'LOC+1'")
        let tooLong = try failures("BGM+351+D1+9+AB+X'")
        #expect(clean == [])
        #expect(noBeginning == ["segment 3: Invalid content was found starting with element 'DTM'. One of '{BGM}' is expected."])
        #expect(notNumeric == ["segment 6 element 1: C186 component 2: 6060 quantity is numeric (n..15), not 'x'"])
        #expect(noQuantity == ["segment 6 element 1: C186 component 2: 6060 quantity is mandatory"])
        #expect(misplaced == [
            "segment 7: Invalid content was found starting with element 'LOC'. One of '{SegGrp-2, SegGrp-5, SegGrp-6, SegGrp-8, SegGrp-10, CNT, UNT}' is expected.",
        ])
        #expect(tooLong == ["segment 3 element 5: BGM has 5 data elements; the directory defines 4"])
    }

    @Test("every CUSRES the platform writes — accepted, refused with more errors than the table allows, released, selected — follows the D.96B table")
    func cusresFollowsItsTable() throws {
        let errors = (1...120).map { CUSRES.Error(segment: $0, position: 1, code: "required", detail: "field \($0)") }
        let outcomes: [CUSRES.Outcome] = [
            .accepted(customsNumber: "223320261000000017"), .refused(errors), .released(customsNumber: "223320261000000017"),
            .selectedForInspection(customsNumber: "223320261000000017", inspections: (1...12).map { "physical at port \($0)" }),
        ]
        for outcome in outcomes {
            let text = CUSRES.interchange(sender: "CLEARWAY", recipient: "BROKER", controlReference: "1",
                                          messages: [CUSRES.message(reference: "LRN-1", messageReference: "1", outcome: outcome, at: Date())],
                                          at: Date())
            let (interchange, messages) = try Self.structured(Data(text.utf8))
            #expect(interchange.failures.isEmpty, "\(outcome): \(interchange.failures)")
            #expect(messages.flatMap(\.failures).isEmpty, "\(outcome): \(messages.flatMap(\.failures))")
        }
        let refused = CUSRES.message(reference: "LRN-1", messageReference: "1", outcome: .refused(errors), at: Date())
        #expect(refused.filter { $0.tag == "ERP" }.count == 99)
        #expect(refused.last { $0.tag == "FTX" }?[3] == "field 99 (and 22 more errors)")
    }

    @Test("a directory file that does not follow the format is refused naming its line")
    func badDirectoryFiles() {
        #expect(throws: EDIFACTDirectory.Problem.self) { try EDIFACTDirectory(files: [("D96A/X.txt", "UNH M 1\nSG1 C 5\n  RFF C 1\n")]) }
        do {
            _ = try EDIFACTDirectory(files: [("D96A/segments.txt", "RFF reference\n  C506 reference M\n    1153 referenceQualifier M an.3\n")])
            Issue.record("a bad format was accepted")
        } catch let problem as EDIFACTDirectory.Problem {
            #expect(problem.line == 3)
        } catch {
            Issue.record("\(error)")
        }
    }
}
