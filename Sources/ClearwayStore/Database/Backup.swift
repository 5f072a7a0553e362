import Foundation
import Logging
import SQLKit

/// Backups of the whole database: an online SQLite copy (`VACUUM INTO`, a consistent snapshot while the server
/// runs) or a PostgreSQL custom-format dump (`pg_dump`), and their restore.
public enum Backup {
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case exists(String)
        case missing(String)
        case tool(String, status: Int32, output: String)

        public var description: String {
            switch self {
            case .exists(let path): "\(path) exists; choose another file or pass --force"
            case .missing(let path): "\(path) does not exist"
            case .tool(let name, let status, let output): "\(name) failed with status \(status): \(output)"
            }
        }
    }

    static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    static func sqlitePath(_ location: String) -> String {
        location.hasPrefix("sqlite://") ? String(location.dropFirst("sqlite://".count)) : location
    }

    /// Writes a backup of `location` to `file`, which must not exist yet.
    public static func save(_ location: String, to file: String, logger: Logger) async throws {
        guard !FileManager.default.fileExists(atPath: file) else { throw Failure.exists(file) }
        if isPostgres(location) {
            try run("pg_dump", ["--format=custom", "--no-owner", "--file", file, location])
            return
        }
        guard FileManager.default.fileExists(atPath: sqlitePath(location)) else { throw Failure.missing(sqlitePath(location)) }
        let store = try await SQLiteStore(path: sqlitePath(location), logger: logger)
        do {
            try await store.vacuum(into: file)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    /// Replaces the database at `location` with the backup in `file`. An existing SQLite file is only replaced with
    /// `force`; a PostgreSQL database is cleaned and loaded.
    public static func restore(from file: String, to location: String, force: Bool) throws {
        guard FileManager.default.fileExists(atPath: file) else { throw Failure.missing(file) }
        if isPostgres(location) {
            try run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", location, file])
            return
        }
        let target = sqlitePath(location)
        if FileManager.default.fileExists(atPath: target) && !force { throw Failure.exists(target) }
        // Copy beside the target, then rename over it, so a crash never leaves half a database.
        let temporary = target + ".restoring"
        try? FileManager.default.removeItem(atPath: temporary)
        try FileManager.default.copyItem(atPath: file, toPath: temporary)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: target + suffix) }
        if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
        try FileManager.default.moveItem(atPath: temporary, toPath: target)
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure.tool(tool, status: process.terminationStatus, output: text) }
    }
}
