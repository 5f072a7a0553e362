import ClearwayApp
import ClearwayCore
import ClearwayInterop
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Testing

@Suite("Cross-border e-commerce imports: three orders, limits, tax")
struct ECommerceTests {
    /// The demo firms that send each message, in the generator's order: order, payment, waybill, inventory.
    static let senders = ["platform", "payment", "logistics", "broker"]

    static func send(_ messages: CEBGenerator.Messages, order: [Int], to clearway: Clearway) async throws -> [CEBAnswer] {
        var answers: [CEBAnswer] = []
        for index in order {
            answers.append(try await clearway.receiveCEB(messages.all[index], by: try await Demo.principal(senders[index], in: clearway)))
        }
        return answers
    }

    static func receipt(_ answer: CEBAnswer) throws -> [(status: String, info: String)] {
        let root = try XMLTree.parse(answer.receipt)
        return root.elements().map { ($0.element("returnStatus")?.text ?? "", $0.element("returnInfo")?.text ?? "") }
    }

    @Test("order, payment, waybill and list match in every one of the 24 arrival orders; the last arrival decides", arguments: TestBackend.available)
    func everyArrivalOrder(backend: TestBackend) async throws {
        let clock = TestClock()
        try await backend.withClearway(clock: clock) { clearway in
            let rules = try await clearway.crossBorderRules()
            let generator = CEBGenerator(seed: 7, buyers: 1000)
            let admin = try await Demo.principal("admin", in: clearway)
            var permutations: [[Int]] = [[]]
            for n in 0..<4 { permutations = permutations.flatMap { p in (0...p.count).map { i in var q = p; q.insert(n, at: i); return q } } }
            #expect(permutations.count == 24)
            for (index, order) in permutations.enumerated() {
                let messages = generator.parcel(index, rules: rules, at: clock.now)
                let id = Parcel.id(ebpCode: generator.ebpCode, orderNo: messages.orderNo)
                let first = try await Self.send(messages, order: Array(order.prefix(3)), to: clearway)
                let waiting = try? await clearway.parcel(id, by: admin).state
                #expect(waiting?.assessment == nil && waiting?.status != .released, "\(order): decided before the last document")
                let last = try await Self.send(messages, order: [order[3]], to: clearway)
                let receipts = try (first + last).map(Self.receipt)
                #expect((first + last).allSatisfy { $0.refused == 0 }, "\(order): \(receipts)")
                let parcel = try await clearway.parcel(id, by: admin).state
                #expect([.released, .inspection].contains(parcel.status), "\(order): \(parcel.status) \(parcel.findings)")
                #expect(parcel.assessment != nil && parcel.invtNo?.count == 18)
            }
        }
    }
}

