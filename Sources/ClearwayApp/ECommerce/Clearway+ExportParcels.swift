import ClearwayCore
import ClearwayInterop
import ClearwayStore
import Foundation
import SQLKit

extension Clearway {
    static let exportParcelStream = "export-parcel"

    /// Takes a CEB export message (CEB303, 403, 505, 507, 509, 603, 605, 607, 701) and answers with its receipt. A
    /// message that fails the official export schema changes nothing and is answered by CEB900; otherwise each entry is
    /// taken or refused on its own (status 100 with the reasons), each in its own transaction.
    func receiveExportCEB(_ root: XMLElement, by principal: Principal, cached: Cached) async throws -> CEBAnswer {
        guard let schema = cached.cebExportSchema else { throw ClearanceError.notFound(kind: "reference data", id: "ceb-export-schema") }
        let now = environment.now()
        let inbound: CEBExportMessage.Inbound
        do { inbound = try CEBExportMessage.read(root, schema: schema) } catch {
            return CEBAnswer(receiptType: "CEB900Message", receipt: CEBReceipt.formatError(error, at: now), accepted: 0, refused: 1, parcels: [])
        }
        let (refusal, note) = digestVerdict(inbound.signature, messageType: inbound.kind.rawValue, guid: inbound.guid)
        if let refusal { return refusal }
        let sender = principal.role == .admin ? nil : try await customsCode(of: principal)
        var receipts: [CEBExportReceipt] = []
        var parcels: [String] = []
        var refused = 0
        for entry in inbound.entries {
            var (ids, receipt) = try await receiveExport(entry, sender: sender, principal: principal, cached: cached)
            if receipt.status == ExportParcel.Status.rejected.cebCode { refused += 1 }
            receipt.info = note + receipt.info
            receipts.append(receipt)
            parcels += ids
        }
        return CEBAnswer(receiptType: inbound.kind.receipt.message,
                         receipt: CEBExportReceipt.message(answering: inbound.kind, guid: inbound.guid, receipts: receipts),
                         accepted: inbound.entries.count - refused, refused: refused, parcels: parcels)
    }

    /// The firms an export entry names, any of which may send it.
    static func senders(_ entry: CEBExportMessage.Entry) -> (Parcel.Party, [String]) {
        switch entry {
        case .document(.order(let d)): (.platform, [d.ebpCode, d.ebcCode])
        case .document(.collection(let d)): (.payment, [d.payCode])
        case .document(.waybill(let d)): (.logistics, [d.logisticsCode])
        case .document(.inventory(let d)): (.declarant, [d.agentCode, d.ebpCode, d.ebcCode])
        case .movement(let d): (.logistics, [d.logisticsCode])
        case .masterBill(let d): (.logistics, [d.logisticsCode, d.agentCode])
        case .cancellation(let d): (.declarant, [d.agentCode, d.ebcCode])
        case .summary(let d): (.declarant, [d.agentCode, d.ebcCode])
        }
    }

    func receiveExport(_ entry: CEBExportMessage.Entry, sender: String?, principal: Principal, cached: Cached) async throws
        -> ([String], CEBExportReceipt)
    {
        let (party, codes) = Self.senders(entry)
        let now = environment.now()
        func refused(_ info: String) -> ([String], CEBExportReceipt) {
            ([], CEBExportReceipt(entry: entry, status: ExportParcel.Status.rejected.cebCode!, info: info, at: now))
        }
        guard cached.policy.allows(principal, .sendCEB(party, codes: codes, senderCode: sender)) else {
            return refused("[Code:403;Desc:the sender (\(sender ?? "no customs code")) is not a firm this entry names (\(codes.joined(separator: ", ")))]")
        }
        for _ in 0..<20 {
            do {
                return try await store.transaction { db in try await self.applyExport(entry, principal: principal, cached: cached, on: db) }
            } catch ClearanceError.conflict {
                continue
            } catch let ClearanceError.invalid(failure) {
                return refused(failure.issues.map { "[Code:\($0.code);Desc:\($0.pointer) \($0.detail)]" }.joined())
            } catch let error as ClearanceError {
                return refused("[Code:\(error.code);Desc:\(error.detail)]")
            }
        }
        throw ClearanceError.conflict(stream: "export-parcel", expectedVersion: -1)
    }

