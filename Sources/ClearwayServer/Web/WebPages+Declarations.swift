import ClearwayApp
import ClearwayCore
import ClearwayStore
import Foundation
import HTTPTypes
import Hummingbird

extension WebPages {
    /// The declarations the person may see, newest first, each with what it waits for; the page follows them live.
    func shipments(_ request: Request) async throws -> Response {
        try await workspace(request) { visit, principal in
            let page = try await clearway.declarations(DeclarationQuery(limit: 50), by: principal)
            let rows = page.items.map { summary($0, visit.language) }
            let title = locales.text([Role.trader, .broker].contains(principal.role) ? "shipments_title" : "declarations_title", visit.language)
            return render("shipments", context(visit, title: title, ["rows": rows, "empty": rows.isEmpty]))
        }
    }

    /// The form fields, in the order a person fills them, with their labels, hints and the value sent back.
    static let formFields: [(name: String, section: String, required: Bool, hint: String?)] = [
        ("direction", "section_parties", true, nil), ("procedure", "section_parties", true, nil),
        ("supervisionMode", "section_parties", true, nil), ("declarant", "section_parties", true, "hint_creditCode"),
        ("tradingParty", "section_parties", true, "hint_creditCode"), ("overseasParty", "section_parties", false, nil),
        ("declarationOffice", "section_parties", true, nil), ("entryExitOffice", "section_parties", true, nil),
        ("transportMode", "section_transport", true, nil), ("means", "section_transport", false, nil),
        ("voyage", "section_transport", false, nil), ("billOfLading", "section_transport", false, nil),
        ("incoterm", "section_transport", true, nil), ("container", "section_goods", true, "hint_container"),
        ("seal", "section_goods", false, nil), ("sizeType", "section_goods", false, nil),
        ("commodityCode", "section_goods", true, "hint_commodityCode"), ("description", "section_goods", true, nil),
        ("quantity", "section_goods", true, nil), ("unit", "section_goods", true, nil), ("value", "section_goods", true, nil),
        ("currency", "section_goods", true, nil), ("origin", "section_goods", true, nil),
    ]

    /// Which form field a validation issue's JSON pointer is about.
    static func field(for pointer: String) -> String {
        let parts = pointer.split(separator: "/").map(String.init)
        switch parts.first {
        case "transport": return ["mode": "transportMode", "means": "means", "voyage": "voyage"][parts.last ?? ""] ?? "transportMode"
        case "containers": return ["number": "container", "seals": "seal", "sizeType": "sizeType"][parts.dropFirst(2).first ?? ""] ?? "container"
        case "items": return parts.count > 2 ? parts[2] : "commodityCode"
        default: return parts.first ?? ""
        }
    }

