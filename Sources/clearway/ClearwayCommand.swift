import ArgumentParser
import Foundation

/// `clearway`: run the platform and operate its database.
@main
struct ClearwayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clearway",
        abstract: "Clearway, a cross-border trade clearance platform.",
        subcommands: [Serve.self, Migrate.self, Demo.self, Audit.self])

    static func main() async {
        // Line-buffered stdout so the URL and logins appear at once even when piped to a file.
        setvbuf(stdout, nil, _IOLBF, 0)
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