    func applyExport(_ entry: CEBExportMessage.Entry, principal: Principal, cached: Cached, on db: any SQLDatabase) async throws
        -> ([String], CEBExportReceipt)
    {
        let now = environment.now()
        func stored(_ ids: [String], _ info: String, preNo: String? = nil, invtNo: String? = nil, sumNo: String? = nil, status: Int = 120)
            -> ([String], CEBExportReceipt)
        {
            (ids, CEBExportReceipt(entry: entry, preNo: preNo, invtNo: invtNo, sumNo: sumNo, status: status, info: info, at: now))
        }
        switch entry {
        case .document(.waybill(let waybill)):
            let issues = ExportParcel.check(.waybill(waybill))
            if !issues.isEmpty { throw ClearanceError.invalid(ValidationFailure(issues)) }
            guard let parcelID = try await ExportParcelTables.fileWaybill(waybill, at: now, on: db),
                  let found = try await ExportParcelTables.find(parcelID, on: db)
            else { return stored([], "[Code:120;Desc:stored, waiting for its list]") }
            let next = try await decideExport(.receive(.waybill(waybill)), found, principal: principal, cached: cached, on: db)
            return stored([next.id], Self.exportInfo(next))
        case .document(let document):
            let (ebp, order) = Self.exportOrderKey(document)
            let id = ExportParcel.id(ebpCode: ebp, orderNo: order)
            var found = try await ExportParcelTables.find(id, on: db) ?? .init(state: ExportParcel.State(id: id), preNo: nil)
            var invtNo: String?
            if case .inventory(let inventory) = document {
                try await checkServiceFirm(principal, producerCode: inventory.ownerCode, pointer: "/InventoryHead/ownerCode", on: db)
                if found.state.invtNo == nil {
                    // Numbers come from gapless counters inside this transaction: a refused list takes none.
                    let year = ChinaTime.year(now)
                    let serial = try await Counters.next("cbex-invt-\(inventory.customsCode)-\(year)", on: db)
                    invtNo = ExportParcel.inventoryNumber(customsCode: inventory.customsCode, year: year, serial: serial)
                    let pre = try await Counters.next("cbex-pre-\(ChinaTime.day(now))", on: db)
                    found.preNo = ExportParcel.preEntryNumber(at: now, serial: pre)
                }
            }
            var next = try await decideExport(.receive(document), found, invtNo: invtNo, principal: principal, cached: cached, on: db)
            if case .inventory(let inventory) = document, next.waybill == nil,
               let waiting = try await ExportParcelTables.claimWaybill(inventory.waybillKey, for: id, on: db)
            {
                next = try await decideExport(.receive(.waybill(waiting)), .init(state: next, preNo: found.preNo), principal: principal,
                                              cached: cached, on: db)
            }
            let status = next.status == ExportParcel.Status.rejected ? 100 : 120
            return stored([next.id], Self.exportInfo(next), preNo: found.preNo, invtNo: next.invtNo, status: status)
        case .movement(let movement):
            var ids: [String] = []
            var unknown: [String] = []
            for number in movement.logisticsNos {
                guard let found = try await ExportParcelTables.find(waybillKey: "\(movement.logisticsCode)/\(number)", on: db) else {
                    unknown.append(number)
                    continue
                }
                ids.append(try await decideExport(.record(movement), found, principal: principal, cached: cached, on: db).id)
            }
            if !unknown.isEmpty {
                throw ClearanceError.notFound(kind: "export list for waybill", id: unknown.map { "\(movement.logisticsCode)/\($0)" }.joined(separator: ", "))
            }
            return stored(ids, "[Code:120;Desc:\(movement.kind == .arrival ? "arrival" : "departure") recorded for \(ids.count) list(s)]")
        case .masterBill(let bill):
            var ids: [String] = []
            for number in bill.logisticsNos {
                guard let found = try await ExportParcelTables.find(waybillKey: "\(bill.logisticsCode)/\(number)", on: db) else {
                    throw ClearanceError.notFound(kind: "export list for waybill", id: "\(bill.logisticsCode)/\(number)")
                }
                ids.append(try await decideExport(.linkBill(bill), found, principal: principal, cached: cached, on: db).id)
            }
            return stored(ids, "[Code:120;Desc:\(ids.count) list(s) linked to bill \(bill.billNo)]")
        case .cancellation(let cancellation):
            guard let found = try await ExportParcelTables.find(invtNo: cancellation.invtNo, on: db),
                  found.state.inventory?.agentCode == cancellation.agentCode || found.state.inventory?.ebcCode == cancellation.ebcCode
            else { throw ClearanceError.notFound(kind: "export list", id: cancellation.invtNo) }
            let next = try await decideExport(.cancel(cancellation), found, principal: principal, cached: cached, on: db)
            return stored([next.id], "[Code:120;Desc:list cancelled]", preNo: found.preNo)
        case .summary(let application):
            var lists: [ExportParcelTables.Found] = []
            var issues = IssueCollector()
            for (index, number) in application.invtNos.enumerated() {
                let pointer = "/SummaryApplyList/\(index)/invtNo"
                guard let found = try await ExportParcelTables.find(invtNo: number, on: db), found.state.inventory?.agentCode == application.agentCode else {
                    issues.add(pointer, "not-found", "no export list \(number) declared by \(application.agentCode)")
                    continue
                }
                if let sumNo = found.state.summary {
                    issues.add(pointer, "already-summarised", "list \(number) is already in summary \(sumNo)")
                } else if ![.released, .closed].contains(found.state.status) {
                    issues.add(pointer, "not-released", "list \(number) is \(found.state.status.rawValue); only released lists are summarised")
                }
                lists.append(found)
            }
            if !issues.issues.isEmpty { throw ClearanceError.invalid(ValidationFailure(issues.issues)) }
            let summaries = try await summarise(lists, requestedBy: principal, cached: cached, on: db)
            let numbers = summaries.map(\.sumNo)
            return stored(lists.map(\.state.id), "[Code:120;Desc:\(numbers.count) summary declaration(s): \(numbers.joined(separator: ", "))]",
                          sumNo: numbers.first)
        }
    }

