import ArgumentParser
import ClearwayApp
import Foundation

/// The option every command that reads reference data shares: where the `Data` folder is.
struct DataOption: ParsableArguments {
    @Option(name: .long, help: "Folder of reference data files (env CLEARWAY_DATA; default ./Data or the source tree's).")
    var data: String?

    var directory: URL { DataDirectory.locate(data ?? ProcessInfo.processInfo.environment["CLEARWAY_DATA"]) }
}
