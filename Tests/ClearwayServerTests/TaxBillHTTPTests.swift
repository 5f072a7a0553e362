import ClearwayApp
import ClearwayCore
import ClearwayInterop
import ClearwayServer
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import Synchronization
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A free TCP port on loopback, for a live server whose address must be known before it starts.
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

@Suite("Tax bills paid through the bank")
struct TaxBillHTTPTests {
    @Test("a half-month's parcels are billed after the return window, paid through the bank, closed; the callback sent again changes nothing",
          arguments: TestBackend.available)
    func billPaidThroughBank(backend: TestBackend) async throws {
        let clock = TestClock()
        let port = try freeLoopbackPort()
        let bankURL = Mutex<URL?>(nil)
        try await backend.withClearway(clock: clock, configure: {
            $0.publicURL = "http://127.0.0.1:\(port)"
            $0.bankGateway = { bankURL.withLock { $0 } }
        }) { clearway in
            let logger = Logger(label: "test")
            let app = try buildApplication(clearway: clearway, settings: ServerSettings(port: port), logger: logger)
            let bank = BankSimulator.application(.init(secret: "demo-bank-secret", settleAfter: 0.05, repeats: 2, now: { clock.now }),
                                                 port: 0, logger: logger) { bankPort in
                bankURL.withLock { $0 = URL(string: "http://127.0.0.1:\(bankPort)") }
            }
            let group = ServiceGroup(configuration: .init(services: [app, bank], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                while bankURL.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(20)) }

                let rules = try await clearway.crossBorderRules()
                let generator = CEBGenerator(seed: 31, buyers: 50)
                let senders = ["platform", "payment", "logistics", "broker"]
                var released: [Parcel.State] = []
                let admin = try await Demo.principal("admin", in: clearway)
                for index in 0..<4 {
                    let messages = generator.parcel(index, rules: rules, at: clock.now)
                    for (data, user) in zip(messages.all, senders) {
                        _ = try await clearway.receiveCEB(data, by: try await Demo.principal(user, in: clearway))
                    }
                    let parcel = try await clearway.parcel(Parcel.id(ebpCode: generator.ebpCode, orderNo: messages.orderNo), by: admin).state
                    if parcel.status == .released { released.append(parcel) }
                }
                let frozen = released.reduce(Int64(0)) { $0 + $1.assessment!.totalFen }
                let guarantee = try await clearway.taxGuarantees(by: admin).first { $0.assureCode == generator.ebpCode }
                #expect(guarantee?.frozenFen == frozen && frozen > 0)

                #expect(try await clearway.issueTaxBills().isEmpty, "no bill while goods may still come back")
                clock.advance(40 * 86_400)
                let bills = try await clearway.issueTaxBills()
                try #require(bills.count == 1)
                let bill = bills[0]
                #expect(bill.items.count == released.count && bill.totalFen == frozen)

                let pay = try await sendLive(port, "POST", "/api/v1/tax-bills/\(bill.id)/payment", token: "demo-token-platform")
                #expect(pay.status == 202, "\(pay.body)")
                var settled = try await clearway.taxBill(bill.id, by: admin)
                for _ in 0..<200 where settled.status != .paid {
                    try await Task.sleep(for: .milliseconds(25))
                    settled = try await clearway.taxBill(bill.id, by: admin)
                }
                #expect(settled.status == .paid)
                for parcel in released {
                    let closed = try await clearway.parcel(parcel.id, by: admin).state
                    #expect(closed.status == .closed && closed.taxBill == bill.id)
                }
                let freed = try await clearway.taxGuarantees(by: admin).first { $0.assureCode == generator.ebpCode }
                #expect(freed?.frozenFen == 0)

                // The bank sends its callback again (it did, twice): the bill and its events stay as they are.
                let events = try await clearway.store.read { db in try await EventStore.load(stream: bill.id, on: db).count }
                let callback = try JSONEncoder().encode(BankCallback(payment: settled.bankPayment!, reference: bill.id, amountFen: bill.totalFen, status: "paid"))
                let signature = Webhook.signature(secret: "demo-bank-secret", timestamp: Int(clock.now.timeIntervalSince1970), body: callback)
                let again = try await sendLive(port, "POST", "/api/v1/bank/callbacks", body: callback, headers: ["Bank-Signature": signature])
                #expect(again.status == 200)
                let after = try await clearway.store.read { db in try await EventStore.load(stream: bill.id, on: db).count }
                #expect(after == events)
                let forged = try await sendLive(port, "POST", "/api/v1/bank/callbacks", body: callback,
                                            headers: ["Bank-Signature": "t=\(Int(clock.now.timeIntervalSince1970)),v1=00"])
                #expect(forged.status == 401)
                await group.triggerGracefulShutdown()
            }
        }
    }

    @Test("paying while the bank's gateway does not answer is 503 and leaves the bill as it was")
    func gatewayDown() async throws {
        let clock = TestClock()
        try await withApp(.sqlite, clock: clock, configure: { $0.bankGateway = { URL(string: "http://127.0.0.1:9") } }) { clearway, client in
            let rules = try await clearway.crossBorderRules()
            let generator = CEBGenerator(seed: 32)
            let messages = generator.parcel(0, rules: rules, at: clock.now)
            for (data, user) in zip(messages.all, ["platform", "payment", "logistics", "broker"]) {
                _ = try await clearway.receiveCEB(data, by: try await Demo.principal(user, in: clearway))
            }
            clock.advance(40 * 86_400)
            let bills = try await clearway.issueTaxBills()
            let bill = try #require(bills.first)
            let response = try await client.send(Call(method: .post, path: "/api/v1/tax-bills/\(bill.id)/payment", token: "demo-token-platform"))
            #expect(response.status == .serviceUnavailable)
            let admin = try await Demo.principal("admin", in: clearway)
            let status = try await clearway.taxBill(bill.id, by: admin).status
            #expect(status == .issued)
        }
    }
}

