import ClearwayApp
import ClearwayCore
@testable import ClearwayStore
import ClearwayTestSupport
import Foundation
import Logging
import SQLKit
import Synchronization
import Testing

@Suite("Event store")
struct EventStoreTests {
    struct Noted: DomainEvent, Equatable {
        var text: String
        var at: Date
        var by: Principal
        var name: String { "noted" }
        func encodePayload(with encoder: some JSONEncoding) throws -> Data { try encoder.encode(["text": text]) }
        init(text: String, at: Date) {
            self.text = text
            self.at = at
            by = .system
        }
        init(name: String, payload: Data, decoder: JSONDecoder) throws {
            text = try decoder.decode([String: String].self, from: payload)["text"] ?? ""
            at = Date(timeIntervalSince1970: 0)
            by = .system
        }
    }

    @Test("migrations apply once; running them again changes nothing", arguments: TestBackend.available)
    func migrationsOnce(backend: TestBackend) async throws {
        try await backend.withStore { store in
            #expect(try await Migrations.run(on: store).isEmpty)
            let count = try await store.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM schema_migrations").first()!.decode(column: "n", as: Int.self)
            }
            #expect(count == Migrations.count)
        }
    }

    /// PostgreSQL's reads share a bounded pool (a read nested in reads can wait for one of its own); SQLite's reader
    /// handles are opened as needed, so there a read never waits for another.
    @Test("reads nested in reads and in transactions, many at once, never wait on each other", .timeLimit(.minutes(5)),
          arguments: TestBackend.available)
    func nestedReads(backend: TestBackend) async throws {
        try await backend.withStore { store in
            func depth(_ level: Int) async throws -> Int {
                try await store.read { db in
                    let one = try await db.raw("SELECT 1 AS n").first()!.decode(column: "n", as: Int.self)
                    return level == 0 ? one : one + (try await depth(level - 1))
                }
            }
            let totals = try await withThrowingTaskGroup(of: Int.self) { group in
                // Eight chains eight reads deep: 64 connections if each read took its own, against a pool of 20.
                for _ in 0..<8 { group.addTask { try await depth(7) } }
                group.addTask { try await store.transaction { _ in try await depth(7) } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(totals == Array(repeating: 8, count: 9))
        }
    }

    @Test("of concurrent appends to one stream at the same version exactly one wins", arguments: TestBackend.available)
    func concurrentAppends(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        do {
                            _ = try await store.transaction { db in
                                try await EventStore.append(
                                    stream: "s-1", type: "test", expectedVersion: 0,
                                    events: [try NewEvent(Noted(text: "writer \(index)", at: Date()))], on: db)
                            }
                            return true
                        } catch StoreError.versionConflict {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            let events = try await store.read { db in try await EventStore.load(stream: "s-1", on: db) }
            #expect(events.map(\.version) == [1])
            let outbox = try await store.read { db in try await Outbox.pending(limit: 100, on: db) }
            #expect(outbox.count == 1)
            #expect(outbox.first?.topic == "test.noted")
        }
    }

    @Test("events appended together are queued in the outbox in the order they were stored, each on its topic; an append refused for its version queues nothing",
          arguments: TestBackend.available)
    func outboxFollowsTheLog(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let at = Date(timeIntervalSince1970: 1_700_000_000)
            let events = try ["first", "second", "third"].map { try NewEvent(Noted(text: $0, at: at)) }
            let stored = try await store.transaction { db in
                try await EventStore.append(stream: "o-1", type: "test", expectedVersion: 0, events: events, on: db)
            }
            await #expect(throws: StoreError.self) {
                try await store.transaction { db in
                    try await EventStore.append(stream: "o-1", type: "test", expectedVersion: 0, events: events, on: db)
                }
            }
            let outbox = try await store.read { db in try await Outbox.pending(limit: 100, on: db) }
            let positions = stored.map(\.position)
            #expect(positions.count == 3 && positions == positions.sorted() && Set(positions).count == 3)
            #expect(outbox.map(\.eventPosition) == positions)
            #expect(outbox.map(\.topic) == ["test.noted", "test.noted", "test.noted"])
            let versions = outbox.enumerated().map { index, message in message.payload.contains("\"version\":\(index + 1)") }
            #expect(versions == [true, true, true])
        }
    }

    /// A row written as "slow" whose transaction stays open while one written as "fast", on another writer lane, takes
    /// a larger id and commits; `since` reads the rows after a place, with the place of each. The reader must see
    /// "fast" first, then "slow" after the place of "fast".
    static func lateCommit(
        _ store: any Store, write: @escaping @Sendable (String, any SQLDatabase) async throws -> Void,
        since: (Int64) async throws -> [(place: Int64, name: String)]
    ) async throws {
        let written = Gate(), gate = Gate()
        let slow = Task {
            try await store.transaction { db in
                try await write("slow", db)
                written.open()
                while !gate.isOpen { try await Task.sleep(for: .milliseconds(5)) }
            }
        }
        while !written.isOpen { try await Task.sleep(for: .milliseconds(5)) }
        try await store.transaction { db in try await write("fast", db) }
        let first = try await since(0)
        #expect(first.map(\.name) == ["fast"], "only what is committed is read")
        gate.open()
        try await slow.value
        let next = try await since(first.last?.place ?? 0)
        #expect(next.map(\.name) == ["slow"], "committed after the reader passed a larger id, and still read")
    }

    @Test("an event whose transaction commits after a later-numbered one's still reaches a subscriber that read past that one: messages are read in the order they were placed, once committed",
          .enabled(if: TestBackend.postgresURL != nil, "needs CLEARWAY_TEST_POSTGRES (.ci/run sets it): SQLite commits one writer's groups in order"))
    func lateCommitDelivered() async throws {
        try await TestBackend.postgres.withStore { store in
            var subscriber = WebhookTables.Subscription(
                id: "everything", partyID: nil, ownerUser: "admin", url: "https://example.com/hook", secret: "s", topics: ["test.*"],
                position: 0, createdAt: Date())
            try await Self.lateCommit(store, write: { name, db in
                _ = try await EventStore.append(
                    stream: name, type: "test", expectedVersion: 0, events: [try NewEvent(Noted(text: name, at: Date()))], on: db)
            }, since: { position in
                try await store.transaction { db in try await Outbox.place(limit: 100, on: db) }
                subscriber.position = position
                return try await store.read { [subscriber] db in
                    try await WebhookTables.messages(for: subscriber, limit: 100, on: db).map { ($0.id, $0.streamID) }
                }
            })
        }
    }

    @Test("an EDI answer whose transaction commits after a later-numbered one's still reaches the mailbox reader that read past that one",
          .enabled(if: TestBackend.postgresURL != nil, "needs CLEARWAY_TEST_POSTGRES (.ci/run sets it): SQLite commits one writer's groups in order"))
    func lateEDIAnswerRead() async throws {
        try await TestBackend.postgres.withStore { store in
            try await Self.lateCommit(store, write: { name, db in
                try await EDIMailbox.post(party: "p-1", declaration: name, kind: "released", interchange: "UNA", at: Date(), on: db)
            }, since: { position in
                if try await store.read({ db in try await EDIMailbox.waiting(on: db) }) {
                    try await store.transaction { db in try await EDIMailbox.place(on: db) }
                }
                return try await store.read { db in
                    try await EDIMailbox.messages(party: "p-1", after: position, limit: 100, on: db).map { ($0.id, $0.declarationID) }
                }
            })
        }
    }

    @Test("messages queued before they were placed keep their id as their place: a subscription goes on where it was, and what comes next is placed after",
          arguments: TestBackend.available)
    func placesOfOldMessages(backend: TestBackend) async throws {
        try await backend.withDatabaseLocation { location in
            let store = try await openStore(location, logger: Logger(label: "test"))
            do {
                try await Migrations.run(on: store, before: "0029-outbox-published")
                let old = try await store.transaction { db in
                    try await EventStore.append(
                        stream: "old", type: "test", expectedVersion: 0,
                        events: try ["a", "b", "c"].map { try NewEvent(Noted(text: $0, at: Date())) }, on: db)
                }
                #expect(try await Migrations.run(on: store).first == "0029-outbox-published")
                var subscriber = WebhookTables.Subscription(
                    id: "everything", partyID: nil, ownerUser: "admin", url: "https://example.com/hook", secret: "s", topics: ["test.*"],
                    position: 1, createdAt: Date())
                let pending = try await store.read { db in try await WebhookTables.messages(for: subscriber, limit: 100, on: db) }
                #expect(pending.map(\.id) == [2, 3] && pending.allSatisfy { $0.streamID == "old" })
                #expect(old.count == 3)
                try await store.transaction { db in
                    _ = try await EventStore.append(
                        stream: "new", type: "test", expectedVersion: 0, events: [try NewEvent(Noted(text: "d", at: Date()))], on: db)
                    try await Outbox.place(limit: 100, on: db)
                }
                subscriber.position = 3
                let next = try await store.read { db in try await WebhookTables.messages(for: subscriber, limit: 100, on: db) }
                #expect(next.map(\.id) == [4] && next.first?.streamID == "new")
                #expect(try await store.read { db in try await WebhookTables.head(on: db) } == 4)
            } catch {
                await store.close()
                throw error
            }
            await store.close()
        }
    }

    struct Refused: Error {}

    /// Closed until the test opens it; work that waits on it holds its writer meanwhile.
    final class Gate: Sendable {
        private let opened = Mutex(false)
        var isOpen: Bool { opened.withLock { $0 } }
        func open() { opened.withLock { $0 = true } }
    }

    @Test("of 60 transactions at once, the ones that fail roll back alone; every other is stored and answered", arguments: TestBackend.available)
    func groupCommit(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let before = store.writerStatistics
            let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for index in 0..<60 {
                    group.addTask {
                        do {
                            let answered = try await store.transaction { db in
                                _ = try await EventStore.append(
                                    stream: "g-\(index)", type: "test", expectedVersion: 0,
                                    events: [try NewEvent(Noted(text: "member \(index)", at: Date()))], on: db)
                                // Refused after writing: what it wrote must not survive the group's commit.
                                if index % 7 == 0 { throw Refused() }
                                return index
                            }
                            return (answered, true)
                        } catch is Refused {
                            return (index, false)
                        }
                    }
                }
                return try await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
            }
            let committed = Set(outcomes.filter(\.value).keys)
            #expect(committed == Set((0..<60).filter { $0 % 7 != 0 }))
            let stored = try await store.read { db in
                try await db.raw("SELECT stream_id FROM events WHERE stream_id LIKE 'g-%'").all()
                    .map { try $0.decode(column: "stream_id", as: String.self) }
            }
            #expect(Set(stored) == Set(committed.map { "g-\($0)" }))
            #expect(stored.count == committed.count)
            // The writer counts every member it ran, refused or not, and fewer commits than members when they queued;
            // one more transaction, answered only after those groups were timed, makes the reading complete.
            try await store.transaction { _ in }
            let writer = store.writerStatistics.since(before)
            #expect(writer.transactions == 61)
            #expect((2...61).contains(writer.groups) && writer.busy > .zero)
            // SQLite's writer never leaves its thread mid-group, so that thread's clock gives its CPU time, within its
            // busy time; a PostgreSQL writer waits on the server, and has no such figure.
            if store is SQLiteStore {
                let cpu = try #require(writer.cpu)
                #expect(cpu > .zero && cpu <= writer.busy)
            } else {
                #expect(writer.cpu == nil)
            }
            #expect(writer.summary(over: .seconds(1)).hasPrefix("writer: busy "))
        }
    }

    @Test("a transaction alone in its group, refused after writing, leaves nothing: the next one commits only its own writes", arguments: TestBackend.available)
    func loneMemberRefused(backend: TestBackend) async throws {
        try await backend.withStore { store in
            for round in 0..<3 {
                await #expect(throws: Refused.self) {
                    try await store.transaction { db in
                        _ = try await EventStore.append(
                            stream: "lone-\(round)", type: "test", expectedVersion: 0,
                            events: [try NewEvent(Noted(text: "refused", at: Date()))], on: db)
                        throw Refused()
                    }
                }
                try await store.transaction { db in
                    _ = try await EventStore.append(
                        stream: "kept-\(round)", type: "test", expectedVersion: 0,
                        events: [try NewEvent(Noted(text: "kept", at: Date()))], on: db)
                }
            }
            let stored = try await store.read { db in
                try await db.raw("SELECT stream_id FROM events WHERE stream_id LIKE 'lone-%' OR stream_id LIKE 'kept-%'").all()
                    .map { try $0.decode(column: "stream_id", as: String.self) }
            }
            #expect(Set(stored) == ["kept-0", "kept-1", "kept-2"])
        }
    }

    @Test("transactions that contend for one hot row are all run by one writer, and every increment of it counts",
          arguments: TestBackend.available)
    func contendingShareAWriter(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let lanes = { (store as? PostgresStore)?.laneStatistics ?? [store.writerStatistics] }
            let before = lanes()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<30 {
                    group.addTask { try await store.transaction(contending: "office-2248") { db in _ = try await Counters.next("office-2248", on: db) } }
                }
                // Others at the same time, naming nothing, go wherever there is room.
                for index in 0..<10 {
                    group.addTask { try await store.transaction { db in _ = try await Counters.next("other-\(index)", on: db) } }
                }
                try await group.waitForAll()
            }
            // Answered only after the groups before it were counted, on every lane it may land on.
            try await store.transaction(contending: "office-2248") { _ in }
            let moved = zip(lanes(), before).map { $0.since($1).transactions }
            let value = try await store.read { db in try await Counters.current("office-2248", on: db) }
            #expect(value == 30)
            #expect(moved.reduce(0, +) == 41)
            if moved.count > 1 {
                // The lane that ran the 31 contending ones ran them all; the 10 others were dealt in turn.
                #expect(moved.contains { $0 >= 31 } && moved.filter { $0 > 0 }.count > 1)
            }
        }
    }

    /// PostgreSQL only: SQLite has one write lock for the whole file, so two of its writers never hold rows apart.
    @Test("two nodes whose one writer lane each takes the counters of two offices never deadlock: a group holds one office's counter",
          arguments: TestBackend.available.filter { $0 == .postgres })
    func oneHotRowAGroup(backend: TestBackend) async throws {
        let values = try await Self.withTwoNodes(backend) { nodes in
            let offices = ["office-2248", "office-3104"]
            let gate = Gate()
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Each node's writer is kept busy until the rest is queued, so the rest queues in the order given.
                for node in nodes {
                    group.addTask {
                        try await node.transaction { _ in while !gate.isOpen { try await Task.sleep(for: .milliseconds(5)) } }
                    }
                }
                try await Task.sleep(for: .milliseconds(100))
                // The first node is asked for 2248, 3104, 2248…, the second for 3104, 2248, 3104…: groups that took
                // both would lock them in opposite orders, each holding its first while it waits for the other.
                for index in 0..<12 {
                    for (number, node) in nodes.enumerated() {
                        let office = offices[(index + number) % 2]
                        group.addTask {
                            try await node.transaction(contending: office) { db in
                                _ = try await Counters.next(office, on: db)
                                try await db.raw("SELECT pg_sleep(0.02)").run()
                            }
                        }
                    }
                    try await Task.sleep(for: .milliseconds(5))
                }
                gate.open()
                try await group.waitForAll()
            }
            var values: [String: Int] = [:]
            for office in offices { values[office] = try await nodes[0].read { db in try await Counters.current(office, on: db) } }
            return values
        }
        #expect(values == ["office-2248": 12, "office-3104": 12])
    }

    /// PostgreSQL only: SQLite's one write lock for the whole file leaves nothing to lock in two orders.
    @Test("work the database picks as a deadlock's victim runs again and commits; its caller never sees the deadlock",
          arguments: TestBackend.available.filter { $0 == .postgres })
    func deadlockVictimRunsAgain(backend: TestBackend) async throws {
        let values = try await Self.withTwoNodes(backend) { nodes in
            // Each takes one row, waits long enough for the other to take the other, then wants the other's.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (node, rows) in zip(nodes, [["row-x", "row-y"], ["row-y", "row-x"]]) {
                    group.addTask {
                        try await node.transaction { db in
                            _ = try await Counters.next(rows[0], on: db)
                            try await db.raw("SELECT pg_sleep(0.3)").run()
                            _ = try await Counters.next(rows[1], on: db)
                        }
                    }
                }
                try await group.waitForAll()
            }
            var values: [Int] = []
            for row in ["row-x", "row-y"] { values.append(try await nodes[0].read { db in try await Counters.current(row, on: db) }) }
            return values
        }
        #expect(values == [2, 2])
    }

    /// Two PostgreSQL nodes on one fresh, migrated database, each with one writer lane, so that all of a node's work
    /// queues for one writer; closed after `body`, whatever it threw.
    static func withTwoNodes<T: Sendable>(_ backend: TestBackend, _ body: ([PostgresStore]) async throws -> T) async throws -> T {
        try await backend.withDatabaseLocation { location in
            let logger = Logger(label: "test")
            let nodes = [try await PostgresStore(url: location, writerLanes: 1, logger: logger),
                         try await PostgresStore(url: location, writerLanes: 1, logger: logger)]
            let outcome: Result<T, any Error>
            do {
                try await Migrations.run(on: nodes[0])
                outcome = .success(try await body(nodes))
            } catch {
                outcome = .failure(error)
            }
            for node in nodes { await node.close() }
            return try outcome.get()
        }
    }

    @Test("a transaction begun inside another is refused at once rather than waiting for ever", arguments: TestBackend.available)
    func nestedTransaction(backend: TestBackend) async throws {
        try await backend.withStore { store in
            await #expect(throws: StoreError.nestedTransaction) {
                try await store.transaction { _ in try await store.transaction { _ in 1 } }
            }
        }
    }

    @Test("a closed store refuses a transaction and writes nothing")
    func closedStore() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-closed-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try await SQLiteStore(path: path, logger: Logger(label: "test"))
        try await Migrations.run(on: store)
        await store.close()
        await #expect(throws: StoreError.closed) {
            try await store.transaction { db in try await db.raw("DELETE FROM counters").run() }
        }
    }

    @Test("an append at a stale version is a conflict and writes nothing", arguments: TestBackend.available)
    func staleVersion(backend: TestBackend) async throws {
        try await backend.withStore { store in
            for version in 0..<3 {
                _ = try await store.transaction { db in
                    try await EventStore.append(
                        stream: "s", type: "test", expectedVersion: version,
                        events: [try NewEvent(Noted(text: "\(version)", at: Date()))], on: db)
                }
            }
            await #expect(throws: StoreError.versionConflict(stream: "s", expected: 1, actual: 3)) {
                try await store.transaction { db in
                    try await EventStore.append(
                        stream: "s", type: "test", expectedVersion: 1,
                        events: [try NewEvent(Noted(text: "late", at: Date()))], on: db)
                }
            }
            let events = try await store.read { db in try await EventStore.load(stream: "s", on: db) }
            #expect(events.count == 3)
            #expect(try events.map { try $0.decode(as: Noted.self).text } == ["0", "1", "2"])
            #expect(events[1].previousHash == events[0].hash)
        }
    }
}

extension EventStoreTests {
    @Test("events appended through one node wake a follower on another (LISTEN/NOTIFY on PostgreSQL, the commit itself on SQLite)",
          arguments: TestBackend.available)
    func followersWoken(backend: TestBackend) async throws {
        try await backend.withDatabaseLocation { location in
            let logger = Logger(label: "test")
            let writer = try await openStore(location, logger: logger)
            try await Migrations.run(on: writer)
            // On SQLite one node is one file's writer; the follower is that store itself.
            let follower = backend == .postgres ? try await openStore(location, logger: logger) : writer
            let seen = follower.changes.generation
            let woken = Task { await follower.changes.wait(after: seen, timeout: .seconds(30)) }
            try await Task.sleep(for: .milliseconds(300))
            _ = try await writer.transaction { db in
                try await EventStore.append(stream: "s-1", type: "test", expectedVersion: 0,
                                            events: [try NewEvent(Noted(text: "hello", at: Date()))], on: db)
            }
            let generation = await woken.value
            #expect(generation > seen, "the follower was woken by the change, not by its 30 s timeout")
            if backend == .postgres { await follower.close() }
            await writer.close()
        }
    }
}
