import ClearwayCore
import ClearwayInterop
import ClearwayTestSupport
import Foundation
import Testing

@Suite("CEB messages against the official schemas")
struct CEBSchemaTests {
    static let folder = SharedData.directory?.appendingPathComponent("ceb")

    /// The import or export business schema of a version (each declares its own OrderHead, InventoryHead …).
    static func schema(_ version: String, _ direction: String) throws -> XMLSchema? {
        guard let folder else { return nil }
        let directory = folder.appendingPathComponent("\(version)/xsd")
        let name = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .first { $0.hasPrefix("\(direction)-business-node") }
        return try name.map { try XMLSchema(documents: [try Data(contentsOf: directory.appendingPathComponent($0))]) }
    }

    static func samples(_ version: String, _ direction: String) throws -> [(name: String, root: XMLElement)] {
        guard let folder else { return [] }
        let directory = folder.appendingPathComponent("\(version)/samples/\(direction)")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".xml") }.sorted().map {
            ($0, try XMLTree.parse(try Data(contentsOf: directory.appendingPathComponent($0))))
        }
    }

    @Test("every 2018 sample and every 2022-05 import sample is valid")
    func validSamples() throws {
        guard let oldImport = try Self.schema("v2018-113", "import"), let oldExport = try Self.schema("v2018-113", "export"),
              let newImport = try Self.schema("v202205", "import")
        else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        let oldImports = try Self.samples("v2018-113", "import"), oldExports = try Self.samples("v2018-113", "export")
        #expect(oldImports.count + oldExports.count == 35)
        for sample in oldImports { #expect(oldImport.validate(sample.root) == [], "\(sample.name)") }
        for sample in oldExports { #expect(oldExport.validate(sample.root) == [], "\(sample.name)") }
        let imports = try Self.samples("v202205", "import")
        #expect(imports.count == 16)
        for sample in imports { #expect(newImport.validate(sample.root) == [], "\(sample.name)") }
    }

    @Test("the 2022-05 export samples fail exactly where EXPECTED.md says: a second BaseTransfer, gnum for gseqno, an undeclared root")
    func invalidExportSamples() throws {
        guard let schema = try Self.schema("v202205", "export") else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        let issues = Dictionary(uniqueKeysWithValues: try Self.samples("v202205", "export").map { ($0.name, schema.validate($0.root)) })
        let failing = issues.filter { !$0.value.isEmpty }.keys.sorted()
        #expect(failing == ["CEB214Message.xml", "CEB303Message.xml", "CEB403Message.xml", "CEB505Message.xml", "CEB507Message.xml",
                            "CEB509Message.xml", "CEB603Message.xml", "CEB605Message.xml", "CEB607Message.xml", "CEB792Message.xml"])
        for name in ["CEB303", "CEB403", "CEB505", "CEB507", "CEB509", "CEB603", "CEB605", "CEB607"] {
            let found = issues["\(name)Message.xml"] ?? []
            #expect(found.count == 1 && found[0].reason.contains("unexpected element BaseTransfer"), "\(name): \(found)")
        }
        let summary = issues["CEB792Message.xml"] ?? []
        #expect(summary.count == 20)
        // Each issue names its element, the second and later of a name counted: /…/SummaryResult[2]/SummaryResultList[2].
        let paths = (1...10).flatMap { result in
            (1...2).map { list in
                "/CEB792Message/SummaryResult\(result > 1 ? "[\(result)]" : "")/SummaryResultList\(list > 1 ? "[\(list)]" : "")"
            }
        }
        #expect(summary.map(\.path) == paths)
        #expect(summary.allSatisfy { $0.reason == "expected gseqno, found gnum" }, "\(summary.prefix(2))")
        #expect(issues["CEB214Message.xml"]?.first?.reason.contains("no schema declares the root element CEB214") == true)
    }
}

