import ClearwayCore
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
        let (events, failures) = EDIFACTPortEvents.events(coarri, rules: Self.rules)
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
        let (events, failures) = EDIFACTPortEvents.events(EDIFACTInterchange.read(Data(good.utf8)), rules: Self.rules)
        #expect(failures.isEmpty)
        #expect(events.map(\.kind) == [.gatedIn])
        let bad = good.replacingOccurrences(of: "CSQU3054383", with: "CSQU3054384").replacingOccurrences(of: "BGM+34", with: "BGM+99")
        let refused = EDIFACTPortEvents.events(EDIFACTInterchange.read(Data(bad.utf8)), rules: Self.rules).failures
        #expect(refused.map(\.description) == ["segment 3 element 1: document code 99 of CODECO is not a movement this platform records"])
        let badBox = good.replacingOccurrences(of: "CSQU3054383", with: "CSQU3054384")
        let boxFailures = EDIFACTPortEvents.events(EDIFACTInterchange.read(Data(badBox.utf8)), rules: Self.rules).failures
        #expect(boxFailures.map(\.segment) == [4])
        #expect(boxFailures.map(\.position) == [2])
    }
}
