import ClearwayCore
import ClearwayInterop
import ClearwayTestSupport
import Foundation
import Testing

@Suite("ePhyto SPS certificates")
struct SPSCertificateTests {
    static let sample = SharedData.directory?.appendingPathComponent("ephyto/mattilsynet-ephyto-api/SPSCertificateContent.xml")

    @Test("the IPPC reference sample parses into the certificate model")
    func reads() throws {
        guard let sample = Self.sample else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        let certificate = try SPSCertificate.read(try Data(contentsOf: sample))
        #expect(certificate.id == "123ABC")
        #expect(certificate.typeCode == "851")
        #expect(certificate.statusCode == "70")
        #expect(certificate.issuer == "Servicio Nacional de Sanidad y Calida Agroalimentaria")
        #expect(certificate.notes.count == 12)
        #expect(certificate.notes.first { $0.subject == "ADEDL" }?.language == "en")
        #expect(certificate.consignor?.name == "Juan Perez")
        #expect(certificate.consignee?.name == "Importer SA")
        #expect(certificate.exportCountry == "AR")
        #expect(certificate.importCountry == "EC")
        #expect(certificate.transitCountries == ["US"])
        #expect(certificate.lines.count == 2)
        #expect(certificate.lines.first?.scientificName == "Ribes")
        #expect(certificate.lines.first?.hsCode == "06029048")
        #expect(certificate.lines.first?.netWeight?.unit == "KGM")
    }

    @Test("written back, the certificate keeps its namespaces and reads to the same tree")
    func roundTrip() throws {
        guard let sample = Self.sample else { return }
        let original = try SPSCertificate.read(try Data(contentsOf: sample))
        let written = original.write()
        let again = try SPSCertificate.read(written)
        #expect(again.tree == original.tree)
        #expect(again == original)
        #expect(again.tree.attribute("xmlns:ns0") == SPSCertificate.certificateNamespace)
        #expect(again.tree.attribute("xmlns:ns1") == SPSCertificate.aggregateNamespace)
        #expect(String(decoding: written, as: UTF8.self).contains("<ns1:ScientificName>Ribes</ns1:ScientificName>"))
    }

    @Test("entity declarations, deep nesting and other roots are refused")
    func hostileXML() {
        let bomb = #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>"#
        #expect(throws: XMLFailure.self) { try XMLTree.parse(Data(bomb.utf8)) }
        let external = #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#
        #expect(throws: XMLFailure.self) { try XMLTree.parse(Data(external.utf8)) }
        let deep = String(repeating: "<a>", count: 200) + String(repeating: "</a>", count: 200)
        #expect(throws: XMLFailure.self) { try XMLTree.parse(Data(deep.utf8)) }
        #expect(throws: XMLFailure.self) { try SPSCertificate.read(Data("<x/>".utf8)) }
        let huge = "<x a=\"" + String(repeating: "A", count: 100_000) + "\"/>"
        var reason = ""
        do { _ = try XMLTree.parse(Data(huge.utf8)) } catch { reason = error.reason }
        #expect(reason == "attribute a longer than 65536 bytes")
    }
}