@Suite("CEB signature digests (XML-C14N 1.0, SHA-1)")
struct CEBDigestTests {
    static func vector(_ name: String) throws -> XMLElement? {
        guard let folder = SharedData.directory?.appendingPathComponent("ceb/signature-vectors") else { return nil }
        return try XMLTree.parse(try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    @Test("the CEB621 and CEB311 vectors canonicalise to the digests EXPECTED.md gives")
    func vectors() throws {
        guard let inventory = try Self.vector("CEB621Message.xml"), let order = try Self.vector("CEB311Message_c14n-test.xml") else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        #expect(XMLCanonical.envelopedDigest(inventory) == "b2FtM/jHvW4fnJpMMPWk/177RwA=")
        #expect(XMLCanonical.envelopedDigest(order) == "vDf4oKPVFtRft5U57TNW85kJT18=")
    }

    @Test("the signed CEB621 under a strict enveloped transform digests to KXuab/…, not the DigestValue it carries")
    func strictEnvelopedMismatch() throws {
        guard let signed = try Self.vector("CEB621Message_signed.xml") else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        #expect(XMLCanonical.envelopedDigest(signed) == "KXuab/ys6G4FY+2jmflg0im9S7g=")
        #expect(CEBSignature.check(signed) == .digestMismatch(stated: "b2FtM/jHvW4fnJpMMPWk/177RwA=", computed: "KXuab/ys6G4FY+2jmflg0im9S7g="))
    }
}


extension CEBDigestTests {
    @Test("SM3 gives the standard's examples: 'abc' and 'abcd' × 16 (GB/T 32905-2016 appendix A)")
    func sm3() {
        #expect(Hex.encode(SM3.hash(Data("abc".utf8))) == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
        #expect(Hex.encode(SM3.hash(Data(String(repeating: "abcd", count: 16).utf8)))
            == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")
    }
}

@Suite("CEB receipts Clearway writes")
struct CEBReceiptTests {
    static let schema: XMLSchema = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Data/ceb/import-business-node-202205.xsd")
        return try! XMLSchema(documents: [try! Data(contentsOf: file)])
    }()
    static let rules = CrossBorderRules(
        terms: [.init(effectiveFrom: Date(timeIntervalSince1970: 0), singleLimitFen: 500_000, annualLimitFen: 2_600_000,
                      reduction: Decimal(string: "0.7")!, taxTolerance: Decimal(string: "0.05")!)],
        tariff: CEBGenerator.catalogue.map {
            .init(prefix: String($0.gcode.prefix(4)), effectiveFrom: Date(timeIntervalSince1970: 0), duty: Decimal(string: "0.05")!,
                  vat: Decimal(string: "0.13")!, consumption: 0)
        })

    @Test("the generator's four messages and a return pass the official schema, and each receipt Clearway answers with does too")
    func receiptsValidate() throws {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let generator = CEBGenerator(seed: 1)
        let messages = generator.parcel(0, rules: Self.rules, at: now)
        let returned = generator.withdrawal(.return, of: 0, invtNo: "22482026I000000001",
                                            rules: Self.rules, at: now)
        for data in messages.all + [returned] {
            let inbound = try CEBMessage.read(data, schema: Self.schema) { "key-\($0)" }
            #expect(inbound.signature != .unsigned || inbound.kind != .inventory)
            let receipts = inbound.entries.map { CEBReceipt(entry: $0, preNo: "B20260528000000001", invtNo: "22482026I000000001", status: 120, info: "stored", at: now) }
            let answer = try XMLTree.parse(CEBReceipt.message(answering: inbound.kind, guid: inbound.guid, receipts: receipts))
            #expect(Self.schema.validate(answer) == [], "\(inbound.kind.receipt)")
        }
        let failure = CEBMessage.Failure(messageType: "CEB311Message", guid: "", issues: [.init(path: "/CEB311Message", reason: "broken")])
        #expect(Self.schema.validate(try XMLTree.parse(CEBReceipt.formatError(failure, at: now))) == [])
        guard case .document(.inventory(let inventory)) = try CEBMessage.read(messages.inventory, schema: Self.schema, personKey: { $0 }).entries[0]
        else { Issue.record("no inventory"); return }
        let assessment = try Self.rules.assess(inventory, usedFen: 0, at: now)
        let bill = CEBReceipt.taxBill(taxNo: "T1", invtNo: "22482026I000000001", inventory: inventory, assessment: assessment, status: "1", at: now)
        #expect(Self.schema.validate(try XMLTree.parse(bill)) == [])
    }
}
