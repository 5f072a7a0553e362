import ArgumentParser
import ClearwayApp
import ClearwayCore
import ClearwayInterop
import Foundation

/// `clearway edifact FILE`: lay an interchange's messages on their segment tables and print them as named JSON.
struct EDIFACTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edifact",
        abstract: "Read a UN/EDIFACT interchange against the message structures in Data/edifact; print each message as named JSON and every departure; exit 1 when there is one.",
        discussion: """
            The envelope is checked (UNB/UNG/UNH counts and references), each message is laid out on the segment table \
            of its type and release (CUSDEC and CUSRES D.96B, DESADV D.96A, PAXLST, ORDERS and INVOIC D.03B, RECADV \
            D.01B) and, where the directory's segments are given, its data elements are checked. The JSON follows \
            php-edifact's layout. Problems go to standard error by segment and element.
            """)

    @Argument(help: "The interchange file.")
    var file: String

    @OptionGroup var reference: DataOption

    @Flag(help: "Print only the departures, not the JSON.")
    var quiet = false

    func run() async throws {
        let bytes: Data
        do { bytes = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        let directory: EDIFACTDirectory
        do { directory = try EDIFACTDirectory(folder: reference.directory.appendingPathComponent("edifact")) } catch {
            throw ValidationError("cannot read the EDIFACT directory: \(error)")
        }
        let interchange = EDIFACTInterchange.read(bytes)
        var failures = interchange.failures
        var messages: [JSONValue] = []
        for message in interchange.messages {
            guard let structure = directory.structure(of: message) else {
                failures.append(directory.unreadRelease(message))
                continue
            }
            let structured = EDIFACTStructuredMessage(message, structure: structure, directory: directory)
            failures += structured.failures
            messages.append(structured.namedJSON(directory))
        }
        if !quiet { print(JSONValue.array(messages).pretty()) }
        for failure in failures { FileHandle.standardError.write(Data("\(file): \(failure)\n".utf8)) }
        if !failures.isEmpty { throw ExitCode(1) }
    }
}