/// A plain HTTP request to a live server on loopback.
func sendLive(_ port: Int, _ method: String, _ path: String, token: String? = nil, body: Data? = nil, headers: [String: String] = [:]) async throws
    -> (status: Int, body: String)
{
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
    request.httpMethod = method
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    request.httpBody = body
    let (data, response) = try await URLSession.shared.data(for: request)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
}

extension TaxBillHTTPTests {
    @Test("a payment whose answer the bank never got back to us is still settled by its callback, and a refused one can be paid again")
    func lostAnswerReconciled() async throws {
        let clock = TestClock()
        try await TestBackend.sqlite.withClearway(clock: clock) { clearway in
            let rules = try await clearway.crossBorderRules()
            let generator = CEBGenerator(seed: 33)
            var index = 0
            var bills: [TaxBill.State] = []
            while bills.isEmpty && index < 5 {
                let messages = generator.parcel(index, rules: rules, at: clock.now)
                for (data, user) in zip(messages.all, ["platform", "payment", "logistics", "broker"]) {
                    _ = try await clearway.receiveCEB(data, by: try await Demo.principal(user, in: clearway))
                }
                index += 1
                if index == 2 {
                    clock.advance(40 * 86_400)
                    bills = try await clearway.issueTaxBills()
                }
            }
            let bill = try #require(bills.first)
            func callback(_ status: String, _ payment: String) throws -> (Data, String) {
                let body = try JSONEncoder().encode(BankCallback(payment: payment, reference: bill.id, amountFen: bill.totalFen, status: status,
                                                                 reason: status == "failed" ? "insufficient funds" : nil))
                return (body, Webhook.signature(secret: "demo-bank-secret", timestamp: Int(clock.now.timeIntervalSince1970), body: body))
            }
            let (refusedBody, refusedSignature) = try callback("failed", "BOS-1")
            let refused = try await clearway.settleBankCallback(refusedBody, signature: refusedSignature)
            #expect(refused.status == .issued && refused.failures == ["insufficient funds"])
            let (paidBody, paidSignature) = try callback("paid", "BOS-2")
            let paid = try await clearway.settleBankCallback(paidBody, signature: paidSignature)
            #expect(paid.status == .paid && paid.bankPayment == "BOS-2")
            let again = try await clearway.settleBankCallback(paidBody, signature: paidSignature)
            #expect(again == paid)
        }
    }
}
