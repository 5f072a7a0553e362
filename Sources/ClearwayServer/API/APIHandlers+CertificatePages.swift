import ClearwayAPI
import ClearwayApp
import ClearwayCore
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func verifyPage(_ input: Operations.VerifyPage.Input) async throws -> Operations.VerifyPage.Output {
        .ok(.init(body: .html(HTTPBody(pages.render("verify", [:])))))
    }

    func verifyPageSubmit(_ input: Operations.VerifyPageSubmit.Input) async throws -> Operations.VerifyPageSubmit.Output {
        guard case .urlEncodedForm(let form) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let text = form.document ?? ""
        let verdict = try await clearway.verifyCredential(Data(text.utf8))
        return .ok(.init(body: .html(HTTPBody(pages.render("verify", ["verdict": Self.context(verdict), "document": text])))))
    }

    func verifyCredentialPage(_ input: Operations.VerifyCredentialPage.Input) async throws
        -> Operations.VerifyCredentialPage.Output
    {
        do {
            let found = try await clearway.credential(input.path.credentialId)
            return .ok(.init(body: .html(HTTPBody(pages.render("verify", [
                "verdict": Self.context(found.verdict), "document": String(decoding: found.document, as: UTF8.self),
            ])))))
        } catch ClearanceError.notFound {
            return .notFound(.init(body: .html(HTTPBody(pages.render("verify", ["notFound": input.path.credentialId])))))
        }
    }

    func printCredentialPage(_ input: Operations.PrintCredentialPage.Input) async throws -> Operations.PrintCredentialPage.Output {
        let id = input.path.credentialId
        let found = try await clearway.credential(id)
        let document = try JSONValue.parse(found.document)
        let verifyURL = "\(clearway.environment.publicURL)/verify/\(id)"
        let qr = try QRCode(text: verifyURL)
        var fields: [[String: String]] = []
        if case .object(let members)? = document["credentialSubject"] {
            for (key, value) in members { fields.append(["key": key, "value": Self.text(value)]) }
        }
        let context: [String: Any] = [
            "id": id, "name": document["name"]?.string ?? "Certificate", "issuer": found.verdict.issuer ?? "",
            "issuerName": document["issuer"]?["name"]?.string ?? "", "validFrom": document["validFrom"]?.string ?? "",
            "fields": fields, "verifyURL": verifyURL, "qrSVG": qr.svg(moduleSize: 3), "status": found.verdict.status.rawValue,
        ]
        return .ok(.init(body: .html(HTTPBody(pages.render("certificate", context)))))
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: ""
        case .bool(let b): b ? "yes" : "no"
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .string(let s): s
        case .array(let items): items.map(text).joined(separator: ", ")
        case .object(let members): members.map { "\($0.key): \(text($0.value))" }.joined(separator: "; ")
        }
    }

    /// The words a person reads for a verdict, in both languages.
    static func context(_ verdict: Credentials.Verdict) -> [String: Any] {
        let words: (zh: String, en: String) = switch verdict.status {
        case .valid: ("有效", "Valid")
        case .tampered: ("已被篡改", "Tampered: the content does not match its signature")
        case .revoked: ("已撤销", "Revoked by its issuer")
        case .suspended: ("已暂停", "Suspended by its issuer")
        case .unknownIssuer: ("签发方不受信任", "Unknown issuer")
        case .malformed: ("格式不正确", "Not a credential this page can read")
        }
        var context: [String: Any] = [
            "statusZh": words.zh, "statusEn": words.en, "cssClass": verdict.status == .valid ? "valid" : "bad",
            "checks": verdict.checks.map { ["name": $0.name, "passed": $0.passed, "detail": $0.detail] as [String: Any] },
        ]
        if let issuer = verdict.issuer { context["issuer"] = issuer }
        if let id = verdict.credentialID { context["credentialID"] = id }
        return context
    }
}
