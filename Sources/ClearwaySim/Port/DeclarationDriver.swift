import ClearwayCore
import Foundation

/// Keeps one real ``Declaration`` per simulated box and moves it only through `Declaration.decide` and
/// `Declaration.evolve`, so a simulated box is released, refused or closed by the same rules as a real one.
struct DeclarationDriver {
    let start: Date
    let procedure: Procedure
    let direction: Direction
    /// The checked draft every box's declaration copies, with its own container number.
    private let template: DeclarationDraft
    private(set) var states: [Declaration.State] = []
    private var sequence = 0
    /// Commands Core refused outright (thrown errors); a model that is right causes none.
    private(set) var faults: [String] = []
    /// Movements Core refused (`movementRefused`): a pick-up tried before release, a load before departure approval.
    private(set) var refusedMovements = 0

    static let officer = Principal(userID: "sim-officer", username: "officer", role: .customsOfficer, office: try! OfficeCode("2248"))
    static let terminal = Principal(userID: "sim-terminal", username: "terminal", role: .terminalOperator, partyID: "sim-terminal")
    static let broker = Principal(userID: "sim-broker", username: "broker", role: .trader, partyID: "sim-trader")

    /// A model port's reference data: the Yangshan office under Shanghai, one commodity, waterway transport.
    private static let reference = ReferenceData(
        hs: HSNomenclature(edition: "2022", subheadings: ["851713", "080810"]),
        offices: OfficeTree([
            CustomsOffice(code: .administration, name: "GAC", nameZh: "海关总署", parent: nil),
            CustomsOffice(code: try! OfficeCode("2200"), name: "Shanghai", nameZh: "上海海关", parent: .administration),
            CustomsOffice(code: try! OfficeCode("2248"), name: "Yangshan", nameZh: "洋山海关", parent: try! OfficeCode("2200")),
        ]),
        supervisionModes: ["0110": "general trade"], transportModes: ["2": "waterway"], incoterms: ["CIF", "FOB"],
        currencies: ["USD": 2], countries: ["CN", "US", "CL"], limits: DeclarationLimits(maxItems: 50, maxContainers: 50),
        procedureRules: Procedure.allCases.map {
            ProcedureRule(procedure: $0, office: nil, tiers: Set(CreditTier.allCases).subtracting([.dishonest, .seriouslyDishonest]),
                          effectiveFrom: .distantPast, effectiveUntil: nil)
        })
    private static let trader = try! Party(id: "sim-trader", name: "Model Importer", creditCode: CreditCode("91350100M000100Y43"), customsCode: nil)

    init(procedure: Procedure, direction: Direction, start: Date, means: String?, voyage: String?) throws(ValidationFailure) {
        self.start = start
        self.procedure = procedure
        self.direction = direction
        let form = DeclarationForm(
            direction: direction.rawValue, procedure: procedure.rawValue, supervisionMode: "0110",
            declarant: Self.trader.creditCode.rawValue, tradingParty: Self.trader.creditCode.rawValue, overseasParty: "Model Exporter",
            declarationOffice: "2248", entryExitOffice: "2248", transport: TransportForm(mode: "2", means: means, voyage: voyage),
            billOfLading: "SIM0000001", incoterm: "CIF", containers: [ContainerForm(number: Self.containerNumber(0), seals: ["S1"])],
            items: [ItemForm(commodityCode: "8517130000", description: "Smartphones", quantity: "100", unit: "PCE",
                             value: "25000.00", currency: "USD", origin: "US")])
        template = try form.validated(reference: Self.reference, parties: [Self.trader.creditCode: Self.trader], at: start)
    }

    /// An ISO 6346 number with a valid check digit for box `index` (owner code `owner`, category U).
    static func containerNumber(_ index: Int, owner: String = "SIM") -> String {
        try! ContainerNumber.make(owner: owner, serial: index).rawValue
    }

    func date(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }
    func state(_ box: Int) -> Declaration.State { states[box] }
    func container(_ box: Int) -> ContainerNumber { states[box].draft!.containers[0].number }

    /// Makes room for `count` boxes' declarations, none lodged yet.
    mutating func reserve(_ count: Int) {
        while states.count < count { states.append(Declaration.State(id: "sim-\(states.count + 1)")) }
    }

    /// Lodges box `box`'s declaration, bound to `means`/`voyage` when the procedure lets them be known.
    @discardableResult
    mutating func lodge(_ box: Int, at now: Double, means: String? = nil, voyage: String? = nil) -> [Declaration.Event] {
        reserve(box + 1)
        var draft = template
        draft.containers = [Container(number: try! ContainerNumber(Self.containerNumber(box)), seals: ["S\(box + 1)"])]
        if means != nil { draft.transport.means = means; draft.transport.voyage = voyage }
        sequence += 1
        return run(.lodge(draft, sequence: sequence), box, at: now, by: Self.broker)
    }

    /// Decides and applies a command; answers the events it caused (none when Core refused it).
    @discardableResult
    mutating func run(_ command: Declaration.Command, _ box: Int, at now: Double, by principal: Principal = officer)
        -> [Declaration.Event]
    {
        do {
            let events = try Declaration.decide(command, states[box], .init(now: date(now), principal: principal))
            for event in events {
                states[box] = Declaration.evolve(states[box], event)
                if case .movementRefused = event { refusedMovements += 1 }
            }
            return events
        } catch {
            faults.append("box \(box + 1): \(error)")
            return []
        }
    }

    /// Records a port event for the box's container (or for its conveyance when `container` is false).
    @discardableResult
    mutating func port(_ kind: PortEvent.Kind, _ box: Int, at now: Double, container: Bool = true, shipSide: Bool = false,
                       tally: Bool? = nil, manifest: PortEvent.Manifest? = nil) -> Bool {
        let event = PortEvent(kind: kind, at: date(now), container: container ? self.container(box) : nil, atShipSide: shipSide,
                              tallyNormal: tally, manifest: manifest, source: "simulator")
        let events = run(.recordPortEvent(event), box, at: now, by: Self.terminal)
        return events.contains { if case .portEventRecorded = $0 { true } else { false } }
    }

    /// The lane customs decides for a box by the scenario's shares, recorded as the system's selectivity decision.
    mutating func decideRisk(_ box: Int, lane: Declaration.Lane, at now: Double) {
        let requested: [Selection.Requested] = switch lane {
        case .green: []
        case .documentary: [.init(kind: .documentReview, place: .port)]
        case .inspection: [.init(kind: .physical, place: .port)]
        }
        run(.decideRisk(Selection(lane: lane, decidedBy: .system, inspections: requested)), box, at: now, by: .system)
    }

    func isReleased(_ box: Int) -> Bool { states[box].clearance.releasedAt != nil }
}
