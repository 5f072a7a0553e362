import ArgumentParser
import ClearwayApp
import ClearwayCore
import ClearwayInterop
import ClearwayStore
import Foundation

/// `clearway verify FILE`: check a certificate offline; exit 0 only when it is valid.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify a W3C Verifiable Credential or an OpenAttestation document; exit 0 only when valid.",
        discussion: """
            W3C credentials: the issuers trusted are those of the database given with --database (or \
            CLEARWAY_DATABASE, when that file exists) and any named with --trust. OpenAttestation (TradeTrust) \
            documents: offline integrity (target hash and Merkle proof). Exit codes: 0 valid, 1 not valid.
            """)

    @Argument(help: "The credential file (JSON).")
    var file: String

    @OptionGroup var options: DatabaseOptions

    @Option(name: .long, help: "Also trust this issuer DID (repeatable).")
    var trust: [String] = []

    func run() async throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        if let document = try? JSONValue.parse(data), document["proof"]?["cryptosuite"] == nil,
            OpenAttestation.recognises(document)
        {
            let verdict = Clearway.openAttestationVerdict(document)
            for check in verdict.checks { print("\(check.passed ? "✔" : "✘") \(check.name): \(check.detail)") }
            print("\(file): \(verdict.status.rawValue)")
            if verdict.status != .valid { throw ExitCode(1) }
            return
        }
        var trusted = Set(trust)
        var revoked = false
        let location = options.location
        if options.database != nil || FileManager.default.fileExists(atPath: location) || location.hasPrefix("postgres") {
            let store = try await openStore(location, logger: options.logger())
            let clearway = Clearway(store: store, logger: options.logger())
            do {
                let verdict = try await clearway.verifyCredential(data)
                revoked = verdict.status == .revoked
                trusted.formUnion(try await store.read { db in try await CredentialTables.trustedIssuers(on: db) })
            } catch {
                await store.close()
                throw error
            }
            await store.close()
        }
        let verdict: Credentials.Verdict
        switch Result(catching: { try JSONValue.parse(data) }) {
        case .success(let document): verdict = Credentials.verdict(document, trustedIssuers: trusted, revoked: revoked)
        case .failure(let error):
            verdict = .init(status: .malformed, checks: [.init(name: "json", passed: false, detail: "\(error)")], issuer: nil, credentialID: nil)
        }
        for check in verdict.checks { print("\(check.passed ? "✔" : "✘") \(check.name): \(check.detail)") }
        print("\(file): \(verdict.status.rawValue)")
        if verdict.status != .valid { throw ExitCode(1) }
    }
}
