import Crypto
import Foundation

/// A cross-border e-commerce retail export under "list release, summary declaration" (9610, DOMAIN.md §6.5): the
/// firm's order, the waybill and the export list are matched; the list is released once the goods have arrived at the
/// supervised site, closed when they leave the country, and later consolidated into a monthly summary declaration.
/// The collection (money received) may come before or after release: goods go first, money follows.
public enum ExportParcel {
    /// Where an export list stands; the numbers are the CEB604 receipt statuses.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case awaitingList = "awaiting-list"
        case stored
        case rejected
        case released
        case closed
        case cancelled

        public var cebCode: Int? {
            switch self {
            case .awaitingList, .cancelled: nil
            case .stored: 120
            case .rejected: 100
            case .released: 800
            case .closed: 899
            }
        }
    }

    /// Trade modes an export list may carry: retail 9610, B2B direct 9710, overseas warehouse 9810, bonded 1210.
    public static let tradeModes: Set<String> = ["9610", "9710", "9810", "1210"]
    static let orderTypes: Set<String> = ["E", "B", "W"]

    /// The stream id of an export order of a platform: the same for every document naming it.
    public static func id(ebpCode: String, orderNo: String) -> String {
        "cbex-" + Hex.encode(SHA256.hash(data: Data("\(ebpCode)\n\(orderNo)".utf8))).prefix(32)
    }

    /// The export list number customs gives: the agent's customs code, the year, `E` and a nine-digit serial.
    public static func inventoryNumber(customsCode: String, year: Int, serial: Int) -> String {
        customsCode + String(year) + "E" + ChinaTime.pad(serial, 9)
    }

    /// The export pre-entry number: `E`, the China day as YYYYMMDD and a nine-digit serial of that day.
    public static func preEntryNumber(at date: Date, serial: Int) -> String {
        "E" + ChinaTime.second(date).prefix(8) + ChinaTime.pad(serial, 9)
    }

    /// A summary declaration's number and the declaration sequence number it is lodged under (one serial for both).
    public static func summaryNumbers(customsCode: String, year: Int, serial: Int) -> (sumNo: String, declSeqNo: String) {
        let tail = customsCode + String(year) + ChinaTime.pad(serial, 9)
        return ("S" + tail, "D" + tail)
    }

    public struct State: Sendable, Equatable, Codable {
        public var id: String
        public var version: Int = 0
        public var status: Status = .awaitingList
        public var order: Order?
        public var collection: Collection?
        public var waybill: Waybill?
        public var inventory: Inventory?
        public var invtNo: String?
        public var findings: [FieldIssue] = []
        public var billNo: String?
        public var voyageNo: String?
        public var firstReceivedAt: Date?
        public var listedAt: Date?
        public var arrivedAt: Date?
        public var releasedAt: Date?
        /// When the goods left the country (the departure report's leave time): the list's closure.
        public var departedAt: Date?
        public var cancelledAt: Date?
        /// The summary declaration the list was consolidated into.
        public var summary: String?
        public init(id: String) { self.id = id }

        /// Which documents are still missing before the list can be released.
        public var missing: [String] {
            [order == nil ? "order (CEB303)" : nil, waybill == nil ? "waybill (CEB505)" : nil,
             inventory == nil ? "export list (CEB603)" : nil, arrivedAt == nil ? "arrival report (CEB507)" : nil].compactMap { $0 }
        }
    }

    public enum Command: Sendable {
        case receive(Document)
        case record(Movement)
        case linkBill(MasterBill)
        case cancel(Cancellation)
        case summarise(sumNo: String)
    }

    public enum Event: DomainEvent, Equatable {
        case received(Received)
        case rejected(Parcel.Event.Findings)
        case released(Declaration.Event.Stamp)
        case moved(Moved)
        case billLinked(Linked)
        case cancelled(Cancelled)
        case summarised(Summarised)

        public struct Received: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var document: Document
            public var invtNo: String?
        }
        public struct Moved: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var kind: Movement.Kind
            public var billNo: String
            public var at: Date
        }
        public struct Linked: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var billNo: String
            public var voyageNo: String
        }
        public struct Cancelled: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var reason: String
        }
        public struct Summarised: Sendable, Equatable, Codable {
            public var stamp: Declaration.Event.Stamp
            public var sumNo: String
        }

        public var name: String {
            switch self {
            case .received: "received"
            case .rejected: "rejected"
            case .released: "released"
            case .moved(let e): e.kind == .arrival ? "arrived" : "departed"
            case .billLinked: "bill-linked"
            case .cancelled: "cancelled"
            case .summarised: "summarised"
            }
        }

        public var stamp: Declaration.Event.Stamp {
            switch self {
            case .received(let e): e.stamp
            case .rejected(let e): e.stamp
            case .released(let stamp): stamp
            case .moved(let e): e.stamp
            case .billLinked(let e): e.stamp
            case .cancelled(let e): e.stamp
            case .summarised(let e): e.stamp
            }
        }
        public var at: Date { stamp.at }
        public var by: Principal { stamp.by }

        public func encodePayload(with encoder: some JSONEncoding) throws -> Data {
            switch self {
            case .received(let e): try encoder.encode(e)
            case .rejected(let e): try encoder.encode(e)
            case .released(let e): try encoder.encode(e)
            case .moved(let e): try encoder.encode(e)
            case .billLinked(let e): try encoder.encode(e)
            case .cancelled(let e): try encoder.encode(e)
            case .summarised(let e): try encoder.encode(e)
            }
        }

        public init(name: String, payload: Data, decoder: JSONDecoder) throws {
            switch name {
            case "received": self = .received(try decoder.decode(Received.self, from: payload))
            case "rejected": self = .rejected(try decoder.decode(Parcel.Event.Findings.self, from: payload))
            case "released": self = .released(try decoder.decode(Declaration.Event.Stamp.self, from: payload))
            case "arrived", "departed": self = .moved(try decoder.decode(Moved.self, from: payload))
            case "bill-linked": self = .billLinked(try decoder.decode(Linked.self, from: payload))
            case "cancelled": self = .cancelled(try decoder.decode(Cancelled.self, from: payload))
            case "summarised": self = .summarised(try decoder.decode(Summarised.self, from: payload))
            default: throw UnknownEventError(stream: "export-parcel", name: name)
            }
        }
    }

    /// Decides a command; `invtNo` is the number customs gives a list the first time it arrives.
    public static func decide(_ command: Command, _ state: State, now: Date, principal: Principal, invtNo: String? = nil,
                              hs: HSNomenclature? = nil) throws(ClearanceError) -> [Event] {
        let stamp = Declaration.Event.Stamp(at: now, by: principal)
        if [.closed, .cancelled].contains(state.status), !(state.status == .closed && command.isSummary) {
            throw .notAllowedInState(action: command.action, state: state.status.rawValue)
        }
        switch command {
        case .receive(let document):
            // Money may follow the goods; nothing else changes a list customs has released.
            if case .collection = document {} else if state.status == .released {
                throw .notAllowedInState(action: "change the documents of", state: state.status.rawValue)
            }
            let issues = check(document, hs: hs)
            if !issues.isEmpty { throw .invalid(ValidationFailure(issues)) }
            var number: String?
            if case .inventory = document, state.invtNo == nil { number = invtNo }
            let received = Event.received(.init(stamp: stamp, document: document, invtNo: number))
            return [received] + settle(evolve(state, received), stamp)
        case .record(let movement):
            guard state.inventory != nil else { throw .notAllowedInState(action: "record a movement of", state: state.status.rawValue) }
            let at = ChinaTime.parseSecond(movement.at) ?? now
            let moved = Event.moved(.init(stamp: stamp, kind: movement.kind, billNo: movement.billNo, at: at))
            switch movement.kind {
            case .arrival:
                guard state.arrivedAt == nil else { return [] }
                return [moved] + settle(evolve(state, moved), stamp)
            case .departure:
                guard state.status == .released, let released = state.releasedAt else {
                    throw .notAllowedInState(action: "record the departure of (goods leave only after release)", state: state.status.rawValue)
                }
                // Leave times are whole seconds; a leave time before the second of release is a mistake, not a departure.
                if at < released.addingTimeInterval(-1) {
                    throw .invalid(ValidationFailure([FieldIssue("/DepartureHead/leaveTime", "before-release",
                        "leaveTime \(movement.at) is before the list was released (\(ChinaTime.second(released)))")]))
                }
                return [moved]
            }
        case .linkBill(let bill):
            return state.billNo == bill.billNo ? [] : [.billLinked(.init(stamp: stamp, billNo: bill.billNo, voyageNo: bill.voyageNo))]
        case .cancel(let cancellation):
            guard state.summary == nil else { throw .notAllowedInState(action: "cancel a summarised", state: state.status.rawValue) }
            return [.cancelled(.init(stamp: stamp, reason: cancellation.reason))]
        case .summarise(let sumNo):
            guard [.released, .closed].contains(state.status), state.summary == nil else {
                throw .notAllowedInState(action: "summarise", state: state.summary == nil ? state.status.rawValue : "summarised")
            }
            return [.summarised(.init(stamp: stamp, sumNo: sumNo))]
        }
    }

    /// Once the order, the waybill and the list are all here, they must agree; once the goods have arrived too, the
    /// list is released.
    static func settle(_ state: State, _ stamp: Declaration.Event.Stamp) -> [Event] {
        guard state.status == .stored, let order = state.order, let inventory = state.inventory, state.waybill != nil else { return [] }
        var issues = IssueCollector()
        if order.ebcCode != inventory.ebcCode {
            issues.add("/InventoryHead/ebcCode", "order-mismatch", "the list's e-commerce firm \(inventory.ebcCode) is not the order's \(order.ebcCode)")
        }
        if inventory.value.fen != order.goodsValue.fen {
            issues.add("/InventoryHead", "value-mismatch", "the list's lines total \(inventory.value), the order's goodsValue \(order.goodsValue)")
        }
        if !issues.issues.isEmpty { return [.rejected(.init(stamp: stamp, findings: issues.issues))] }
        return state.arrivedAt == nil ? [] : [.released(stamp)]
    }

    /// A document checked on its own: codes and arithmetic, each issue pointing at its element.
    public static func check(_ document: Document, hs: HSNomenclature? = nil) -> [FieldIssue] {
        var issues = IssueCollector()
        switch document {
        case .order(let order):
            if !orderTypes.contains(order.orderType) {
                issues.add("/OrderHead/orderType", "code-not-allowed", "an export order has orderType E, B or W, not '\(order.orderType)'")
            }
            for (index, line) in order.lines.enumerated() {
                issues.lineTotal("/OrderList/\(index)/totalPrice", gnum: line.gnum, qty: line.qty, price: line.price, total: line.totalPrice)
            }
            issues.goodsValue(order.goodsValue, lines: order.lines)
        case .collection(let collection):
            if collection.charge <= .zero { issues.add("/Receipts/charge", "amount-not-positive", "charge must be above zero") }
        case .waybill(let waybill):
            if waybill.logisticsNo.isEmpty { issues.add("/Logistics/logisticsNo", "required", "the waybill needs its number") }
        case .inventory(let inventory):
            if inventory.ieFlag != "E" {
                issues.add("/InventoryHead/ieFlag", "code-not-allowed", "an export list's ieFlag is E, not '\(inventory.ieFlag)'")
            }
            if !tradeModes.contains(inventory.tradeMode) {
                issues.add("/InventoryHead/tradeMode", "code-not-allowed",
                           "the trade mode must be \(tradeModes.sorted().joined(separator: ", ")), not '\(inventory.tradeMode)'")
            }
            if inventory.ownerCode.isEmpty {
                issues.add("/InventoryHead/ownerCode", "required", "the producer or seller (the real exporter) must be named")
            }
            for (index, line) in inventory.lines.enumerated() {
                issues.lineTotal("/InventoryList/\(index)/totalPrice", gnum: line.gnum, qty: line.qty, price: line.price, total: line.totalPrice)
                issues.commodity("/InventoryList/\(index)/gcode", line.gcode, hs: hs)
            }
        }
        return issues.issues
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var next = state
        next.version += 1
        switch event {
        case .received(let e):
            if next.firstReceivedAt == nil { next.firstReceivedAt = e.stamp.at }
            switch e.document {
            case .order(let order): next.order = order
            case .collection(let collection): next.collection = collection
            case .waybill(let waybill): next.waybill = waybill
            case .inventory(let inventory):
                next.inventory = inventory
                next.findings = []
                if next.listedAt == nil { next.listedAt = e.stamp.at }
                if next.status == .rejected { next.status = .stored }
            }
            if let number = e.invtNo { next.invtNo = number }
            if next.status == .awaitingList, next.inventory != nil { next.status = .stored }
        case .rejected(let e):
            next.status = .rejected
            next.findings = e.findings
        case .released(let stamp):
            next.status = .released
            next.releasedAt = stamp.at
        case .moved(let e):
            next.billNo = e.billNo.isEmpty ? next.billNo : e.billNo
            switch e.kind {
            case .arrival: next.arrivedAt = e.at
            case .departure:
                next.departedAt = e.at
                next.status = .closed
            }
        case .billLinked(let e):
            next.billNo = e.billNo
            next.voyageNo = e.voyageNo
        case .cancelled(let e):
            next.status = .cancelled
            next.cancelledAt = e.stamp.at
        case .summarised(let e):
            next.summary = e.sumNo
        }
        return next
    }
}

extension ExportParcel.Command {
    var isSummary: Bool { if case .summarise = self { true } else { false } }
    var action: String {
        switch self {
        case .receive: "take documents for"
        case .record: "record a movement of"
        case .linkBill: "link a master bill to"
        case .cancel: "cancel"
        case .summarise: "summarise"
        }
    }
}