    func formContext(_ visit: Visit, values: [String: String], issues: [FieldIssue]) -> [String: Any] {
        let t = locales.table(visit.language)
        var byField: [String: [String]] = [:]
        for issue in issues { byField[Self.field(for: issue.pointer), default: []].append(issue.detail) }
        let choices: [String: [(String, String)]] = [
            "direction": [("import", t["direction_import"]!), ("export", t["direction_export"]!)],
            "procedure": Procedure.allCases.map { ($0.rawValue, locales.text("procedure_\($0.rawValue)", visit.language)) },
        ]
        var sections: [[String: Any]] = []
        for field in Self.formFields {
            let value = values[field.name] ?? ""
            var entry: [String: Any] = [
                "name": field.name, "label": locales.text("field_\(field.name)", visit.language), "value": value,
                "required": field.required, "errors": byField[field.name] ?? [], "invalid": byField[field.name] != nil,
                "isSelect": choices[field.name] != nil,
            ]
            if let hint = field.hint { entry["hint"] = t[hint]! }
            if let options = choices[field.name] {
                entry["options"] = options.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == value] }
            }
            if sections.last?["key"] as? String != field.section {
                sections.append(["key": field.section, "title": t[field.section]!, "fields": [[String: Any]]()])
            }
            var last = sections.removeLast()
            last["fields"] = (last["fields"] as! [[String: Any]]) + [entry]
            sections.append(last)
        }
        let summary = issues.map { ["label": locales.text("field_\(Self.field(for: $0.pointer))", visit.language), "detail": $0.detail,
                                     "field": Self.field(for: $0.pointer)] }
        return context(visit, title: t["form_title"]!, [
            "sections": sections, "issues": summary, "hasIssues": !issues.isEmpty,
            "submission": values["submission"].flatMap { $0.isEmpty ? nil : $0 } ?? UUID().uuidString,
        ])
    }

    func newDeclaration(_ request: Request) async throws -> Response {
        try await workspace(request) { visit, principal in
            var values = ["direction": "import", "procedure": "serial", "supervisionMode": "0110", "declarationOffice": "2248",
                          "entryExitOffice": "2248", "transportMode": "2", "incoterm": "CIF", "currency": "USD", "unit": "KGM"]
            if let partyID = principal.partyID, let party = try? await clearway.party(partyID, by: principal) {
                values["declarant"] = party.creditCode.rawValue
                values["tradingParty"] = party.creditCode.rawValue
            }
            return render("declaration-form", formContext(visit, values: values, issues: []))
        }
    }

    func lodge(_ request: Request) async throws -> Response {
        try await workspace(request) { visit, principal in
            let form = try await WebForm.read(request)
            do {
                try checkCSRF(form, visit)
                let declaration = DeclarationForm(
                    direction: form["direction"], procedure: form.optional("procedure"), supervisionMode: form["supervisionMode"],
                    declarant: form["declarant"], tradingParty: form["tradingParty"], overseasParty: form.optional("overseasParty"),
                    declarationOffice: form["declarationOffice"], entryExitOffice: form["entryExitOffice"],
                    transport: TransportForm(mode: form["transportMode"], means: form.optional("means"), voyage: form.optional("voyage")),
                    billOfLading: form.optional("billOfLading"), incoterm: form["incoterm"],
                    containers: [ContainerForm(number: form["container"].uppercased(), seals: form.optional("seal").map { [$0] } ?? [],
                                               sizeType: form.optional("sizeType"))],
                    items: [ItemForm(commodityCode: form["commodityCode"], description: form["description"], quantity: form["quantity"],
                                     unit: form["unit"], value: form["value"], currency: form["currency"], origin: form["origin"].uppercased())])
                // The form's own token makes a double submission lodge once.
                let state = try await clearway.lodge(declaration, by: principal, idempotencyKey: form.optional("submission"))
                return Self.redirect("/app/declarations/\(state.id)")
            } catch ClearanceError.invalid(let failure) {
                return render("declaration-form", formContext(visit, values: form.fields, issues: failure.issues), status: .unprocessableContent)
            }
        }
    }

    func declaration(_ request: Request, id: String) async throws -> Response {
        try await workspace(request) { visit, principal in
            let state = try await clearway.declaration(id, by: principal)
            let timeline = try await clearway.timeline(id, by: principal).map { entry in
                ["when": Self.display(entry.occurredAt), "what": locales.text("event_\(entry.name)", visit.language),
                 "who": entry.actor?.username ?? "system"]
            }
            let certificates = try await clearway.credentials(forDeclaration: state.id, by: principal).map { credential -> [String: Any] in
                ["id": credential.id, "kind": locales.text("certificate_\(credential.kind)", visit.language),
                 "issued": Self.display(credential.issuedAt), "revoked": credential.revoked]
            }
            let title = "\(locales.text("detail_title", visit.language)) \(state.customsNumber?.rawValue ?? "")"
            return render("declaration", context(visit, title: title, [
                "certificates": certificates, "noCertificates": certificates.isEmpty,
                "declaration": summary(state, visit.language), "timeline": timeline,
                "lodged": state.acceptedAt.map(Self.display) ?? "",
            ]))
        }
    }
}
