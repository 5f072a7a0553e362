import Foundation

/// What a quarantine check reads from an exporting country's phytosanitary certificate (ePhyto, UN/CEFACT SPS).
public struct PlantHealthCertificate: Sendable, Equatable, Codable {
    public var id: String
    /// UN/CEFACT document type; 851 is a phytosanitary certificate.
    public var typeCode: String
    public var exportCountry: String?
    public var importCountry: String?
    public var lines: [Line]

    public struct Line: Sendable, Equatable, Codable {
        public var hsCode: String?
        public var description: String
        /// Net weight in kilograms, when the certificate gives it in KGM.
        public var netKilograms: Double?
        public init(hsCode: String?, description: String, netKilograms: Double?) {
            self.hsCode = hsCode
            self.description = description
            self.netKilograms = netKilograms
        }
    }

    public init(id: String, typeCode: String, exportCountry: String?, importCountry: String?, lines: [Line]) {
        self.id = id
        self.typeCode = typeCode
        self.exportCountry = exportCountry
        self.importCountry = importCountry
        self.lines = lines
    }
}

/// The result of checking a phytosanitary certificate against the declaration it comes with.
public struct PhytosanitaryCheck: Sendable, Equatable, Codable {
    public var certificateID: String
    /// The attached certificate's SHA-256.
    public var document: String
    public var findings: [String]
    public var passed: Bool { findings.isEmpty }

    /// Net weights may differ by this share (moisture, rounding) before it is a finding.
    static let weightTolerance = 0.05

    /// Checks type, countries, that every declared plant line is covered by a certificate line of the same HS
    /// subheading, and that the covered net weights agree.
    public init(_ certificate: PlantHealthCertificate, document: String, against draft: DeclarationDraft) {
        certificateID = certificate.id
        self.document = document
        var findings: [String] = []
        if certificate.typeCode != "851" {
            findings.append("document type \(certificate.typeCode) is not a phytosanitary certificate (851)")
        }
        let importing = draft.direction == .import ? "CN" : nil
        if let importing, certificate.importCountry != importing {
            findings.append("issued for import into \(certificate.importCountry ?? "no country"), not \(importing)")
        }
        for (i, item) in draft.items.enumerated() {
            let line = i + 1
            if draft.direction == .import, let exporter = certificate.exportCountry, item.origin != exporter {
                findings.append("item \(line): origin \(item.origin), the certificate is from \(exporter)")
            }
            let subheading = String(item.commodityCode.rawValue.prefix(6))
            let covering = certificate.lines.filter { ($0.hsCode ?? "").hasPrefix(subheading) }
            guard !covering.isEmpty else {
                findings.append("item \(line): \(subheading) is not on the certificate")
                continue
            }
            let certified = covering.compactMap(\.netKilograms).reduce(0, +)
            if RiskRecord.kilograms.contains(item.unit), certified > 0, let declared = Double(item.quantity.text),
               abs(declared - certified) > Self.weightTolerance * max(declared, certified) {
                findings.append("item \(line): \(item.quantity.text) kg declared, \(certified.formatted()) kg certified")
            }
        }
        self.findings = findings
    }
}
