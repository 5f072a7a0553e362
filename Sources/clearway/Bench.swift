import ArgumentParser
import ClearwayCore
import Crypto
import Foundation

/// `clearway bench …`: measurements that print their ratio to a floor measured in the same run.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks that compare against a floor measured on this machine in the same run.",
        subcommands: [Verify.self, Assign.self, Diversion.self, ECommerce.self, Simulator.self, Intake.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Credential verifications per second against swift-crypto's raw Ed25519 verify rate.")

        @Option(help: "Seconds to measure each side.")
        var seconds: Double = 3

        func validate() throws {
            guard seconds > 0, seconds <= 600 else { throw ValidationError("--seconds is between 0 and 600") }
        }

        func run() async throws {
            let key = Curve25519.Signing.PrivateKey()
            let issuer = DIDKey(publicKey: key.publicKey).did
            let unsigned: JSONValue = .object([
                ("@context", .array([.string("https://www.w3.org/ns/credentials/v2")])),
                ("id", .string("urn:uuid:5f1c9a8e-2d7b-4c55-9a1e-0b6f3e2d9c11")),
                ("type", .array([.string("VerifiableCredential"), .string("CustomsReleaseCredential")])),
                ("name", .string("Customs release note 海关放行通知")),
                ("issuer", .object([("id", .string(issuer)), ("name", .string("洋山海关 Yangshan"))])),
                ("validFrom", .string("2026-05-28T08:00:00Z")),
                ("credentialSubject", .object([
                    ("customsNumber", .string("224820261000000007")), ("direction", .string("import")),
                    ("declarant", .string("913100007178848X2R")), ("tradingParty", .string("913100007178848X2R")),
                    ("declarationOffice", .string("2248")), ("releasedAt", .string("2026-05-28T09:30:00Z")),
                    ("containers", .array([.string("CSQU3054383")])), ("goodsItems", .number(1)),
                ])),
            ])
            let document = JCS.canonicalize(try DataIntegrity.sign(unsigned, key: key, created: Date()))
            let trusted: Set<String> = [issuer]

            // The floor: the Ed25519 check alone, over the 64 bytes eddsa-jcs-2022 signs.
            let message = Data((0..<64).map { UInt8($0) })
            let signature = try key.signature(for: message)
            let publicKey = key.publicKey
            let raw = measure(seconds) { publicKey.isValidSignature(signature, for: message) }
            // The whole verification from the bytes a verifier receives: parse, JCS, two SHA-256, Ed25519, issuer and
            // status checks (status bits in memory, as a verifier holding the current lists has them).
            let full = measure(seconds) {
                guard let parsed = try? JSONValue.parse(document) else { return false }
                return Credentials.verdict(parsed, trustedIssuers: trusted, revoked: false).status == .valid
            }
            print(String(format: "ed25519 verify (floor): %.0f/s", raw))
            print(String(format: "credential verify: %.0f/s", full))
            print(String(format: "ratio: %.2f", full / raw))
        }

        /// Calls `body` for about `seconds` and returns calls per second; a false result aborts, as a broken check would.
        func measure(_ seconds: Double, _ body: () -> Bool) -> Double {
            for _ in 0..<200 { precondition(body(), "the benchmarked verification failed") }
            let clock = ContinuousClock()
            let start = clock.now
            let budget = Duration.milliseconds(Int64(seconds * 1000))
            var count = 0
            while clock.now - start < budget {
                for _ in 0..<100 { precondition(body(), "the benchmarked verification failed") }
                count += 100
            }
            let elapsed = clock.now - start
            return Double(count) / elapsed.seconds
        }
    }
}

/// The CPU time this process has used so far (user and system, all threads), to tell a CPU-bound run from one that waits.
enum ProcessCPU {
    static func used() -> Duration {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return .seconds(Int64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec))
            + .microseconds(Int64(usage.ru_utime.tv_usec) + Int64(usage.ru_stime.tv_usec))
    }

    /// "cpu: 1.93 of 2 cores, 905 µs a message": how much of the machine a load took, and per unit of work.
    static func summary(_ cpu: Duration, over wall: Duration, units: Int, unit: String) -> String {
        String(format: "cpu: this process %.2f of %d cores, %.0f µs a %@", cpu.seconds / wall.seconds,
               ProcessInfo.processInfo.activeProcessorCount, cpu.seconds * 1e6 / Double(max(units, 1)), unit)
    }
}
