import ClearwayCore
import ClearwayInterop
import ClearwayStore
import Crypto
import Foundation
import SQLKit
import Synchronization

/// What became of a CEB message: the receipt message to send back and how many entries were taken.
public struct CEBAnswer: Sendable {
    /// The receipt's root (CEB312Message … CEB626Message, or CEB900Message for a message refused whole).
    public var receiptType: String
    public var receipt: Data
    public var accepted: Int
    public var refused: Int
    /// The parcels the entries went to, in order (empty for a message refused whole).
    public var parcels: [String]
}

extension Clearway {
    static let parcelStream = "parcel"

    /// The buyer's year or the guarantee changed under a parcel between reading and charging it: tried again.
    struct QuotaMoved: Error {}

    /// Hashes resident ID numbers with the platform's own key (HMAC-SHA256), made once and kept in the database, so
    /// annual totals are kept per person without the number itself being stored anywhere.
    func personKeyer() async throws -> @Sendable (String) -> String {
        if let key = personKey.withLock({ $0 }) { return Self.keyer(key) }
        let now = environment.now()
        let secret = try await store.transaction { db in
            try await PlatformSecrets.secret("buyer-id-hmac", make: {
                var generator = SystemRandomNumberGenerator()
                return Hex.encode(Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }))
            }, at: now, on: db)
        }
        let key = SymmetricKey(data: Data(secret.utf8))
        personKey.withLock { $0 = key }
        return Self.keyer(key)
    }

    static func keyer(_ key: SymmetricKey) -> @Sendable (String) -> String {
        { number in Hex.encode(Data(HMAC<SHA256>.authenticationCode(for: Data(number.utf8), using: key))) }
    }

    /// Makes sure today's random seed exists (committed) and keeps it, so parcels' draws need not read it each time.
    func cacheDaySeed(at now: Date) async throws {
        let day = ChinaTime.day(now)
        guard daySeeds.withLock({ $0[day] }) == nil else { return }
        let seed = try await store.transaction { db in try await RiskTables.seed(day: day, make: self.environment.makeSeed, at: now, on: db) }
        daySeeds.withLock { $0[day] = seed }
    }

    /// The customs registration code of the principal's enterprise, if it has one.
    func customsCode(of principal: Principal) async throws -> String? {
        guard let party = principal.partyID else { return nil }
        if let known = partyCustomsCodes.withLock({ $0[party] }) { return known }
        let code = try await store.read { db in try await PartyTable.find(id: party, on: db) }?.customsCode?.rawValue
        if let code { partyCustomsCodes.withLock { $0[party] = code } }
        return code
    }

    /// Takes a CEB import message (CEB311, 411, 511, 621, 623 or 625) and answers with its receipt message. A message
    /// that fails the official schema changes nothing and is answered by CEB900; otherwise each entry is taken or
    /// refused on its own (status 100 with the reasons), each in its own transaction.
    public func receiveCEB(_ data: Data, by principal: Principal) async throws -> CEBAnswer {
        let cached = try await cached()
        guard cached.policy.allows(principal, .sendCEBMessages) else {
            throw ClearanceError.forbidden(reason: "CEB messages are sent by e-commerce platforms, payment and logistics firms and declaring agents")
        }
        guard let schema = cached.cebSchema else { throw ClearanceError.notFound(kind: "reference data", id: "ceb-import-schema") }
        let keyer = try await personKeyer()
        let inbound: CEBMessage.Inbound
        do {
            let root = try CEBMessage.parse(data)
            if CEBExportMessage.Kind(rawValue: root.localName) != nil {
                return try await receiveExportCEB(root, by: principal, cached: cached)
            }
            inbound = try CEBMessage.read(root, schema: schema, personKey: keyer)
        } catch let error as CEBMessage.Failure {
            return CEBAnswer(receiptType: "CEB900Message", receipt: CEBReceipt.formatError(error, at: environment.now()),
                             accepted: 0, refused: 1, parcels: [])
        }
        let (refusal, note) = digestVerdict(inbound.signature, messageType: inbound.kind.rawValue, guid: inbound.guid)
        if let refusal { return refusal }
        let sender = principal.role == .admin ? nil : try await customsCode(of: principal)
        try await cacheDaySeed(at: environment.now())
        var receipts: [CEBReceipt] = []
        var parcels: [String] = []
        var refused = 0
        for entry in inbound.entries {
            let (id, answers) = try await receive(entry, sender: sender, principal: principal, cached: cached)
            if answers.contains(where: { $0.status == Parcel.Status.rejected.cebCode }) { refused += 1 }
            receipts += answers.map { answer in
                var answer = answer
                answer.info = note + answer.info
                return answer
            }
            if let id { parcels.append(id) }
        }
        return CEBAnswer(receiptType: inbound.kind.receipt,
                         receipt: CEBReceipt.message(answering: inbound.kind, guid: inbound.guid, receipts: receipts),
                         accepted: inbound.entries.count - refused, refused: refused, parcels: parcels)
    }

    /// What a signature that no longer matches its content means for a message of either direction: refused whole
    /// (CEB900) when digests are enforced, otherwise a note put in front of every receipt's information.
    func digestVerdict(_ signature: CEBSignature.Check, messageType: String, guid: String) -> (refusal: CEBAnswer?, note: String) {
        guard case .digestMismatch(let stated, let computed) = signature else { return (nil, "") }
        let issue = XMLSchema.Issue(path: "/\(messageType)/Signature/SignedInfo/Reference/DigestValue",
                                    reason: "the content digests to \(computed), not the stated \(stated): changed after signing")
        guard environment.refuseBadCEBDigests else { return (nil, "[Code:signature-digest;Desc:\(issue.reason)]") }
        let failure = CEBMessage.Failure(messageType: messageType, guid: guid, issues: [issue])
        return (CEBAnswer(receiptType: "CEB900Message", receipt: CEBReceipt.formatError(failure, at: environment.now()),
                          accepted: 0, refused: 1, parcels: []), "")
    }

    /// The firms a document names, any of which may send it (its customs codes).
    static func senders(_ entry: CEBMessage.Entry) -> (Parcel.Party, [String]) {
        switch entry {
        case .document(.order(let order)): (.platform, [order.ebpCode, order.ebcCode])
        case .document(.payment(let payment)): (.payment, [payment.payCode])
        case .document(.waybill(let waybill)): (.logistics, [waybill.logisticsCode])
        case .document(.inventory(let inventory)): (.declarant, [inventory.agentCode, inventory.ebpCode, inventory.ebcCode])
        case .withdrawal(let withdrawal): (.declarant, [withdrawal.agentCode, withdrawal.ebpCode])
        }
    }

    /// One entry in its own transaction, tried again when another request moved the parcel or the buyer's total first.
    func receive(_ entry: CEBMessage.Entry, sender: String?, principal: Principal, cached: Cached) async throws
        -> (String?, [CEBReceipt])
    {
        let (party, codes) = Self.senders(entry)
        let now = environment.now()
        func refused(_ info: String) -> (String?, [CEBReceipt]) {
            (nil, [CEBReceipt(entry: entry, status: Parcel.Status.rejected.cebCode!, info: info, at: now)])
        }
        guard cached.policy.allows(principal, .sendCEB(party, codes: codes, senderCode: sender)) else {
            return refused("[Code:403;Desc:the sender (\(sender ?? "no customs code")) is not the \(party.rawValue) this \(party.document) names (\(codes.joined(separator: ", ")))]")
        }
        // The parcel this document joins, read and decoded before the writer's turn, and what the document does to it
        // when that can be known then; the transaction uses both when nothing changed the parcel meanwhile.
        var known: ParcelTables.Snapshot?
        var prepared: PreparedDocument?
        var encoded: [EncodedValue] = []
        if case .document(let document) = entry, case let (ebp, order) = Self.orderKey(document), !ebp.isEmpty {
            let id = Parcel.id(ebpCode: ebp, orderNo: order)
            known = try await store.read { db in try await ParcelTables.snapshot(id, recent: self.recentParcels, on: db) }
            prepared = prepare(document, for: known?.state ?? Parcel.State(id: id), principal: principal, cached: cached)
            // What the writer's turn would encode twice (in the event that receives it and in the snapshot), once here.
            if prepared == nil { encoded = (try? document.encoded()).map { [$0] } ?? [] }
        }
        // Lists at one office take that office's list-number counter: they share a writer.
        var contending: String?
        if case .document(.inventory(let inventory)) = entry { contending = "cbec-invt-\(inventory.customsCode)" }
        for _ in 0..<20 {
            do {
                return try await store.transaction(contending: contending) { [known, prepared, encoded] db in
                    try await self.apply(entry, principal: principal, cached: cached, known: known, prepared: prepared, reusing: encoded, on: db)
                }
            } catch is QuotaMoved {
                continue
            } catch ClearanceError.conflict {
                continue
            } catch let ClearanceError.invalid(failure) {
                return refused(failure.issues.map { "[Code:\($0.code);Desc:\($0.pointer) \($0.detail)]" }.joined())
            } catch let error as ClearanceError {
                return refused("[Code:\(error.code);Desc:\(error.detail)]")
            }
        }
        throw ClearanceError.conflict(stream: "parcel", expectedVersion: -1)
    }

    /// A document that neither completes its parcel's set nor takes a number, decided and encoded before the writer's
    /// turn: the writer then only checks that the parcel is still what it was read as and writes what was made, so
    /// the one serial part of the import spends its time on the database, not on encoding.
    struct PreparedDocument: Sendable {
        let events: [NewEvent]
        let next: Parcel.State
        let snapshot: String
    }

    /// What receiving an order or a payment does to `state`, when it decides nothing that needs the database (the
    /// buyer's year, the guarantee, a number, the random draw); nil otherwise, or when the document is refused (the
    /// writer's turn then decides and answers as always).
    func prepare(_ document: Parcel.Document, for state: Parcel.State, principal: Principal, cached: Cached) -> PreparedDocument? {
        switch document {
        case .order, .payment: break
        case .inventory, .waybill: return nil
        }
        let command = Parcel.Command.receive(document)
        guard !Parcel.mayDecide(command, on: state) else { return nil }
        let context = Parcel.Context(now: environment.now(), principal: principal, rules: cached.crossBorder, hs: cached.reference.hs)
        guard let events = try? Parcel.decide(command, state, context), !events.isEmpty else { return nil }
        let next = events.reduce(state, Parcel.evolve)
        // Saving would also move the buyer's total or the guarantee if the parcel started or stopped holding them.
        guard next.countsTowardQuota == state.countsTowardQuota, next.holdsGuarantee == state.holdsGuarantee,
              let encoded = try? events.map({ try NewEvent($0) }), let snapshot = try? ParcelTables.encode(next)
        else { return nil }
        return PreparedDocument(events: encoded, next: next, snapshot: snapshot)
    }

    func apply(_ entry: CEBMessage.Entry, principal: Principal, cached: Cached, known: ParcelTables.Snapshot? = nil,
               prepared: PreparedDocument? = nil, reusing: [EncodedValue] = [], on db: any SQLDatabase) async throws
        -> (String?, [CEBReceipt])
    {
        let now = environment.now()
        switch entry {
        case .document(.waybill(let waybill)):
            let issues = Parcel.check(.waybill(waybill))
            if !issues.isEmpty { throw ClearanceError.invalid(ValidationFailure(issues)) }
            // The waybill is filed under its key; if the list naming it is already here, it joins that parcel now.
            guard let parcelID = try await ParcelTables.fileWaybill(waybill, at: now, on: db) else {
                return (nil, [CEBReceipt(entry: entry, status: Parcel.Status.stored.cebCode!, info: "[Code:120;Desc:stored, waiting for its list]", at: now)])
            }
            let found = try await ParcelTables.find(parcelID, on: db)
            let state = found?.state ?? Parcel.State(id: parcelID)
            let next = try await decideParcel(.receive(.waybill(waybill)), state, preNo: found?.preNo, principal: principal,
                                              cached: cached, on: db)
            return (parcelID, [documentReceipt(entry, next, at: now)])
        case .document(let document):
            let (ebp, order) = Self.orderKey(document)
            let id = Parcel.id(ebpCode: ebp, orderNo: order)
            let (found, asKnown) = try await ParcelTables.current(id, known: known, on: db)
            if asKnown, let prepared {
                try await append(prepared.events, to: id, type: Self.parcelStream, expectedVersion: found?.state.version ?? 0, on: db)
                try await ParcelTables.upsert(prepared.next, encoded: prepared.snapshot, preNo: found?.preNo, at: now, recent: recentParcels, on: db)
                return (id, [documentReceipt(entry, prepared.next, at: now)])
            }
            var state = found?.state ?? Parcel.State(id: id)
            var preNo = found?.preNo
            var invtNo: String?
            if case .inventory(let inventory) = document, state.invtNo == nil {
                // Numbers come from gapless counters inside this transaction: a refused list takes none.
                let year = ChinaTime.year(now)
                let serial = try await Counters.next("cbec-invt-\(inventory.customsCode)-\(year)", on: db)
                invtNo = Parcel.inventoryNumber(customsCode: inventory.customsCode, year: year, serial: serial)
                let pre = try await Counters.next("cbec-pre-\(ChinaTime.day(now))", on: db)
                preNo = Parcel.preEntryNumber(at: now, serial: pre)
            }
            let before = state.status
            var events = try await parcelEvents(.receive(document), state, inventoryNumber: invtNo, principal: principal,
                                                cached: cached, on: db)
            // A list whose waybill came first takes it now; both are decided before the parcel is saved, once.
            if case .inventory(let inventory) = document, state.waybill == nil,
               let waiting = try await ParcelTables.claimWaybill(inventory.waybillKey, for: id, on: db)
            {
                let received = events.reduce(state, Parcel.evolve)
                events += try await parcelEvents(.receive(.waybill(waiting)), received, principal: principal, cached: cached, on: db)
            }
            state = try await saveParcel(events, to: state, preNo: preNo, cached: cached, reusing: reusing, on: db)
            if case .inventory = document {
                return (id, inventoryReceipts(entry, from: before, to: state, preNo: preNo, at: now))
            }
            return (id, [documentReceipt(entry, state, at: now)])
        case .withdrawal(let withdrawal):
            guard let found = try await ParcelTables.find(invtNo: withdrawal.invtNo, on: db),
                  found.state.inventory?.ebpCode == withdrawal.ebpCode, found.state.inventory?.orderNo == withdrawal.orderNo
            else { throw ClearanceError.notFound(kind: "inventory", id: withdrawal.invtNo) }
            let next = try await decideParcel(.withdraw(withdrawal), found.state, preNo: found.preNo, principal: principal,
                                              cached: cached, on: db)
            return (next.id, [CEBReceipt(entry: entry, preNo: found.preNo, invtNo: next.invtNo, status: Parcel.Status.stored.cebCode!,
                                         info: "[Code:120;Desc:\(next.status == .returned ? "return accepted; the buyer's annual total is restored" : "list cancelled")]",
                                         at: now)])
        }
    }

    static func orderKey(_ document: Parcel.Document) -> (String, String) {
        switch document {
        case .order(let order): (order.ebpCode, order.orderNo)
        case .payment(let payment): (payment.ebpCode, payment.orderNo)
        case .inventory(let inventory): (inventory.ebpCode, inventory.orderNo)
        case .waybill(let waybill): ("", waybill.key)
        }
    }

    /// A document taken: 120, and the list's status when this document completed the set.
    func documentReceipt(_ entry: CEBMessage.Entry, _ state: Parcel.State, at now: Date) -> CEBReceipt {
        var info = "[Code:120;Desc:stored]"
        if state.inventory != nil, state.status != .stored, let code = state.status.cebCode {
            info += "[Code:\(code);Desc:the list is now \(state.status.rawValue)]"
        }
        return CEBReceipt(entry: entry, status: Parcel.Status.stored.cebCode!, info: info, at: now)
    }

    /// Every status the list passed through in this request: 120 stored, then 399 decided and where it went.
    func inventoryReceipts(_ entry: CEBMessage.Entry, from before: Parcel.Status, to state: Parcel.State, preNo: String?, at now: Date)
        -> [CEBReceipt]
    {
        var statuses: [(Int, String)] = [(120, "stored")]
        if state.status != .stored, state.status != before || before == .stored {
            if state.assessment != nil { statuses.append((399, "decided: tax \(yuan(state.assessment!.totalFen)) CNY")) }
            let detail = state.findings.isEmpty ? state.status.rawValue
                : state.status.rawValue + ": " + state.findings.map { "\($0.pointer) \($0.detail)" }.joined(separator: "; ")
            if let code = state.status.cebCode { statuses.append((code, detail)) }
        }
        return statuses.map { code, detail in
            CEBReceipt(entry: entry, preNo: preNo, invtNo: state.invtNo, status: code, info: "[Code:\(code);Desc:\(detail)]", at: now)
        }
    }

    /// Decides a command on a parcel with what the domain needs read first (the buyer's year so far, the random draw),
    /// saves the events, and moves the buyer's annual total with the parcel.
    @discardableResult
    func decideParcel(_ command: Parcel.Command, _ state: Parcel.State, preNo: String?, inventoryNumber: String? = nil,
                      principal: Principal, cached: Cached, on db: any SQLDatabase) async throws -> Parcel.State
    {
        let events = try await parcelEvents(command, state, inventoryNumber: inventoryNumber, principal: principal, cached: cached, on: db)
        return try await saveParcel(events, to: state, preNo: preNo, cached: cached, on: db)
    }

    /// The events a command on a parcel decides, with what the domain needs read first; not yet saved.
    func parcelEvents(_ command: Parcel.Command, _ state: Parcel.State, inventoryNumber: String? = nil, principal: Principal,
                      cached: Cached, on db: any SQLDatabase) async throws -> [Parcel.Event]
    {
        let now = environment.now()
        var used: Int64 = 0
        var draw: RandomSelection.Draw?
        var available: Int64?
        // What only an assessment, a release or a review reads; a document that does not complete the set needs none.
        if Parcel.mayDecide(command, on: state) {
            var inventory = state.inventory
            if case .receive(.inventory(let arriving)) = command { inventory = arriving }
            if let buyer = inventory?.buyer.key { used = try await ParcelTables.used(buyer: buyer, year: ChinaTime.year(now), on: db) }
            if let number = inventoryNumber ?? state.invtNo {
                let day = ChinaTime.day(now)
                let seed: Data
                if let known = daySeeds.withLock({ $0[day] }) {
                    seed = known
                } else {
                    seed = try await RiskTables.seed(day: day, make: environment.makeSeed, at: now, on: db)
                }
                draw = RandomSelection.draw(seed: seed, day: day, customsNumber: number, rate: cached.crossBorder.inspectionRate, roster: 0)
            }
            if let assure = inventory?.assureCode, let guarantee = try await TaxBillTables.guarantee(assure, on: db), guarantee.validUntil >= now {
                available = guarantee.availableFen
            }
        }
        let context = Parcel.Context(now: now, principal: principal, rules: cached.crossBorder, hs: cached.reference.hs,
                                     usedFen: used, inventoryNumber: inventoryNumber, draw: draw, guaranteeAvailableFen: available)
        return try Parcel.decide(command, state, context)
    }

    /// - Parameter reusing: values the events and state hold that were encoded before the transaction.
    func saveParcel(_ events: [Parcel.Event], to state: Parcel.State, preNo: String?, cached: Cached, reusing: [EncodedValue] = [],
                    on db: any SQLDatabase) async throws -> Parcel.State
    {
        guard !events.isEmpty else { return state }
        let now = environment.now()
        var reusing = reusing
        // An assessment goes into its event and into the snapshot: its lines' exact decimals are written once.
        for case .assessed(let assessed) in events { reusing.append(try EncodedValue(assessed.assessment)) }
        try await append(events, to: state.id, type: Self.parcelStream, expectedVersion: state.version, reusing: reusing, on: db)
        let next = events.reduce(state, Parcel.evolve)
        if !state.countsTowardQuota, next.countsTowardQuota, let assessment = next.assessment {
            let limit = cached.crossBorder.terms(at: now)?.annualLimitFen ?? 0
            guard try await ParcelTables.charge(buyer: assessment.personKey, year: assessment.year, fen: assessment.valueFen,
                                                limit: limit, on: db)
            else { throw QuotaMoved() }
        } else if state.countsTowardQuota, !next.countsTowardQuota, let assessment = state.assessment {
            try await ParcelTables.refund(buyer: assessment.personKey, year: assessment.year, fen: assessment.valueFen, on: db)
        }
        // The guarantor's guarantee holds a parcel's tax from release until the tax is paid or the goods come back.
        if !state.holdsGuarantee, next.holdsGuarantee, let assessment = next.assessment, let assure = next.inventory?.assureCode {
            guard try await TaxBillTables.freeze(assure, fen: assessment.totalFen, at: now, on: db) else { throw QuotaMoved() }
        } else if state.holdsGuarantee, !next.holdsGuarantee, let assessment = state.assessment, let assure = state.inventory?.assureCode {
            try await TaxBillTables.unfreeze(assure, fen: assessment.totalFen, on: db)
        }
        try await ParcelTables.upsert(next, preNo: preNo, at: now, reusing: reusing, recent: recentParcels, on: db)
        return next
    }

    func mayRead(_ state: Parcel.State, _ principal: Principal, viewer: String?, policy: Policy) -> Bool {
        var codes = [state.order?.ebpCode, state.order?.ebcCode, state.inventory?.agentCode, state.inventory?.ebpCode,
                     state.payment?.payCode, state.waybill?.logisticsCode].compactMap { $0 }
        codes = Array(Set(codes))
        return policy.allows(principal, .readParcel(codes: codes, customsCode: state.inventory?.customsCode, viewerCode: viewer))
    }

    /// A parcel by its id or list number, for customs and the firms it names.
    public func parcel(_ idOrNumber: String, by principal: Principal) async throws -> (state: Parcel.State, preNo: String?) {
        let cached = try await cached()
        let viewer = try await customsCode(of: principal)
        let found: (state: Parcel.State, preNo: String?)? = try await store.read { db in
            if let byID = try await ParcelTables.find(idOrNumber, on: db) { return byID }
            return try await ParcelTables.find(invtNo: idOrNumber, on: db)
        }
        guard let found, mayRead(found.state, principal, viewer: viewer, policy: cached.policy) else {
            throw ClearanceError.notFound(kind: "parcel", id: idOrNumber)
        }
        return found
    }

    /// Parcels the principal may see, newest first, optionally in one status (the officers' review and inspection queues).
    public func parcels(status: Parcel.Status?, limit: Int = 200, by principal: Principal) async throws -> [Parcel.State] {
        let cached = try await cached()
        guard cached.policy.allows(principal, .listParcels) else {
            throw ClearanceError.forbidden(reason: "parcels are seen by customs and the firms that take part in cross-border e-commerce")
        }
        let viewer = try await customsCode(of: principal)
        let all = try await store.read { db in try await ParcelTables.list(status: status, limit: limit * 4, on: db) }
        return Array(all.filter { mayRead($0, principal, viewer: viewer, policy: cached.policy) }.prefix(limit))
    }

    /// An officer's decision on a parcel under review or inspection.
    public func decideParcel(_ id: String, review approve: Bool?, inspectionPassed: Bool?, note: String, by principal: Principal)
        async throws -> Parcel.State
    {
        let cached = try await cached()
        let command: Parcel.Command
        if let approve { command = .review(approve: approve, note: note) } else { command = .inspect(passed: inspectionPassed ?? false, note: note) }
        for _ in 0..<20 {
            do {
                return try await store.transaction { db in
                    var found = try await ParcelTables.find(id, on: db)
                    if found == nil { found = try await ParcelTables.find(invtNo: id, on: db) }
                    let viewer = try await PartyTable.find(id: principal.partyID ?? "", on: db)?.customsCode?.rawValue
                    guard let found, self.mayRead(found.state, principal, viewer: viewer, policy: cached.policy) else {
                        throw ClearanceError.notFound(kind: "parcel", id: id)
                    }
                    guard cached.policy.allows(principal, .decideParcel(customsCode: found.state.inventory?.customsCode)) else {
                        throw ClearanceError.forbidden(reason: "parcels are reviewed and inspected by customs officers of the list's office")
                    }
                    return try await self.decideParcel(command, found.state, preNo: found.preNo, principal: principal, cached: cached, on: db)
                }
            } catch is QuotaMoved { continue }
        }
        throw ClearanceError.conflict(stream: id, expectedVersion: -1)
    }

    /// Reports the missing documents of parcels whose matching window passed (the worker's round); returns how many.
    @discardableResult
    public func reportMissingParcelDocuments(limit: Int = 200) async throws -> Int {
        let cached = try await cached()
        let now = environment.now()
        let before = now.addingTimeInterval(-Double(cached.crossBorder.matchWindowMinutes) * 60)
        let due = try await store.read { db in try await ParcelTables.overdue(before: before, limit: limit, on: db) }
        var reported = 0
        for id in due {
            do {
                let done = try await store.transaction { db in
                    guard let found = try await ParcelTables.find(id, on: db) else { return false }
                    let next = try await self.decideParcel(.reportMissing, found.state, preNo: found.preNo, principal: .system, cached: cached, on: db)
                    return next.missingReported != nil
                }
                if done { reported += 1 }
            } catch ClearanceError.conflict { continue }
        }
        return reported
    }

    /// The cross-border terms and tariff in force (reference data).
    public func crossBorderRules() async throws -> CrossBorderRules { try await cached().crossBorder }

    /// Counts of parcels by status.
    public func parcelCounts() async throws -> [String: Int] {
        try await store.read { db in try await ParcelTables.counts(on: db) }
    }
}

