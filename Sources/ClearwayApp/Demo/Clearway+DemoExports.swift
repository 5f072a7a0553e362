import ClearwayCore
import ClearwayInterop
import ClearwayStore
import Foundation

extension Clearway {
    /// E-commerce exports for the demo: East Ocean authorises the Silk Road service enterprise; eight parcels shipped
    /// to the US and Germany through list release, arrival and departure; the broker applies for their summary (CEB701),
    /// which makes two export records; the tax agency files one rebate and the forex agency records part of the money.
    /// Once, on an empty table.
    public func seedDemoExports() async throws {
        guard try await exportParcelCounts().isEmpty else { return }
        var users: [String: Principal] = [:]
        for name in ["trader", "platform", "logistics", "broker", "tax", "forex"] {
            guard let principal = try await principal(username: name) else { throw ClearanceError.notFound(kind: "demo user", id: name) }
            users[name] = principal
        }
        let now = environment.now()
        _ = try await authoriseServiceFirm("p-silkroad-ftse", client: "p-east-ocean", validUntil: now.addingTimeInterval(365 * 86_400),
                                           by: users["trader"]!)
        let seller = "3122441234"
        let goods: [[(String, Int, Int)]] = [[("8541410000", 20, 35)], [("6109100011", 12, 48), ("8541410000", 5, 35)], [("9503002100", 4, 120)]]
        var numbers: [String] = []
        for index in 0..<8 {
            let order = "DEMO-EXP-\(index + 1)", waybill = "SWX\(100_000 + index)"
            let lines = goods[index % goods.count]
            _ = try await receiveCEB(CEBExportGenerator.order(order, ebc: seller, lines: lines), by: users["platform"]!)
            _ = try await receiveCEB(CEBExportGenerator.waybill(waybill), by: users["logistics"]!)
            _ = try await receiveCEB(CEBExportGenerator.list(order, waybill: waybill, ebc: seller, owner: seller,
                                                            country: index % 3 == 2 ? "DEU" : "USA", lines: lines), by: users["broker"]!)
            _ = try await receiveCEB(CEBExportGenerator.movement(.arrival, [waybill]), by: users["logistics"]!)
            _ = try await receiveCEB(CEBExportGenerator.movement(.departure, [waybill], leaveTime: ChinaTime.second(environment.now())),
                                     by: users["logistics"]!)
            if let found = try await store.read({ db in try await ExportParcelTables.find(ExportParcel.id(ebpCode: CEBExportGenerator.ebp, orderNo: order), on: db) }),
               let number = found.state.invtNo, found.state.status == .closed
            {
                numbers.append(number)
            }
        }
        _ = try await receiveCEB(CEBExportGenerator.summaryApplication(numbers, ebc: seller), by: users["broker"]!)
        let records = try await exportRecords(by: users["tax"]!)
        if let first = records.first {
            _ = try await recordRebate(first.id, paid: false, amountFen: 18_000, reference: "SAT-DEMO-1", by: users["tax"]!)
            _ = try await recordForexReceipt(first.id, amount: "100.00", currency: "USD", receivedAt: environment.now(),
                                             bankReference: "BOC-DEMO-1", by: users["forex"]!)
        }
    }
}
