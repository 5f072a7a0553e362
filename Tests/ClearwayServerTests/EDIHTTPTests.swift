import ClearwayApp
import ClearwayCore
import ClearwayInterop
import ClearwayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("EDI channel over HTTP")
struct EDIHTTPTests {
    /// A CUSDEC after this platform's message guide: East Ocean imports food preparations from Australia at Yangshan.
    static func cusdec(commodity: String = "2106909090", control: String = "77") -> String {
        [
            "UNA:+.? '",
            "UNB+UNOC:3+\(Demo.eastOcean)+CLEARWAY+260528:0800+\(control)'",
            "UNH+1+CUSDEC:D:96B:UN'",
            "BGM+929+LRN-0001+9'",
            "LOC+41+2248'",
            "LOC+22+2248'",
            "GIS+0110'",
            "EQD+CN+CSQU3054383+22G1'",
            "SEL+SH123456'",
            "RFF+BM:COSU6245187340'",
            "TDT+20+045E+2+++++:::COSCO SHIPPING ARIES'",
            "NAD+DT+\(Demo.eastOcean)'",
            "NAD+IM+\(Demo.eastOcean)'",
            "NAD+CZ+++Sydney Foods Pty Ltd'",
            "TOD+++CIF'",
            "UNS+D'",
            "CST+1+\(commodity):122'",
            "FTX+AAA+++Food preparations'",
            "LOC+27+AU'",
            "MEA+AAE++KGM:1200'",
            "MOA+38:15000.50:USD'",
            "UNS+S'",
            "UNT+21+1'",
            "UNZ+1+\(control)'",
        ].joined(separator: "\n")
    }

    static func send(_ client: any TestClientProtocol, _ text: String, token: String = "demo-token-trader") async throws -> TestResponse {
        try await client.send(Call(method: .post, path: "/api/v1/edi", token: token, raw: (Array(text.utf8), "application/edifact")))
    }

