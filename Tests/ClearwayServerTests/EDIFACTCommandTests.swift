import ClearwayCore
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Testing

@Suite("clearway edifact")
struct EDIFACTCommandTests {
    static func run(_ file: URL, quiet: Bool = false) throws -> (status: Int32, output: String, errors: String) {
        guard let binary = CrashSafetyTests.binary else { throw StoreError.badLocation("the clearway binary is not built") }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["edifact", file.path] + (quiet ? ["--quiet"] : [])
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complained = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, printed, complained)
    }

    @Test("a passenger list is printed as named JSON and exits 0; its twin with a duplicated reference exits 1 naming it")
    func passengerLists() throws {
        guard let folder = SharedData.directory?.appendingPathComponent("edifact/smooks/edg-paxlst") else {
            print("skipped: ../shared/data is absent in this clone")
            return
        }
        let good = try Self.run(folder.appendingPathComponent("paxlst.txt"))
        #expect(good.status == 0, "\(good.errors)")
        let tree = try JSONValue.parse(Data(good.output.utf8))
        guard case .array(let messages) = tree else {
            Issue.record("not a JSON array: \(good.output.prefix(200))")
            return
        }
        #expect(messages.count == 1)
        #expect(messages.first?["SG4"] != nil, "the travellers' group")
        let bad = try Self.run(folder.appendingPathComponent("bad-paxlst.txt"), quiet: true)
        #expect(bad.status == 1)
        #expect(bad.output.isEmpty)
        #expect(bad.errors.contains("segment 6: Invalid content was found starting with element 'RFF'."))
        #expect(bad.errors.contains("RFF occurred '2' times"))
    }

    @Test("a message of a release the directory has no table for exits 1, naming the releases that are read")
    func unreadRelease() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-d01b-\(UUID().uuidString).edi")
        defer { try? FileManager.default.removeItem(at: file) }
        let text = "UNB+UNOC:3+SENDER+CLEARWAY+261130:1200+1'UNH+1+CUSDEC:D:01B:UN'BGM+929+ORDER1+9'UNT+3+1'UNZ+1+1'"
        try Data(text.utf8).write(to: file)
        let run = try Self.run(file, quiet: true)
        #expect(run.status == 1)
        #expect(run.errors.contains("CUSDEC of release D:01B is not read here; send D96B"), "\(run.errors)")
    }
}
