import Foundation

/// The certificates the platform issues as Verifiable Credentials, each from a declaration's state.
public enum CredentialKind: String, Sendable, Codable, CaseIterable {
    /// 放行通知: customs released the goods.
    case releaseNote = "release-note"
    /// 查验结果: what one inspection order found.
    case inspectionResult = "inspection-result"
    /// 原产地证书: non-preferential certificate of origin for goods of Chinese origin exported.
    case certificateOfOrigin = "certificate-of-origin"
    /// 植物检疫证书: plant products exported, inspected and found free of quarantine pests.
    case phytosanitary
    /// 卫生证书 / 兽医卫生证书: animal products and food exported, inspected and found fit.
    case health

    /// Whether quarantine (rather than customs) officers issue it.
    public var byQuarantine: Bool { self == .phytosanitary || self == .health }

    var typeName: String {
        switch self {
        case .releaseNote: "CustomsReleaseCredential"
        case .inspectionResult: "InspectionResultCredential"
        case .certificateOfOrigin: "CertificateOfOriginCredential"
        case .phytosanitary: "PhytosanitaryCertificateCredential"
        case .health: "HealthCertificateCredential"
        }
    }

    var title: String {
        switch self {
        case .releaseNote: "Customs release note 海关放行通知"
        case .inspectionResult: "Inspection result 查验结果"
        case .certificateOfOrigin: "Certificate of origin 原产地证书"
        case .phytosanitary: "Phytosanitary certificate 植物检疫证书"
        case .health: "Health certificate 卫生证书"
        }
    }
}

extension Credentials {
    /// Who signs, and when, for an unsigned credential.
    public struct Issuance: Sendable {
        public var id: String
        public var issuer: String
        public var issuerName: String
        public var issuedAt: Date
        public init(id: String, issuer: String, issuerName: String, issuedAt: Date) {
            self.id = id
            self.issuer = issuer
            self.issuerName = issuerName
            self.issuedAt = issuedAt
        }
    }

    /// The unsigned credential of `kind` for a declaration, or why it cannot be issued now.
    ///
    /// `scopes` are the HS chapter prefixes each quarantine certificate covers (reference data); `order` names the
    /// inspection order an inspection result reports.
    public static func unsigned(
        _ kind: CredentialKind, _ state: Declaration.State, order: Int? = nil, scopes: [CredentialKind: [String]] = [:],
        _ issuance: Issuance
    ) throws(ClearanceError) -> JSONValue {
        guard let draft = state.draft, let number = state.customsNumber else {
            throw .notFound(kind: "declaration", id: state.id)
        }
        func refuse(_ why: String) -> ClearanceError { .notAllowedInState(action: "issue a \(kind.rawValue) for", state: why) }
        var subject: [(key: String, value: JSONValue)] = [("customsNumber", .string(number.rawValue))]
        let goods = JSONValue.array(draft.items.map { item in
            .object([
                ("commodityCode", .string(item.commodityCode.rawValue)), ("description", .string(item.description)),
                ("quantity", .string("\(item.quantity.text) \(item.unit)")), ("origin", .string(item.origin)),
            ])
        })
        switch kind {
        case .releaseNote:
            guard let released = state.clearance.releasedAt else { throw refuse(state.status?.rawValue ?? "not released") }
            subject += [
                ("direction", .string(draft.direction.rawValue)),
                ("declarant", .string(draft.declarant.creditCode.rawValue)),
                ("tradingParty", .string(draft.tradingParty.creditCode.rawValue)),
                ("declarationOffice", .string(draft.declarationOffice.rawValue)),
                ("releasedAt", .string(DataIntegrity.created(released))),
                // A release made while agencies' systems were down says so, and names them.
                ("provisional", .bool(!(state.clearance.provisionalFor ?? []).isEmpty)),
                ("containers", .array(draft.containers.map { .string($0.number.rawValue) })),
                ("goodsItems", .number(Double(draft.items.count))),
            ]
        case .inspectionResult:
            guard let order,
                  let inspection = state.clearance.inspections.first(where: { $0.number == order }) else {
                throw .invalid(ValidationFailure([FieldIssue("/order", "order-unknown", "name an inspection order of this declaration")]))
            }
            guard let outcome = inspection.outcome, let completed = inspection.completedAt else { throw refuse("inspection \(order) still open") }
            subject += [
                ("inspection", .number(Double(order))), ("kind", .string(inspection.kind.rawValue)),
                ("place", .string(inspection.place.rawValue)), ("outcome", .string(outcome.rawValue)),
                ("findings", .string(inspection.findings ?? "")), ("completedAt", .string(DataIntegrity.created(completed))),
                ("evidence", .array(inspection.evidence.map(JSONValue.string))),
            ]
            if let officer = inspection.officer { subject.append(("officer", .string(officer))) }
        case .certificateOfOrigin, .phytosanitary, .health:
            guard draft.direction == .export else { throw refuse("an import; these certificates go with exports") }
            guard state.clearance.releasedAt != nil else { throw refuse(state.status?.rawValue ?? "not released") }
            var issues = IssueCollector()
            for (i, item) in draft.items.enumerated() {
                if kind == .certificateOfOrigin, item.origin != "CN" {
                    issues.add("/items/\(i)/origin", "origin-not-cn", "a certificate of origin covers goods of Chinese origin; this line is from \(item.origin)")
                }
                if kind.byQuarantine, let prefixes = scopes[kind],
                   !prefixes.contains(where: { item.commodityCode.rawValue.hasPrefix($0) }) {
                    issues.add("/items/\(i)/commodityCode", "outside-certificate-scope",
                               "\(item.commodityCode.rawValue) is not a product a \(kind.rawValue) certificate covers")
                }
            }
            do { try issues.finish() } catch { throw .invalid(error) }
            subject += [
                ("exporter", .object([("name", .string(draft.tradingParty.name)), ("creditCode", .string(draft.tradingParty.creditCode.rawValue))])),
                ("consignee", .string(draft.overseasParty ?? "")),
                ("exitOffice", .string(draft.entryExitOffice.rawValue)),
                ("goods", goods),
            ]
            if let means = draft.transport.means { subject.append(("meansOfTransport", .string(means))) }
            switch kind {
            case .certificateOfOrigin: subject.append(("originCountry", .string("CN")))
            case .phytosanitary:
                subject.append(("declaration", .string(
                    "The plants and plant products described have been inspected and found free from quarantine pests. 经检疫，未发现检疫性有害生物。")))
            default:
                subject.append(("declaration", .string(
                    "The products described have been inspected and found fit for human consumption. 经检验检疫，符合卫生要求。")))
            }
        }
        return .object([
            ("@context", .array([.string("https://www.w3.org/ns/credentials/v2")])),
            ("id", .string("urn:uuid:\(issuance.id)")),
            ("type", .array([.string("VerifiableCredential"), .string(kind.typeName)])),
            ("name", .string(kind.title)),
            ("issuer", .object([("id", .string(issuance.issuer)), ("name", .string(issuance.issuerName))])),
            ("validFrom", .string(DataIntegrity.created(issuance.issuedAt))),
            ("credentialSubject", .object(subject)),
        ])
    }
}
