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
            "NAD+DT+\(Demo.eastOcean)'",
            "NAD+IM+\(Demo.eastOcean)'",
            "NAD+CZ+++Sydney Foods Pty Ltd'",
            "TDT+20+045E+2+++++:::COSCO SHIPPING ARIES'",
            "RFF+BM:COSU6245187340'",
            "TOD+++CIF'",
            "EQD+CN+CSQU3054383+22G1'",
            "SEL+SH123456'",
            "UNS+D'",
            "CST+1+\(commodity):122'",
            "FTX+AAA+++Food preparations'",
            "QTY+47:1200:KGM'",
            "MOA+38:15000.50:USD'",
            "LOC+27+AU'",
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