    static func exportOrderKey(_ document: ExportParcel.Document) -> (String, String) {
        switch document {
        case .order(let d): (d.ebpCode, d.orderNo)
        case .collection(let d): (d.ebpCode, d.orderNo)
        case .inventory(let d): (d.ebpCode, d.orderNo)
        case .waybill(let d): ("", d.key)
        }
    }

    static func exportInfo(_ state: ExportParcel.State) -> String {
        switch state.status {
        case .rejected: "[Code:100;Desc:" + state.findings.map { "\($0.pointer) \($0.detail)" }.joined(separator: "; ") + "]"
        case .released, .closed: "[Code:\(state.status.cebCode!);Desc:the list is \(state.status.rawValue)]"
        default: "[Code:120;Desc:stored" + (state.missing.isEmpty ? "" : "; waiting for " + state.missing.joined(separator: ", ")) + "]"
        }
    }

    /// A list or declaration sent by a foreign-trade service enterprise must name a producer that authorised it.
    func checkServiceFirm(_ principal: Principal, producerCode: String, pointer: String, on db: any SQLDatabase) async throws {
        guard ServiceAuthorisation.actingService(principal) != nil else { return }
        let producer = producerCode.isEmpty ? nil : try await PartyTable.find(customsCode: producerCode, on: db)?.id ?? producerCode
        try await checkServiceFirm(principal, producerID: producer, pointer: pointer, on: db)
    }

    func checkServiceFirm(_ principal: Principal, producerID: String?, pointer: String, on db: any SQLDatabase) async throws {
        guard let service = ServiceAuthorisation.actingService(principal) else { return }
        let granted = try await ExportChainTables.authorisations(service: service, client: producerID ?? "", on: db)
        try ServiceAuthorisation.check(service: service, producer: producerID, among: granted, at: environment.now(), pointer: pointer)
    }

    @discardableResult
    func decideExport(_ command: ExportParcel.Command, _ found: ExportParcelTables.Found, invtNo: String? = nil, principal: Principal,
                      cached: Cached, on db: any SQLDatabase) async throws -> ExportParcel.State
    {
        let now = environment.now()
        let events = try ExportParcel.decide(command, found.state, now: now, principal: principal, invtNo: invtNo, hs: cached.reference.hs)
        guard !events.isEmpty else { return found.state }
        try await append(events, to: found.state.id, type: Self.exportParcelStream, expectedVersion: found.state.version, on: db)
        let next = events.reduce(found.state, ExportParcel.evolve)
        try await ExportParcelTables.upsert(next, preNo: found.preNo, at: now, on: db)
        return next
    }

