import ClearwayCore
import Foundation
import Testing

@Suite("QR codes")
struct QRCodeTests {
    /// Debian's zbarimg, the independent decoder the codes are proven against, when installed (`.ci/run` installs it).
    static let zbarimg: String? = ["/usr/bin/zbarimg", "/usr/local/bin/zbarimg"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func decode(_ png: [UInt8]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-qr-\(UUID().uuidString).png")
        try Data(png).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: zbarimg!)
        process.arguments = ["--raw", "-q", "-Sbinary", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    @Test("the smallest version that holds the text is chosen (version 9-M holds 180 bytes, as the standard's table says)")
    func versions() throws {
        #expect(try QRCode(text: String(repeating: "a", count: 14)).version == 1)
        #expect(try QRCode(text: String(repeating: "a", count: 15)).version == 2)
        #expect(try QRCode(text: String(repeating: "a", count: 180)).version == 9)
        #expect(try QRCode(text: String(repeating: "a", count: 181)).version == 10)
        #expect(throws: QRCode.TooLong.self) { try QRCode(text: String(repeating: "a", count: 2_400)) }
        let code = try QRCode(text: "https://clearway.example/verify/1")
        #expect(code.size == code.version * 4 + 17)
        #expect(code.svg().hasPrefix("<svg"))
    }

    @Test("a verification link, Chinese text and a long payload decode with zbarimg to exactly what was encoded",
          arguments: [
            "https://clearway.example/verify/5f1c9a8e-2d7b-4c55-9a1e-0b6f3e2d9c11",
            "海关放行通知 224820261000000007",
            String(repeating: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK;", count: 9),
            "A",
          ])
    func zbarRoundTrip(text: String) throws {
        guard Self.zbarimg != nil else {
            print("skipped: zbarimg (Debian's zbar-tools) is not installed; .ci/run installs it")
            return
        }
        let code = try QRCode(text: text)
        #expect(try Self.decode(code.png()) == text, "version \(code.version), mask \(code.mask)")
    }
}
