import ClearwayCore
import ClearwayTestSupport
import Foundation
import Testing

@Suite("Identifiers")
struct IdentifierTests {
    @Test("a Unified Social Credit Code with the GB 32100 check character is accepted")
    func creditCodeValid() throws {
        #expect(try CreditCode("91350100M000100Y43").rawValue == "91350100M000100Y43")
        #expect(try CreditCode.completing("91350100M000100Y4").rawValue == "91350100M000100Y43")
    }

    @Test(
        "a credit code with a wrong check character, a banned letter or a wrong length is refused",
        arguments: [
            ("91350100M000100Y44", "credit-code-check"),
            ("91350100M000100Y4", "credit-code-length"),
            ("91350100M0001O0Y43", "credit-code-character"),
            ("91350100M000100YZ3", "credit-code-character"),
        ])
    func creditCodeInvalid(text: String, code: String) {
        #expect(throws: IdentifierError.self) { try CreditCode(text) }
        do { _ = try CreditCode(text) } catch { #expect(error.code == code) }
    }

    @Test("every code completed with its check character is accepted, and any one character changed is refused")
    func creditCodeSubstitutions() throws {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        var rng = SplitMix64(state: 32100)
        var refusedWrongly: [String] = [], acceptedWrongly: [String] = []
        for _ in 0..<300 {
            let body = String((0..<17).map { _ in alphabet[Int.random(in: 0..<31, using: &rng)] })
            let code = try CreditCode.completing(body).rawValue
            if (try? CreditCode(code)) == nil { refusedWrongly.append(code) }
            var chars = Array(code)
            let at = Int.random(in: 0..<18, using: &rng)
            chars[at] = alphabet.filter { $0 != chars[at] }.randomElement(using: &rng)!
            if (try? CreditCode(String(chars))) != nil { acceptedWrongly.append(String(chars)) }
        }
        let (refused, accepted) = (refusedWrongly.count, acceptedWrongly.count)
        #expect(refused == 0 && accepted == 0, "\(refusedWrongly.prefix(3)) \(acceptedWrongly.prefix(3))")
    }

    @Test("text is trimmed of spaces and tabs as Foundation trims whitespaces, ideographic and no-break spaces too")
    func trimming() {
        let texts = ["", " ", "\t", "abc", " abc", "abc ", "\tabc\t", "a b", "\u{3000}货物\u{3000}", "\u{00A0}x", "x\u{00A0}",
                     "\nx\n", "货物", " 货物", "x\u{2003}", "\r\n", "é ", "e\u{301}"]
        let differing = texts.filter { $0.trimmingWhitespaces() != $0.trimmingCharacters(in: .whitespaces) }
        #expect(differing.isEmpty)
    }

    @Test("list, pre-entry and summary numbers are the customs code, year or China day, and a nine-digit serial")
    func parcelNumbers() throws {
        // 23:30 on 27 May in UTC is already 28 May in China.
        let late = try #require(Timestamp.parse("2026-05-27T23:30:00Z"))
        #expect(Parcel.inventoryNumber(customsCode: "2248", year: 2026, serial: 1) == "22482026I000000001")
        #expect(Parcel.preEntryNumber(at: late, serial: 42) == "B20260528000000042")
        #expect(ExportParcel.inventoryNumber(customsCode: "5141", year: 2026, serial: 123_456_789) == "51412026E123456789")
        #expect(ExportParcel.preEntryNumber(at: late, serial: 7) == "E20260528000000007")
        let summary = ExportParcel.summaryNumbers(customsCode: "5141", year: 2026, serial: 3)
        #expect(summary.sumNo == "S51412026000000003" && summary.declSeqNo == "D51412026000000003")
    }

    @Test("an ISO 6346 container number must carry its check digit")
    func containerNumbers() throws {
        #expect(try ContainerNumber("CSQU3054383").rawValue == "CSQU3054383")
        #expect(try ContainerNumber("MSKU9070323").rawValue == "MSKU9070323")
        do { _ = try ContainerNumber("CSQU3054384") } catch { #expect(error.code == "container-number-check") }
        do { _ = try ContainerNumber("CSQX3054383") } catch { #expect(error.code == "container-number-format") }
        #expect(throws: IdentifierError.self) { try ContainerNumber("csqu3054383") }
        // Generated numbers get their check digit computed.
        #expect(try ContainerNumber.make(owner: "CSQ", serial: 305_438).rawValue == "CSQU3054383")
        #expect(try ContainerNumber.make(owner: "MSK", serial: 907_032).rawValue == "MSKU9070323")
    }

    @Test("a customs number reads as office, year, import/export flag and sequence")
    func customsNumberParts() throws {
        let number = try CustomsNumber("020220080525641690")
        #expect(number.office == "0202")
        #expect(number.year == 2008)
        #expect(number.direction == .export)
        #expect(number.sequence == 525_641_690)
        let made = CustomsNumber(office: try OfficeCode("2248"), year: 2026, direction: .import, sequence: 42)
        #expect(made.rawValue == "224820261000000042")
        #expect(throws: IdentifierError.self) { try CustomsNumber("22482026100000004") }
    }

    @Test("UN/LOCODEs and office codes are checked for shape")
    func locodes() throws {
        #expect(try UNLocode("CNSHA").country == "CN")
        #expect(throws: IdentifierError.self) { try UNLocode("CNSH1") }
        #expect(throws: IdentifierError.self) { try OfficeCode("22A8") }
    }

    @Test("amounts parse to integer minor units and refuse extra precision")
    func money() throws {
        #expect(try Money.parse("15000.5", currency: "USD", exponent: 2).minor == 1_500_050)
        #expect(try Money.parse("1200", currency: "JPY", exponent: 0).minor == 1200)
        #expect(Money(minor: 1_500_050, currency: "USD").formatted(exponent: 2) == "15000.50")
        #expect(throws: IdentifierError.self) { try Money.parse("1.234", currency: "USD", exponent: 2) }
        #expect(throws: IdentifierError.self) { try Money.parse("1e3", currency: "USD", exponent: 2) }
        #expect(throws: IdentifierError.self) { try Money.parse("-5", currency: "USD", exponent: 2) }
        #expect(throws: IdentifierError.self) { try Quantity("0.000") }
    }
}
