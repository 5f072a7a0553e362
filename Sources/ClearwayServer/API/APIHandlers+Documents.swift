import ClearwayAPI
import ClearwayApp
import ClearwayCore
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func attachDocument(_ input: Operations.AttachDocument.Input) async throws -> Operations.AttachDocument.Output {
        let principal = try RequestPrincipal.required()
        let (mediaType, body): (String, HTTPBody) = switch input.body {
        case .pdf(let body): ("application/pdf", body)
        case .png(let body): ("image/png", body)
        case .jpeg(let body): ("image/jpeg", body)
        case .xml(let body): ("application/xml", body)
        }
        let bytes = try await Data(collecting: body, upTo: Clearway.maxDocumentBytes + 1)
        let attachment = try await clearway.attachDocument(
            input.path.declarationId, name: input.query.name, mediaType: mediaType, bytes: bytes, by: principal)
        return .created(.init(body: .json(.init(attachment))))
    }

    func listDeclarationDocuments(_ input: Operations.ListDeclarationDocuments.Input) async throws
        -> Operations.ListDeclarationDocuments.Output
    {
        let state = try await clearway.declaration(input.path.declarationId, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(state.documents.map(Components.Schemas.DocumentInfo.init))))
    }

    func getDocument(_ input: Operations.GetDocument.Input) async throws -> Operations.GetDocument.Output {
        let document = try await clearway.document(input.path.hash, by: try RequestPrincipal.required())
        return .ok(.init(body: .binary(HTTPBody(document.bytes))))
    }
}

extension Components.Schemas.DocumentInfo {
    init(_ attachment: Attachment) {
        self.init(hash: attachment.hash, name: attachment.name, mediaType: attachment.mediaType, size: attachment.size)
    }
}
