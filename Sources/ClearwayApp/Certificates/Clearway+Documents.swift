import ClearwayCore
import ClearwayInterop
import ClearwayStore
import Foundation

extension Clearway {
    /// The largest document accepted, in bytes.
    public static let maxDocumentBytes = 1 << 20

    /// Attaches a document to a declaration: checked for type by its bytes, stored once by SHA-256, recorded as an event.
    public func attachDocument(
        _ idOrNumber: String, name: String, mediaType: String, bytes: Data, by principal: Principal
    ) async throws -> Attachment {
        let attachment: Attachment
        do {
            attachment = try Attachment.check(name: name, mediaType: mediaType, bytes: bytes, maxBytes: Self.maxDocumentBytes)
        } catch { throw ClearanceError.invalid(error) }
        let now = environment.now()
        let id = try await declaration(idOrNumber, by: principal).id
        let state = try await change(
            id, by: principal, expectedVersion: nil,
            permission: { draft in
                principal.role == .customsOfficer ? .decideClearance(draft) : .changeDeclaration(draft)
            },
            alsoInTransaction: { db, _ in
                try await DocumentTables.store(attachment, bytes: bytes, declarationID: id, at: now, on: db)
            }
        ) { _ in .attachDocument(attachment) }
        return state.documents.first { $0.hash == attachment.hash } ?? attachment
    }

    /// A document's bytes, for someone who may see a declaration it is attached to.
    public func document(_ hash: String, by principal: Principal) async throws -> (mediaType: String, bytes: Data) {
        let linked = try await store.read { db in try await DocumentTables.declarations(of: hash, on: db) }
        var visible = false
        for id in linked where !visible { visible = (try? await declaration(id, by: principal)) != nil }
        guard visible, let content = try await store.read({ db in try await DocumentTables.content(hash, on: db) }) else {
            throw ClearanceError.notFound(kind: "document", id: hash)
        }
        return content
    }
}

extension Clearway {
    /// Attaches an exporting country's ePhyto (UN/CEFACT SPS XML) to a declaration and checks it against the
    /// declaration in the same transaction: type, countries, HS subheadings and net weights.
    public func attachPhytosanitaryCertificate(_ idOrNumber: String, xml: Data, by principal: Principal) async throws
        -> PhytosanitaryCheck
    {
        let certificate: SPSCertificate
        do { certificate = try SPSCertificate.read(xml) } catch {
            throw ClearanceError.invalid(ValidationFailure([FieldIssue("", "ephyto-unreadable", "line \(error.line): \(error.reason)")]))
        }
        let attachment: Attachment
        do {
            attachment = try Attachment.check(
                name: "ephyto-\(certificate.id).xml", mediaType: "application/xml", bytes: xml, maxBytes: Self.maxDocumentBytes)
        } catch { throw ClearanceError.invalid(error) }
        let plant = PlantHealthCertificate(
            id: certificate.id, typeCode: certificate.typeCode, exportCountry: certificate.exportCountry,
            importCountry: certificate.importCountry,
            lines: certificate.lines.map { line in
                PlantHealthCertificate.Line(
                    hsCode: line.hsCode, description: line.description,
                    netKilograms: line.netWeight.flatMap { $0.unit == "KGM" ? Double($0.value) : nil })
            })
        let now = environment.now()
        let id = try await declaration(idOrNumber, by: principal).id
        let state = try await change(
            id, by: principal, expectedVersion: nil,
            permission: { draft in
                principal.role == .quarantineOfficer || principal.role == .customsOfficer
                    ? .readDeclaration(draft) : .changeDeclaration(draft)
            },
            alsoInTransaction: { db, _ in
                try await DocumentTables.store(attachment, bytes: xml, declarationID: id, at: now, on: db)
            },
            commands: { state in
                (state.documents.contains { $0.hash == attachment.hash } ? [] : [.attachDocument(attachment)])
                    + [.checkPhytosanitary(plant, document: attachment.hash)]
            })
        return state.clearance.phytosanitary!
    }
}
