import ClearwayStore
import Foundation
import Logging
import SQLKit
import Testing

@Suite("SQLite file")
struct SQLiteFileTests {
    /// The size of a file, 0 when it does not exist.
    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Commits `rows` rows of about 2 KB each, one transaction each.
    static func write(_ rows: Range<Int>, to store: SQLiteStore) async throws {
        let filler = String(repeating: "x", count: 2_000)
        for row in rows {
            try await store.transaction { db in
                try await db.raw("INSERT INTO filler (id, text) VALUES (\(bind: row), \(bind: filler))").run()
            }
        }
    }

    /// Waits up to 10 s for the database file to reach `bytes`, giving the checkpointer its turns.
    static func waitForFile(_ path: String, toReach bytes: Int) async throws -> Int {
        for _ in 0..<100 where size(path) < bytes { try await Task.sleep(for: .milliseconds(100)) }
        return size(path)
    }

    @Test("bound values are stored as SQLite's own types and read back as bound: text, integer, real, blob, null")
    func boundValues() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-binds-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try await SQLiteStore(path: path, logger: Logger(label: "test"))
        let absent: String? = nil, present: String? = "有", count: Int? = 7
        let stored = try await store.transaction { db in
            try await db.raw("CREATE TABLE t (a, b, c, d, e, f, g, h, i)").run()
            try await db.raw("""
                INSERT INTO t VALUES (\(bind: "text ✓"), \(bind: Int.max), \(bind: Int64.min), \(bind: absent), \(bind: present),
                    \(bind: count), \(bind: 2.5), \(bind: true), \(bind: Data([0, 1, 2])))
                """).run()
            return try await db.raw("""
                SELECT a, b, c, d, e, f, typeof(a) || typeof(b) || typeof(c) || typeof(d) || typeof(e) || typeof(f) || typeof(g)
                    || typeof(h) || typeof(i) AS types FROM t
                """).first()!
        }
        await store.close()
        let types = try stored.decode(column: "types", as: String.self)
        #expect(types == "textintegerintegernulltextintegerrealintegerblob")
        #expect(try stored.decode(column: "a", as: String.self) == "text ✓")
        #expect(try stored.decode(column: "b", as: Int.self) == Int.max)
        #expect(try stored.decode(column: "c", as: Int64.self) == Int64.min)
        #expect(try stored.decodeNil(column: "d"))
        #expect(try stored.decode(column: "e", as: String?.self) == "有")
        #expect(try stored.decode(column: "f", as: Int?.self) == 7)
        #expect(try stored.decode(column: "b", as: String.self) == "\(Int.max)", "an integer read as text, as SQLiteNIO gives it")
    }

    @Test("committed pages reach the database file while the store is open")
    func checkpointsCopyPages() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-wal-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try await SQLiteStore(path: path, logger: Logger(label: "test"))
        try await store.transaction { db in try await db.raw("CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT NOT NULL)").run() }
        try await Self.write(0..<300, to: store)
        let checkpointed = try await Self.waitForFile(path, toReach: 300 * 2_000)
        await store.close()
        #expect(checkpointed >= 300 * 2_000, "the rows were never copied from the write-ahead log into the database file")
    }

    @Test("under writes that never pause, with readers beside them, the write-ahead log is emptied and cut back to its limit")
    func logStaysBounded() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-wal-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try await SQLiteStore(path: path, logLimit: 256, logger: Logger(label: "test"))
        try await store.transaction { db in try await db.raw("CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT NOT NULL)").run() }
        let rows = 6_000
        var largest = 0
        try await withThrowingTaskGroup(of: Void.self) { readers in
            for _ in 0..<2 {
                readers.addTask {
                    while !Task.isCancelled {
                        _ = try await store.read { db in try await db.raw("SELECT COUNT(*) AS n FROM filler").first() }
                        // An SQLite read runs on the task's own thread without suspending; the writer needs a turn.
                        await Task.yield()
                    }
                }
            }
            for start in stride(from: 0, to: rows, by: 100) {
                try await Self.write(start..<start + 100, to: store)
                largest = max(largest, Self.size(path + "-wal"))
            }
            readers.cancelAll()
        }
        let written = try await store.read { db in try await db.raw("SELECT COUNT(*) AS n FROM filler").first()!.decode(column: "n", as: Int.self) }
        // A checkpoint begun after the writes stopped finds the whole log copied.
        let turn = store.lastCheckpoint.turn
        for _ in 0..<50 where store.lastCheckpoint.turn < turn + 2 { try await Task.sleep(for: .milliseconds(100)) }
        let last = store.lastCheckpoint
        // The next commit writes from the start of the log and cuts the file back to the limit.
        try await Self.write(rows..<rows + 100, to: store)
        let settled = Self.size(path + "-wal")
        await store.close()
        #expect(written == rows)
        // 12 MB went through the log; between two checkpoints it grows by what is written in a quarter second, but
        // it never holds everything.
        #expect(largest < rows * 2_000, "the write-ahead log reached \(largest) bytes")
        #expect(last.restarts > 0 && last.longest >= 256, "no checkpoint emptied the log")
        #expect(last.copied == last.frames)
        #expect(settled <= 256 * SQLiteCheckpoint.frameBytes, "the write-ahead log was left at \(settled) bytes")
    }
}
