import ClearwayApp
import ClearwayCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// A small local bank that takes tax-bill payment orders the way a bank's gateway does: it checks the platform's
/// signature, answers 202 with its payment id, moves the money, then calls back — signed with the shared secret —
/// and keeps calling back until the platform answers 2xx, as banks do. `serve --demo` and the tests run it; a real
/// bank replaces it by `--bank-gateway`.
public enum BankSimulator {
    public struct Settings: Sendable {
        public var secret: String
        public var bank: String
        /// Seconds between accepting an order and the first callback.
        public var settleAfter: Double
        /// Payers (guarantor codes) whose payments the bank refuses, for failure paths.
        public var refuse: Set<String>
        /// Each callback is sent this many times in all, to prove the platform takes repeats without harm.
        public var repeats: Int
        /// The bank's clock, which its signatures' timestamps come from.
        public var now: @Sendable () -> Date
        public init(secret: String, bank: String = "Bank of Shanghai (simulated)", settleAfter: Double = 0.2, refuse: Set<String> = [],
                    repeats: Int = 2, now: @escaping @Sendable () -> Date = { Date() }) {
            self.now = now
            self.secret = secret
            self.bank = bank
            self.settleAfter = settleAfter
            self.refuse = refuse
            self.repeats = repeats
        }
    }

    /// Orders taken, for tests and the simulator's own `GET /payments`.
    public final class Ledger: Sendable {
        let orders = Mutex<[(payment: String, order: BankPaymentOrder)]>([])
        public init() {}
        public var count: Int { orders.withLock { $0.count } }
    }

    public static func router(_ settings: Settings, ledger: Ledger = Ledger(), logger: Logger) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.post("/payments") { request, context -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let body = Data(buffer.readableBytesView)
            guard let signature = request.headers[HTTPField.Name("Clearway-Signature")!],
                  Webhook.verify(header: signature, secret: settings.secret, body: body, now: settings.now())
            else { return Response(status: .unauthorized) }
            guard let order = try? JSONDecoder().decode(BankPaymentOrder.self, from: body), order.amountFen > 0,
                  let callback = URL(string: order.callback)
            else { return Response(status: .badRequest) }
            let payment = "BOS-" + UUID().uuidString.prefix(13).uppercased()
            ledger.orders.withLock { $0.append((payment, order)) }
            let refused = settings.refuse.contains(order.payer)
            let answer = BankCallback(payment: payment, reference: order.reference, amountFen: order.amountFen,
                                      status: refused ? "failed" : "paid", reason: refused ? "insufficient funds" : nil)
            Task {
                try? await Task.sleep(for: .seconds(settings.settleAfter))
                var delivered = 0, attempt = 0
                while delivered < settings.repeats && attempt < 30 {
                    attempt += 1
                    let body = try JSONEncoder().encode(answer)
                    let signature = Webhook.signature(secret: settings.secret, timestamp: Int(settings.now().timeIntervalSince1970), body: body)
                    let status = (try? await BankGateway.post(callback, signature: signature, body: body, header: "Bank-Signature").0) ?? 0
                    if (200..<300).contains(status) { delivered += 1 } else {
                        logger.info("bank callback not taken, retrying", metadata: ["status": "\(status)", "payment": "\(payment)"])
                        try? await Task.sleep(for: .seconds(min(5, 0.2 * Double(attempt))))
                    }
                }
            }
            let accepted = try JSONEncoder().encode(BankPaymentAccepted(bank: settings.bank, payment: payment))
            return Response(status: .accepted, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: accepted)))
        }
        return router
    }

    /// The simulator as an application on `host:port` (0 picks a free port, reported to `onRunning`).
    public static func application(_ settings: Settings, host: String = "127.0.0.1", port: Int, ledger: Ledger = Ledger(), logger: Logger,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: router(settings, ledger: ledger, logger: logger),
                    configuration: .init(address: .hostname(host, port: port), serverName: "BankSimulator"),
                    onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }
}
