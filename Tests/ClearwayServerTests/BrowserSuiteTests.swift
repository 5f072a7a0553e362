import Foundation
import Testing

/// The pages driven by a real browser: headless Chromium through Selenium (`Tests/Browser/pages_test.py`).
@Suite("Browser", .serialized)
struct BrowserSuiteTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Why the suite cannot run here, or nil when Chromium, its driver and Selenium are all installed.
    static let missing: String? = {
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is not installed (.ci/run installs Debian's chromium and chromium-driver)"
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import selenium"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "python3 is not installed" }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : "python3 has no selenium (.ci/run installs it from PyPI)"
    }()

    @Test("a trader lodges through the form and watches the release live; an officer clears a review; a certificate is verified; the language switches",
          .enabled(if: missing == nil, Comment(rawValue: missing ?? "")))
    func pagesInChromium() async throws {
        guard let binary = CrashSafetyTests.binary else {
            Issue.record("the clearway binary is not built beside the tests; run swift build first")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await ServerProcess(binary: binary, database: directory.appendingPathComponent("pages.sqlite").path, demo: true)
        defer { server.stop() }
        // Screenshots of every step are the suite's artefacts, kept after the run.
        let artefacts = Self.root.appendingPathComponent(".build/test-artefacts/browser")
        try? FileManager.default.removeItem(at: artefacts)
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.root.appendingPathComponent("Tests/Browser/pages_test.py").path,
                             "--base", server.base.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")),
                             "--out", artefacts.path]
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("12 passed, 0 failed"), "\(text)")
        let shots = (try? FileManager.default.contentsOfDirectory(atPath: artefacts.path)) ?? []
        #expect(shots.filter { $0.hasSuffix(".png") }.count == 12)
    }
}
