import Foundation

/// Where the reference data files that ship with Clearway (`Data/` in the repository) are found.
public enum DataDirectory {
    /// The explicit path if given, else `./Data` when it exists, else the `Data/` of the source tree this was built from.
    public static func locate(_ explicit: String? = nil) -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        let local = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Data")
        if FileManager.default.fileExists(atPath: local.appendingPathComponent("reference").path) { return local }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Data")
    }
}

/// A reference data file that could not be loaded, with the file and line.
public struct ReferenceDataError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var reason: String
    public var description: String { "\(file):\(line): \(reason)" }
}