    /// Consolidates lists into summary declarations, month by month and agent by agent: numbers them, marks each list
    /// with its summary, writes the CEB792 result and sends the tax agency an export record per summary.
    func summarise(_ lists: [ExportParcelTables.Found], requestedBy principal: Principal, cached: Cached, on db: any SQLDatabase)
        async throws -> [ExportChainTables.Summary]
    {
        let now = environment.now()
        var made: [ExportChainTables.Summary] = []
        let byBatch = Dictionary(grouping: lists) { found in
            "\(found.state.releasedAt.map(ExportSummary.period(of:)) ?? "")|\(found.state.inventory?.agentCode ?? "")"
        }
        for key in byBatch.keys.sorted() {
            let batch = byBatch[key]!
            let period = String(key.split(separator: "|", omittingEmptySubsequences: false)[0])
            let listed = batch.compactMap { found in
                found.state.inventory.flatMap { inventory in found.state.invtNo.map { ExportSummary.Listed(invtNo: $0, inventory: inventory) } }
            }
            let byNumber = Dictionary(uniqueKeysWithValues: batch.compactMap { found in found.state.invtNo.map { ($0, found) } })
            for group in ExportSummary.consolidate(listed, keys: cached.exportChain.keys) {
                let first = byNumber[group.invtNos[0]]!.state.inventory!
                let year = ChinaTime.year(now)
                let serial = try await Counters.next("cbex-sum-\(first.customsCode)-\(year)", on: db)
                let (sumNo, declSeqNo) = ExportParcel.summaryNumbers(customsCode: first.customsCode, year: year, serial: serial)
                for number in group.invtNos {
                    try await decideExport(.summarise(sumNo: sumNo), byNumber[number]!, principal: principal, cached: cached, on: db)
                }
                let result = CEBExportReceipt.summaryResult(
                    [(sumNo, declSeqNo, first.customsCode, first.agentCode, first.ebcCode, group)], at: now)
                let summary = ExportChainTables.Summary(
                    sumNo: sumNo, period: period, agentCode: first.agentCode, customsCode: first.customsCode,
                    deadline: cached.exportChain.deadline(of: period), generatedAt: now, requestedBy: principal.username, group: group,
                    result: result)
                try await ExportChainTables.insert(summary, on: db)
                try await recordSummaryExport(summary, lists: group.invtNos.map { byNumber[$0]!.state }, cached: cached, on: db)
                made.append(summary)
            }
        }
        return made
    }

    /// The month-end worker's round: every month whose generation day has come is consolidated, agent by agent,
    /// before its deadline. Returns the summaries made.
    @discardableResult
    public func generateExportSummaries() async throws -> [ExportChainTables.Summary] {
        let cached = try await cached()
        let now = environment.now()
        guard var period = try await store.read({ db in try await ExportParcelTables.oldestUnsummarisedPeriod(on: db) }) else { return [] }
        var made: [ExportChainTables.Summary] = []
        let today = ChinaTime.day(now)
        while ExportSummary.next(period) + "-" + ChinaTime.pad(cached.exportChain.generateDay, 2) <= today {
            let current = period
            do {
                made += try await store.transaction { db in
                    let lists = try await ExportParcelTables.unsummarised(period: current, agentCode: nil, on: db)
                    return try await self.summarise(lists, requestedBy: .system, cached: cached, on: db)
                }
            } catch ClearanceError.conflict {
                // Another node summarised these lists first.
            }
            period = ExportSummary.next(period)
        }
        return made
    }

    /// Summaries a principal may see: customs and admin all, a declaring agent its own.
    public func exportSummaries(by principal: Principal) async throws -> [ExportChainTables.Summary] {
        let cached = try await cached()
        if cached.policy.allows(principal, .readAllExportSummaries) {
            return try await store.read { db in try await ExportChainTables.summaries(agentCode: nil, on: db) }
        }
        guard principal.role.actsForParty, let code = try await customsCode(of: principal) else {
            throw ClearanceError.forbidden(reason: "summary declarations are seen by customs, the tax agency and the declaring agent")
        }
        return try await store.read { db in try await ExportChainTables.summaries(agentCode: code, on: db) }
    }

    /// Export lists a principal may see, newest first.
    public func exportParcels(status: ExportParcel.Status?, limit: Int = 200, by principal: Principal) async throws -> [ExportParcelTables.Found] {
        let cached = try await cached()
        guard cached.policy.allows(principal, .listExportParcels) else {
            throw ClearanceError.forbidden(reason: "export lists are seen by customs and the firms that take part in them")
        }
        let code: String? = [.admin, .customsOfficer].contains(principal.role) ? nil : try await customsCode(of: principal) ?? "-"
        return try await store.read { db in try await ExportParcelTables.list(status: status, code: code, limit: limit, on: db) }
    }

    public func exportParcelCounts() async throws -> [String: Int] {
        try await store.read { db in try await ExportParcelTables.counts(on: db) }
    }
}
