import ClearwayCore
import Foundation

/// A UN/CEFACT SPS certificate (IPPC ePhyto): the fields a quarantine check reads, and the whole tree to write back.
public struct SPSCertificate: Sendable, Equatable {
    public static let certificateNamespace = "urn:un:unece:uncefact:data:standard:SPSCertificate:17"
    public static let aggregateNamespace = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:21"

    public struct Party: Sendable, Equatable {
        public var name: String
        public var id: String?
        public var address: [String]
    }

    public struct Note: Sendable, Equatable {
        public var subject: String
        public var content: String
        public var language: String?
    }

    public struct Line: Sendable, Equatable {
        public var sequence: Int?
        public var description: String
        public var commonName: String?
        public var scientificName: String?
        public var intendedUse: String?
        public var netWeight: (value: String, unit: String)?
        public var hsCode: String?

        public static func == (lhs: Line, rhs: Line) -> Bool {
            lhs.sequence == rhs.sequence && lhs.description == rhs.description && lhs.commonName == rhs.commonName
                && lhs.scientificName == rhs.scientificName && lhs.intendedUse == rhs.intendedUse
                && lhs.netWeight?.value == rhs.netWeight?.value && lhs.netWeight?.unit == rhs.netWeight?.unit
                && lhs.hsCode == rhs.hsCode
        }
    }

    public var id: String
    /// 851 is a phytosanitary certificate.
    public var typeCode: String
    public var statusCode: String
    public var issued: String?
    public var issuer: String
    public var notes: [Note]
    public var consignor: Party?
    public var consignee: Party?
    public var exportCountry: String?
    public var importCountry: String?
    public var transitCountries: [String]
    public var lines: [Line]
    /// The document as read, for writing it back unchanged.
    public var tree: XMLElement

    /// Reads a certificate; the root must be `SPSCertificate` in the :17 namespace.
    public static func read(_ data: Data) throws(XMLFailure) -> SPSCertificate {
        let root = try XMLTree.parse(data)
        guard root.localName == "SPSCertificate",
            root.attribute(root.prefix.map { "xmlns:\($0)" } ?? "xmlns") == certificateNamespace
        else { throw XMLFailure(line: 1, reason: "the root is not an SPSCertificate of \(certificateNamespace)") }
        guard let document = root.element("SPSExchangedDocument") else {
            throw XMLFailure(line: 0, reason: "SPSExchangedDocument is missing")
        }
        func party(_ element: XMLElement?) -> Party? {
            element.map { e in
                let address = e.element("SpecifiedSPSAddress")
                return Party(
                    name: e.element("Name")?.text ?? "", id: e.element("TypeCode")?.text ?? e.element("ID")?.text,
                    address: ["LineOne", "LineTwo", "CityName"].compactMap { address?.element($0)?.text }.filter { !$0.isEmpty })
            }
        }
        let consignment = root.element("SPSConsignment")
        let items = consignment?.elements("IncludedSPSConsignmentItem").flatMap { $0.elements("IncludedSPSTradeLineItem") } ?? []
        return SPSCertificate(
            id: document.element("ID")?.text ?? "", typeCode: document.element("TypeCode")?.text ?? "",
            statusCode: document.element("StatusCode")?.text ?? "",
            issued: document.element("IssueDateTime")?.element("DateTimeString")?.text,
            issuer: document.element("IssuerSPSParty")?.element("Name")?.text ?? "",
            notes: document.elements("IncludedSPSNote").map {
                Note(subject: $0.element("Subject")?.text ?? "", content: $0.element("Content")?.text ?? "",
                    language: $0.element("Content")?.attribute("languageID"))
            },
            consignor: party(consignment?.element("ConsignorSPSParty")),
            consignee: party(consignment?.element("ConsigneeSPSParty")),
            exportCountry: consignment?.element("ExportSPSCountry")?.element("ID")?.text,
            importCountry: consignment?.element("ImportSPSCountry")?.element("ID")?.text,
            transitCountries: consignment?.elements("TransitSPSCountry").compactMap { $0.element("ID")?.text } ?? [],
            lines: items.map { item in
                let weight = item.element("NetWeightMeasure")
                return Line(
                    sequence: item.element("SequenceNumeric").flatMap { Int($0.text) },
                    description: item.element("Description")?.text ?? "", commonName: item.element("CommonName")?.text,
                    scientificName: item.element("ScientificName")?.text, intendedUse: item.element("IntendedUse")?.text,
                    netWeight: weight.map { ($0.text, $0.attribute("unitCode") ?? "") },
                    hsCode: item.elements("ApplicableSPSClassification").first { $0.element("SystemName")?.text == "HS" }?
                        .element("ClassCode")?.text)
            },
            tree: root)
    }

    /// The certificate as XML again, with every namespace and prefix as read.
    public func write() -> Data { XMLTree.write(tree) }
}
