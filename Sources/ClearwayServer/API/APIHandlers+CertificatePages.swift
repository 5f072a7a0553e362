import ClearwayAPI
import ClearwayApp
import ClearwayCore
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func verifyPage(_ input: Operations.VerifyPage.Input) async throws -> Operations.VerifyPage.Output {
        .ok(.init(body: .html(HTTPBody(web.html("verify", title: "verify_title", [:])))))
    }

    func verifyPageSubmit(_ input: Operations.VerifyPageSubmit.Input) async throws -> Operations.VerifyPageSubmit.Output {
        guard case .urlEncodedForm(let form) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let text = form.document ?? ""
        let verdict = try await clearway.verifyCredential(Data(text.utf8))
        return .ok(.init(body: .html(HTTPBody(web.html("verify", title: "verify_title", ["verdict": web.verdict(verdict), "document": text])))))
    }

    func verifyCredentialPage(_ input: Operations.VerifyCredentialPage.Input) async throws
        -> Operations.VerifyCredentialPage.Output
    {
        do {
            let found = try await clearway.credential(input.path.credentialId)
            return .ok(.init(body: .html(HTTPBody(web.html("verify", title: "verify_title", [
                "verdict": web.verdict(found.verdict), "document": String(decoding: found.document, as: UTF8.self),
            ])))))
        } catch ClearanceError.notFound {
            return .notFound(.init(body: .html(HTTPBody(web.html("verify", title: "verify_title", ["notFound": input.path.credentialId])))))
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
        return .ok(.init(body: .html(HTTPBody(web.pages.render("certificate", context)))))
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
}
