import ArgumentParser

/// `clearway`: run the platform and operate its database.
@main
struct ClearwayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clearway",
        abstract: "Clearway, a cross-border trade clearance platform.",
        subcommands: [Serve.self, Migrate.self, Demo.self, Audit.self, Report.self, Verify.self, Risk.self, Bench.self, Import.self, Simulate.self, BankSimulatorCommand.self,
                      BackupCommand.self, RestoreCommand.self, EDIFACTCommand.self])

}
