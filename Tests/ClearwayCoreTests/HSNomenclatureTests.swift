import ClearwayCore
import ClearwayInterop
import ClearwayTestSupport
import Foundation
import Testing

@Suite("HS nomenclature")
struct HSNomenclatureTests {
    /// The HS 2022 subheadings from the shared third-party copy of the nomenclature.
    static func nomenclature(_ edition: String) throws -> HSNomenclature? {
        guard let shared = SharedData.directory else { return nil }
        let file = shared.appendingPathComponent("hs/datasets-harmonized-system/harmonized-system-HS\(edition).csv")
        let records = try CSVReader.records(try String(contentsOf: file, encoding: .utf8))
        return HSNomenclature(
            edition: edition,
            subheadings: Set(records.filter { $0["level"] == "6" && $0["hscode"] != "999999" }.compactMap { $0["hscode"] }))
    }

    @Test("HS 2022 has 5,612 real subheadings; 851712 is gone, 851713 and 851714 replace it")
    func edition2022() throws {
        guard let hs = try Self.nomenclature("2022") else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        #expect(hs.subheadings.count == 5612)
        #expect(!hs.contains(try CommodityCode("8517120000")))
        #expect(hs.contains(try CommodityCode("8517130000")))
        #expect(hs.contains(try CommodityCode("8517140000")))
        #expect(hs.contains(try CommodityCode("2106909090")))
        let hs2017 = try #require(try Self.nomenclature("2017"))
        #expect(hs2017.contains(try CommodityCode("8517120000")))
    }

    @Test("the HS table the product ships is the shared HS 2022 file, unchanged")
    func shippedCopy() throws {
        guard let shared = SharedData.directory else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Data/hs/harmonized-system-HS2022.csv")
        let original = shared.appendingPathComponent("hs/datasets-harmonized-system/harmonized-system-HS2022.csv")
        #expect(try Data(contentsOf: shipped) == Data(contentsOf: original))
    }

    @Test("CSV reading keeps quoted commas and doubled quotes and names the line of a broken quote")
    func csv() throws {
        let rows = try CSVReader.rows("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\n1,2\r\n")
        #expect(rows == [["a", "b"], ["x, y", "say \"hi\""], ["1", "2"]])
        #expect(throws: CSVReader.Failure(line: 2, reason: "a quoted field is never closed")) {
            try CSVReader.rows("a\n\"open\n")
        }
        #expect(throws: CSVReader.Failure.self) { try CSVReader.records("a,b\n1\n") }
    }
}
