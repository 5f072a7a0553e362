import ClearwayCore
import Crypto
import Foundation
import Testing

@Suite("Certificate kinds")
struct CredentialKindTests {
    static let issuance = Credentials.Issuance(id: "c-1", issuer: "did:key:z6Mk", issuerName: "Yangshan", issuedAt: start)
    static let scopes: [CredentialKind: [String]] = [.phytosanitary: ["06", "07", "08"], .health: ["02", "03", "16"]]

    /// A released export of apples (0808) from `origin`.
    static func releasedExport(origin: String = "CN", commodity: String = "0808100000") throws -> Declaration.State {
        var flow = try Flow {
            $0.direction = "export"
            $0.procedure = "departure-confirmation"
            $0.transport = TransportForm(mode: "2", means: nil, voyage: nil)
            $0.items[0].commodityCode = commodity
            $0.items[0].origin = origin
            $0.overseasParty = "Pacific Fresh Ltd"
        }
        try flow.run(.decideRisk(.byOfficer(.green)))
        #expect(flow.state.status == .released)
        return flow.state
    }

    @Test("a certificate of origin names the exporter, consignee and goods; goods of foreign origin are refused line by line")
    func certificateOfOrigin() throws {
        let credential = try Credentials.unsigned(.certificateOfOrigin, try Self.releasedExport(), Self.issuance)
        let subject = try #require(credential["credentialSubject"])
        #expect(subject["originCountry"]?.string == "CN")
        #expect(subject["consignee"]?.string == "Pacific Fresh Ltd")
        #expect(subject["exporter"]?["name"]?.string == "East Ocean")
        let foreign = try Self.releasedExport(origin: "AU")
        #expect(throws: ClearanceError.self) { try Credentials.unsigned(.certificateOfOrigin, foreign, Self.issuance) }
        do {
            _ = try Credentials.unsigned(.certificateOfOrigin, foreign, Self.issuance)
        } catch {
            guard case .invalid(let failure) = error else { Issue.record("\(error)"); return }
            #expect(failure.issues.map(\.pointer) == ["/items/0/origin"])
        }
    }

    @Test("a phytosanitary certificate covers plant products and a health certificate animal products, by reference scope")
    func quarantineScopes() throws {
        let apples = try Self.releasedExport()
        let phyto = try Credentials.unsigned(.phytosanitary, apples, scopes: Self.scopes, Self.issuance)
        #expect(phyto["type"] == .array([.string("VerifiableCredential"), .string("PhytosanitaryCertificateCredential")]))
        #expect(throws: ClearanceError.self) { try Credentials.unsigned(.health, apples, scopes: Self.scopes, Self.issuance) }
        let imported = try Flow { $0.procedure = "direct-pickup" }.state
        #expect(throws: ClearanceError.self) { try Credentials.unsigned(.phytosanitary, imported, scopes: Self.scopes, Self.issuance) }
    }

    @Test("an inspection result reports its order's outcome; an open order cannot be certified; signed, any change is caught")
    func inspectionResult() throws {
        var flow = try Flow { $0.procedure = "direct-pickup" }
        try flow.run(.decideRisk(.byOfficer(.inspection, inspection: .init(kind: .scan, place: .port, officer: "officer"))))
        #expect(throws: ClearanceError.self) { try Credentials.unsigned(.inspectionResult, flow.state, order: 1, Self.issuance) }
        try flow.run(.completeInspection(order: 1, outcome: .noDiscrepancy, findings: "scan image matches the declared goods", evidence: []))
        let unsigned = try Credentials.unsigned(.inspectionResult, flow.state, order: 1, Self.issuance)
        #expect(unsigned["credentialSubject"]?["outcome"]?.string == "no-discrepancy")
        #expect(unsigned["credentialSubject"]?["kind"]?.string == "scan")
        let key = Curve25519.Signing.PrivateKey()
        let signed = try DataIntegrity.sign(unsigned, key: key, created: start)
        let intact = DataIntegrity.verify(signed).allSatisfy(\.passed)
        #expect(intact)
        let altered = signed.setting("credentialSubject", unsigned["credentialSubject"]!.setting("outcome", .string("discrepancy")))
        let caught = !DataIntegrity.verify(altered).allSatisfy(\.passed)
        #expect(caught)
    }
}
