import ClearwayApp
import ClearwayCore
import ClearwayStore
import ClearwayTestSupport
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Declaration documents over HTTP")
struct DocumentHTTPTests {
    static let pdf = Array("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)

    @Test("a document is stored once by SHA-256, listed on each declaration, type-checked, and hidden from others", arguments: TestBackend.available)
    func documents(backend: TestBackend) async throws {
        try await withApp(backend) { clearway, client in
            let trader = try await Demo.principal("trader", in: clearway)
            let first = try await clearway.lodge(Demo.importForm(), by: trader)
            let second = try await clearway.lodge(Demo.importForm(), by: trader)
            let hash = SHA256.hash(data: Self.pdf).map { String(format: "%02x", $0) }.joined()
            for id in [first.id, second.id] {
                let attached = try await client.send(Call(
                    method: .post, path: "/api/v1/declarations/\(id)/documents?name=invoice.pdf", token: "demo-token-trader",
                    raw: (Self.pdf, "application/pdf")))
                #expect(attached.status == .created, "\(attached.text)")
                #expect(try attached.json()["hash"] as? String == hash)
            }
            #expect(try await clearway.store.read { db in try await DocumentTables.count(on: db) } == 1)
            let listed = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(first.id)/documents", token: "demo-token-officer"))
            #expect(listed.text.contains(hash))

            let mismatch = try await client.send(Call(
                method: .post, path: "/api/v1/declarations/\(first.id)/documents?name=photo.png", token: "demo-token-trader",
                raw: (Self.pdf, "image/png")))
            #expect(mismatch.status == .unprocessableContent)
            #expect((try mismatch.json()["errors"] as? [[String: Any]])?.first?["code"] as? String == "type-mismatch")

            let mine = try await client.send(Call(method: .get, path: "/api/v1/documents/\(hash)", token: "demo-token-trader"))
            #expect(Array(mine.text.utf8) == Self.pdf)
            let theirs = try await client.send(Call(method: .get, path: "/api/v1/documents/\(hash)", token: "demo-token-broker"))
            #expect(theirs.status == .notFound)
            let timeline = try await clearway.timeline(first.id, by: trader).map(\.name)
            #expect(timeline == ["accepted", "document-attached"])
        }
    }
}
