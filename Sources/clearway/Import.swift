import ArgumentParser
import ClearwayApp
import ClearwayCore
import ClearwayStore
import Foundation

/// `clearway import FILE…`: interchange files into the ledger, each taken whole or refused whole.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import UN/EDIFACT interchanges (COARRI and CODECO as port events, CUSDEC as declarations answered with CUSRES) and CEB e-commerce messages (answered with their receipts); exit 1 when any is refused.")

    @OptionGroup var options: DatabaseOptions

    @Option(name: .customLong("as"), help: "Act as this user (a declarant for CUSDEC, a terminal for COARRI/CODECO, the sending firm for CEB); default the system.")
    var user: String?

    @Option(help: "Folder the answers (CEB receipts, CUSRES) are written to, as FILE.receipt.xml or FILE.cusres.edi; default beside each file.")
    var receipts: String?

    @Argument(help: "Files to import.")
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one file") }
        if let receipts {
            var folder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: receipts, isDirectory: &folder), folder.boolValue else {
                throw ValidationError("--receipts \(receipts) is not a folder")
            }
        }
    }

    /// Where the answer to `path` goes: beside it, or in `--receipts` under the file's own name.
    func answerPath(_ path: String, _ suffix: String) -> String {
        guard let receipts else { return path + suffix }
        return URL(fileURLWithPath: receipts).appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent + suffix).path
    }

    /// Writes an answer; what was taken stays taken when it cannot be written, and the message says so.
    func write(_ answer: Data, to out: String, for path: String) -> Bool {
        do {
            try answer.write(to: URL(fileURLWithPath: out))
            return true
        } catch {
            var folder: ObjCBool = false
            let parent = URL(fileURLWithPath: out).deletingLastPathComponent().path
            let why = FileManager.default.fileExists(atPath: out, isDirectory: &folder) && folder.boolValue ? "a folder of that name is in the way"
                : !FileManager.default.isWritableFile(atPath: parent) ? "\(parent) is not writable"
                : error.localizedDescription
            fflush(nil)  // the line saying what was taken comes first
            FileHandle.standardError.write(Data("\(path): taken as stated above, but its answer could not be written to \(out) (\(why)); name a writable folder with --receipts\n".utf8))
            return false
        }
    }

    func run() async throws {
        let clearway = try await options.openMigrated(logger: options.logger())
        let principal: Principal
        if let user {
            guard let found = try await clearway.principal(username: user) else {
                await clearway.store.close()
                throw ValidationError("no user \(user)")
            }
            principal = found
        } else {
            principal = .system
        }
        let bar = ProgressBar(total: files.count, label: "importing")
        var refused = 0
        var events = 0
        for (index, path) in files.enumerated() {
            defer { bar.update(index + 1) }
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                refused += 1
                FileHandle.standardError.write(Data("\(path): cannot read: \(error.localizedDescription)\n".utf8))
                continue
            }
            if Self.isXML(data) {
                do {
                    let answer = try await clearway.receiveCEB(data, by: principal)
                    let out = answerPath(path, ".receipt.xml")
                    if answer.receiptType == "CEB900Message" {
                        refused += 1
                        FileHandle.standardError.write(Data("\(path): refused whole by the format check; CEB900 in \(out)\n".utf8))
                    } else {
                        print("\(path): \(answer.accepted) entr\(answer.accepted == 1 ? "y" : "ies") taken, \(answer.refused) refused; \(answer.receiptType) in \(out)")
                        if answer.refused > 0 { refused += 1 }
                    }
                    if !write(answer.receipt, to: out, for: path) { refused += 1 }
                } catch {
                    refused += 1
                    FileHandle.standardError.write(Data("\(path): \(error)\n".utf8))
                }
                continue
            }
            guard Self.isEDIFACT(data) else {
                refused += 1
                FileHandle.standardError.write(Data("\(path): neither a UN/EDIFACT interchange (UNA or UNB first) nor a CEB XML message\n".utf8))
                continue
            }
            do {
                switch try await clearway.receiveInterchange(data, by: principal) {
                case .portEvents(let outcomes):
                    events += outcomes.count
                    let refusedMoves = outcomes.filter { !$0.refused.isEmpty }.count
                    print("\(path): \(outcomes.count) movement(s), \(outcomes.filter { !$0.applied.isEmpty }.count) matched to declarations"
                        + (refusedMoves > 0 ? ", \(refusedMoves) refused by customs holds" : ""))
                case .responses(let text, let accepted, let declined):
                    let out = answerPath(path, ".cusres.edi")
                    print("\(path): \(accepted) declaration(s) accepted, \(declined) refused; CUSRES in \(out)")
                    if declined > 0 { refused += 1 }
                    if !write(Data(text.utf8), to: out, for: path) { refused += 1 }
                }
            } catch let ClearanceError.invalid(failure) {
                refused += 1
                for issue in failure.issues { FileHandle.standardError.write(Data("\(path): \(issue.detail)\n".utf8)) }
            } catch {
                refused += 1
                FileHandle.standardError.write(Data("\(path): \(error)\n".utf8))
            }
        }
        bar.finish()
        await clearway.store.close()
        print("files: \(files.count), refused: \(refused), movements: \(events)")
        if refused > 0 { throw ExitCode(1) }
    }

    static func isXML(_ data: Data) -> Bool {
        data.prefix(64).drop { $0 == 0xEF || $0 == 0xBB || $0 == 0xBF || $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }.first == UInt8(ascii: "<")
    }

    static func isEDIFACT(_ data: Data) -> Bool {
        let head = data.prefix(16).drop { $0 == 0xEF || $0 == 0xBB || $0 == 0xBF || $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }
        let tag = String(decoding: head.prefix(3), as: UTF8.self)
        return tag == "UNA" || tag == "UNB"
    }
}
