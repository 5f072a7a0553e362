import ClearwayCore
import Foundation
import Testing

@Suite("Organisation")
struct OfficeTreeTests {
    let tree = OfficeTree([
        CustomsOffice(code: .administration, name: "GAC", nameZh: "海关总署", parent: nil),
        CustomsOffice(code: try! OfficeCode("2200"), name: "Shanghai", nameZh: "上海海关", parent: .administration),
        CustomsOffice(code: try! OfficeCode("2248"), name: "Yangshan", nameZh: "洋山海关", parent: try! OfficeCode("2200")),
        CustomsOffice(code: try! OfficeCode("3100"), name: "Ningbo", nameZh: "宁波海关", parent: .administration),
    ])

    @Test("a direct customs office oversees its subordinate offices and no others")
    func subtree() throws {
        let shanghai = try OfficeCode("2200")
        #expect(tree.subtree(of: shanghai) == [shanghai, try OfficeCode("2248")])
        #expect(tree.isWithin(try OfficeCode("2248"), shanghai))
        #expect(!tree.isWithin(try OfficeCode("3100"), shanghai))
        #expect(tree.subtree(of: .administration).count == 4)
    }

    @Test("an office lies within itself and every office above it, and within no other; an unknown office within none")
    func lineage() throws {
        let yangshan = try OfficeCode("2248")
        #expect(tree.lineage(of: yangshan) == [yangshan, try OfficeCode("2200"), .administration])
        #expect(tree.lineage(of: .administration) == [.administration])
        #expect(tree.lineage(of: try OfficeCode("9999")).isEmpty)
        for office in tree.offices.keys {
            let within = Set(tree.offices.keys.filter { tree.isWithin(office, $0) })
            #expect(Set(tree.lineage(of: office)) == within, "\(office)")
        }
    }

    @Test("the credit tier in force is the latest decision effective on the day")
    func effectiveDatedTier() {
        let history = [
            CreditTierPeriod(tier: .normal, effectiveFrom: Date(timeIntervalSince1970: 0)),
            CreditTierPeriod(tier: .advancedCertified, effectiveFrom: Date(timeIntervalSince1970: 1000)),
        ]
        #expect(history.tier(at: Date(timeIntervalSince1970: 999)) == .normal)
        #expect(history.tier(at: Date(timeIntervalSince1970: 1000)) == .advancedCertified)
        #expect([CreditTierPeriod]().tier(at: Date()) == .normal)
    }
}
