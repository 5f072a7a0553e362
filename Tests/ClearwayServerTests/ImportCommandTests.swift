import ClearwayApp
import ClearwayCore
import ClearwayInterop
import ClearwayTestSupport
import Foundation
import Testing

@Suite("clearway import", .serialized)
struct ImportCommandTests {
    @Test("receipts go to the folder --receipts names, never beside the files; one that cannot be written is reported with what was taken, and the exit status says so")
    func receiptsFolder() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-import-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let inbox = root.appendingPathComponent("inbox"), receipts = root.appendingPathComponent("receipts")
        for folder in [inbox, receipts] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let rules = try await TestBackend.sqlite.withClearway(clock: TestClock()) { try await $0.crossBorderRules() }
        let messages = CEBGenerator(seed: 31, buyers: 10).parcel(0, rules: rules, at: Date())
        let names = ["order.xml", "payment.xml", "waybill.xml", "list.xml"]
        for (name, message) in zip(names, messages.all) { try message.write(to: inbox.appendingPathComponent(name)) }
        let files = names.map { inbox.appendingPathComponent($0).path }
        let database = root.appendingPathComponent("clearway.sqlite").path

        let taken = try BackupTests.clearway(["import", "--database", database, "--receipts", receipts.path] + files)
        #expect(taken.status == 0, "\(taken.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox.path).sorted() == names.sorted(), "nothing written beside the files")
        let written = try FileManager.default.contentsOfDirectory(atPath: receipts.path).sorted()
        #expect(written == names.map { $0 + ".receipt.xml" }.sorted())
        let listReceipt = try XMLTree.parse(Data(contentsOf: receipts.appendingPathComponent("list.xml.receipt.xml")))
        #expect(listReceipt.localName == "CEB622Message")

        // A folder where the order's receipt would go: the order sent again is the same order, taken again,
        // and the next line says its receipt could not be written.
        try FileManager.default.removeItem(at: receipts.appendingPathComponent("order.xml.receipt.xml"))
        try FileManager.default.createDirectory(at: receipts.appendingPathComponent("order.xml.receipt.xml"), withIntermediateDirectories: false)
        let blocked = try BackupTests.clearway(["import", "--database", database, "--receipts", receipts.path, files[0]])
        #expect(blocked.status == 1)
        let said = blocked.output.split(separator: "\n").map(String.init)
        let takenLine = said.firstIndex { $0.hasSuffix("order.xml: 1 entry taken, 0 refused; CEB312Message in \(receipts.path)/order.xml.receipt.xml") }
        let unwritten = said.firstIndex { $0.contains("order.xml: taken as stated above, but its answer could not be written to \(receipts.path)/order.xml.receipt.xml (a folder of that name is in the way)") }
        #expect(takenLine != nil && unwritten != nil && takenLine! < unwritten!, "\(blocked.output)")

        let notAFolder = try BackupTests.clearway(["import", "--database", database, "--receipts", files[0], files[0]])
        #expect(notAFolder.status != 0 && notAFolder.output.contains("is not a folder"), "\(notAFolder.output)")
    }
}
