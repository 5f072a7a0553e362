import ClearwayAPI
import ClearwayApp
import ClearwayCore
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func issueReleaseNote(_ input: Operations.IssueReleaseNote.Input) async throws -> Operations.IssueReleaseNote.Output {
        let issued = try await clearway.issueReleaseNote(input.path.declarationId, by: try RequestPrincipal.required())
        let verdict = try await clearway.verifyCredential(issued.document)
        return .created(.init(body: .json(try .init(id: issued.id, document: issued.document, verdict: verdict))))
    }

    func verifyCredential(_ input: Operations.VerifyCredential.Input) async throws -> Operations.VerifyCredential.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let verdict = try await clearway.verifyCredential(try JSONEncoder().encode(body))
        return .ok(.init(body: .json(.init(verdict))))
    }

    func getCredential(_ input: Operations.GetCredential.Input) async throws -> Operations.GetCredential.Output {
        let found = try await clearway.credential(input.path.credentialId)
        return .ok(.init(body: .json(try .init(id: input.path.credentialId, document: found.document, verdict: found.verdict))))
    }

    func revocationStatusList(_ input: Operations.RevocationStatusList.Input) async throws
        -> Operations.RevocationStatusList.Output
    {
        let list = try await clearway.statusListCredential(.revocation)
        return .ok(.init(body: .json(try JSONDecoder().decode(
            Operations.RevocationStatusList.Output.Ok.Body.JsonPayload.self, from: list))))
    }

    func suspensionStatusList(_ input: Operations.SuspensionStatusList.Input) async throws
        -> Operations.SuspensionStatusList.Output
    {
        let list = try await clearway.statusListCredential(.suspension)
        return .ok(.init(body: .json(try JSONDecoder().decode(
            Operations.SuspensionStatusList.Output.Ok.Body.JsonPayload.self, from: list))))
    }

    func suspendCredential(_ input: Operations.SuspendCredential.Input) async throws -> Operations.SuspendCredential.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let verdict = try await clearway.suspendCredential(
            input.path.credentialId, true, reason: body.reason, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(verdict))))
    }

    func unsuspendCredential(_ input: Operations.UnsuspendCredential.Input) async throws
        -> Operations.UnsuspendCredential.Output
    {
        let verdict = try await clearway.suspendCredential(
            input.path.credentialId, false, reason: nil, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(verdict))))
    }

    func revokeCredential(_ input: Operations.RevokeCredential.Input) async throws -> Operations.RevokeCredential.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let verdict = try await clearway.revokeCredential(
            input.path.credentialId, reason: body.reason, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(verdict))))
    }
}

extension Components.Schemas.Verdict {
    init(_ verdict: Credentials.Verdict) {
        self.init(
            status: verdict.status.rawValue, issuer: verdict.issuer, credentialId: verdict.credentialID,
            checks: verdict.checks.map { .init(name: $0.name, passed: $0.passed, detail: $0.detail) })
    }
}

extension Components.Schemas.IssuedCredential {
    init(id: String, document: Data, verdict: Credentials.Verdict) throws {
        self.init(
            credentialId: id, credential: try JSONDecoder().decode(CredentialPayload.self, from: document),
            verdict: .init(verdict))
    }
}

extension APIHandlers {
    func issueCredential(_ input: Operations.IssueCredential.Input) async throws -> Operations.IssueCredential.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let issued = try await clearway.issueCredential(
            CredentialKind(rawValue: body.kind.rawValue)!, for: input.path.declarationId, order: body.order,
            by: try RequestPrincipal.required())
        let verdict = try await clearway.verifyCredential(issued.document)
        return .created(.init(body: .json(try .init(id: issued.id, document: issued.document, verdict: verdict))))
    }
}

extension APIHandlers {
    func attachEphyto(_ input: Operations.AttachEphyto.Input) async throws -> Operations.AttachEphyto.Output {
        guard case .xml(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let bytes = try await Data(collecting: body, upTo: Clearway.maxDocumentBytes + 1)
        let check = try await clearway.attachPhytosanitaryCertificate(
            input.path.declarationId, xml: bytes, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(check))))
    }
}