extension Clearway {
    /// The electronic tax bill (CEB816) of an assessed list: status 1 generated until a summary bill carries it.
    public func parcelTaxBill(_ id: String, by principal: Principal) async throws -> Data {
        let (state, _) = try await parcel(id, by: principal)
        guard let assessment = state.assessment, let inventory = state.inventory, let invtNo = state.invtNo,
              [.released, .closed, .inspection, .held, .manualReview].contains(state.status)
        else { throw ClearanceError.notAllowedInState(action: "issue a tax bill for", state: state.status.rawValue) }
        return CEBReceipt.taxBill(taxNo: "T\(invtNo)", invtNo: invtNo, inventory: inventory, assessment: assessment,
                                  status: state.taxBill == nil ? "1" : "2", at: state.decidedAt ?? environment.now())
    }
}

extension Clearway {
    /// Cross-border parcels for the demo (after `seedDemo`): a morning's orders from QuickBuy, most released, two with
    /// no tax withheld waiting in the officers' review queue, one still waiting for its payment; once, on an empty table.
    public func seedDemoParcels(count: Int = 24) async throws {
        guard try await parcelCounts().isEmpty else { return }
        var senders: [Principal] = []
        for user in ["platform", "payment", "logistics", "broker"] {
            guard let principal = try await principal(username: user) else { throw ClearanceError.notFound(kind: "demo user", id: user) }
            senders.append(principal)
        }
        let rules = try await crossBorderRules()
        let now = environment.now()
        for index in 0..<count {
            var generator = CEBGenerator(seed: 2026, buyers: 40)
            generator.misstateTax = index % 12 == 5
            let messages = generator.parcel(index, rules: rules, at: now)
            for (position, (message, sender)) in zip(messages.all, senders).enumerated() where !(index == count - 1 && position == 1) {
                _ = try await receiveCEB(message, by: sender)
            }
        }
    }
}