    @Test("a CUSDEC is lodged and answered with a CUSRES carrying the customs number; sent again, it gets the same answer", arguments: TestBackend.available)
    func acceptedDeclaration(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            let response = try await Self.send(client, Self.cusdec())
            #expect(response.status == .ok, "\(response.text)")
            let answer = EDIFACTInterchange.read(Data(response.text.utf8))
            #expect(answer.failures.isEmpty, "\(answer.failures)")
            let segments = try #require(answer.messages.first?.segments)
            #expect(answer.messages.first?.type == "CUSRES")
            #expect(segments.first { $0.tag == "BGM" }?[2] == "29")
            let number = try #require(segments.first { $0.tag == "RFF" }?[0, 1])
            #expect(number.count == 18)
            let again = EDIFACTInterchange.read(Data(try await Self.send(client, Self.cusdec()).text.utf8))
            #expect(again.messages.first?.segments.first { $0.tag == "RFF" }?[0, 1] == number)
            let found = try await client.send(Call(method: .get, path: "/api/v1/declarations/\(number)", token: "demo-token-trader"))
            #expect(try found.json()["overseasParty"] as? String == "Sydney Foods Pty Ltd")
        }
    }

    @Test("after lodgement by EDI, selection for inspection and release reach the sender as CUSRES in its mailbox", arguments: TestBackend.available)
    func laterAnswers(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            let lodged = EDIFACTInterchange.read(Data(try await Self.send(client, Self.cusdec(control: "79")).text.utf8))
            let number = try #require(lodged.messages.first?.segments.first { $0.tag == "RFF" }?[0, 1])
            let empty = try await client.send(Call(method: .get, path: "/api/v1/edi/messages", token: "demo-token-trader"))
            #expect(empty.text.filter { !$0.isWhitespace } == "[]", "the lodgement's answer was the synchronous CUSRES")

            _ = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(number)/risk", token: "demo-token-officer",
                                           json: #"{"lane":"inspection","inspection":{"kind":"physical","place":"port"}}"#))
            _ = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(number)/inspection", token: "demo-token-officer",
                                           json: #"{"order":1,"outcome":"no-discrepancy","findings":"as declared"}"#))
            _ = try await client.send(Call(method: .post, path: "/api/v1/port-events", token: "demo-token-terminal",
                                           json: #"{"kind":"conveyance-arrived","at":"2026-05-28T20:00:00Z","means":"COSCO SHIPPING ARIES","voyage":"045E"}"#))
            let paid = try await client.send(Call(method: .post, path: "/api/v1/declarations/\(number)/duties", token: "demo-token-trader",
                                                  json: #"{"settlement":"paid"}"#))
            #expect(try paid.json()["status"] as? String == "released", "\(paid.text)")

            let mailbox = try await client.send(Call(method: .get, path: "/api/v1/edi/messages", token: "demo-token-trader"))
            let messages = try JSONSerialization.jsonObject(with: Data(mailbox.text.utf8)) as? [[String: Any]] ?? []
            #expect(messages.compactMap { $0["kind"] as? String } == ["selected-for-inspection", "released"], "\(mailbox.text)")
            for message in messages {
                let read = EDIFACTInterchange.read(Data((message["interchange"] as? String ?? "").utf8))
                #expect(read.failures.isEmpty, "\(read.failures)")
                #expect(read.messages.first?.type == "CUSRES")
                #expect(read.messages.first?.segments.first { $0.tag == "BGM" }?[1] == "LRN-0001")
                #expect(read.messages.first?.segments.first { $0.tag == "RFF" }?[0, 1] == number)
            }
            let released = EDIFACTInterchange.read(Data((messages.last?["interchange"] as? String ?? "").utf8))
            #expect(released.messages.first?.segments.first { $0.tag == "BGM" }?[2] == "29")
            let lastID = messages.last?["id"] as? Int ?? 0
            let after = try await client.send(Call(method: .get, path: "/api/v1/edi/messages?after=\(lastID)", token: "demo-token-trader"))
            #expect(after.text.filter { !$0.isWhitespace } == "[]")
            let stranger = try await client.send(Call(method: .get, path: "/api/v1/edi/messages", token: "demo-token-foods"))
            #expect(stranger.text.filter { !$0.isWhitespace } == "[]")
            let terminal = try await client.send(Call(method: .get, path: "/api/v1/edi/messages", token: "demo-token-terminal"))
            #expect(terminal.status == .forbidden)
        }
    }

    @Test("a CUSDEC off the D.96B segment table, or of a release not read here, gets a CUSRES naming the segment and lodges nothing", arguments: TestBackend.available)
    func structureRefusal(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            // The parties before the transport: NAD (SG6) cannot come before TDT (SG4).
            let shuffled = Self.cusdec(control: "80").replacingOccurrences(
                of: "TDT+20+045E+2+++++:::COSCO SHIPPING ARIES'\nNAD+DT+\(Demo.eastOcean)'",
                with: "NAD+DT+\(Demo.eastOcean)'\nTDT+20+045E+2+++++:::COSCO SHIPPING ARIES'")
            let answer = EDIFACTInterchange.read(Data(try await Self.send(client, shuffled).text.utf8))
            let segments = answer.messages.first?.segments ?? []
            #expect(segments.first { $0.tag == "BGM" }?[2] == "27")
            let codes = segments.filter { $0.tag == "ERC" }.compactMap { $0[0] }
            let points = segments.filter { $0.tag == "ERP" }.compactMap { $0[1, 0] }
            let details = segments.filter { $0.tag == "FTX" }.compactMap { $0[3] }
            #expect(codes.first == "edifact-structure")
            #expect(points.first == "11", "TDT, now the 11th segment, is where the table is left")
            #expect(details.first?.hasPrefix("Invalid content was found starting with element 'TDT'.") == true, "\(details)")

            let otherRelease = Self.cusdec(control: "81").replacingOccurrences(of: "CUSDEC:D:96B:UN", with: "CUSDEC:D:01B:UN")
            let refused = EDIFACTInterchange.read(Data(try await Self.send(client, otherRelease).text.utf8)).messages.first?.segments ?? []
            let release = refused.first { $0.tag == "FTX" }?[3]
            #expect(release == "CUSDEC of release D:01B is not read here; send D96B")
            #expect(refused.first { $0.tag == "ERP" }?[1, 0] == "2")
            let declarations = try await client.send(Call(method: .get, path: "/api/v1/declarations", token: "demo-token-trader"))
            #expect((try declarations.json()["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("a CUSDEC with a commodity code not in HS 2022 gets a CUSRES naming the CST segment", arguments: TestBackend.available)
    func refusedDeclaration(backend: TestBackend) async throws {
        try await withApp(backend) { _, client in
            let response = try await Self.send(client, Self.cusdec(commodity: "9999999999", control: "78"))
            #expect(response.status == .ok)
            let segments = EDIFACTInterchange.read(Data(response.text.utf8)).messages.first?.segments ?? []
            #expect(segments.first { $0.tag == "BGM" }?[2] == "27")
            let point = try #require(segments.first { $0.tag == "ERP" })
            // CST is the 16th segment of the interchange (UNB is the first; UNA is not a segment); the code is its second element.
            #expect(point[1, 0] == "16")
            #expect(point[1, 1] == "2")
            #expect(segments.first { $0.tag == "ERC" }?[0] == "hs-code-unknown")
            let declarations = try await client.send(Call(method: .get, path: "/api/v1/declarations", token: "demo-token-trader"))
            #expect((try declarations.json()["items"] as? [Any])?.isEmpty == true)
        }
    }
}
