import ClearwayApp
import ClearwayCore
import ClearwayStore
import ClearwayTestSupport
import SQLKit
import Testing

@Suite("Access policy")
struct PolicyTests {
    @Test("a trader lodges only as itself; a terminal operator never lodges", arguments: TestBackend.available.prefix(1))
    func lodging(backend: TestBackend) async throws {
        try await backend.withClearway { clearway in
            let policy = try await clearway.policy()
            let trader = try await Demo.principal("trader", in: clearway)
            let terminal = try await Demo.principal("terminal", in: clearway)
            #expect(policy.allows(trader, .lodgeDeclaration(declarantPartyID: "p-east-ocean")))
            #expect(!policy.allows(trader, .lodgeDeclaration(declarantPartyID: "p-harbour-brokers")))
            #expect(!policy.allows(terminal, .lodgeDeclaration(declarantPartyID: "p-yangshan-terminal")))
            await #expect(throws: ClearanceError.self) { try await clearway.lodge(Demo.importForm(), by: terminal) }
        }
    }

    @Test("passwords are checked with bcrypt and revoked tokens stop working", arguments: TestBackend.available)
    func tokens(backend: TestBackend) async throws {
        try await backend.withClearway { clearway in
            await #expect(throws: ClearanceError.self) { try await clearway.login(username: "trader", password: "wrong-one") }
            await #expect(throws: ClearanceError.self) { try await clearway.login(username: "nobody", password: "x") }
            let session = try await clearway.login(username: "trader", password: "clearway-demo")
            #expect(try await clearway.authenticate(token: session.secret)?.principal.username == "trader")
            let stored = try await clearway.tokens(by: session.principal)
            #expect(stored.contains { $0.id == session.id })
            let broker = try await Demo.principal("broker", in: clearway)
            await #expect(throws: ClearanceError.notFound(kind: "token", id: session.id)) {
                try await clearway.revokeToken(session.id, by: broker)
            }
            try await clearway.revokeToken(session.id, by: session.principal)
            #expect(try await clearway.authenticate(token: session.secret) == nil)
            let hashes = try await clearway.store.read { db in
                try await db.raw("SELECT token_hash FROM tokens").all().map { try $0.decode(column: "token_hash", as: String.self) }
            }
            #expect(!hashes.contains(session.secret))
        }
    }
}
