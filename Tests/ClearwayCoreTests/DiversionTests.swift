import ClearwayCore
import ClearwayTestSupport
import Foundation
import Testing

@Suite("Assignment")
struct AssignmentTests {
    @Test("the textbook 3×3 instance has optimum 5")
    func textbook() throws {
        let solution = try Assignment.solve(rows: 3, columns: 3, costs: [4, 1, 3, 2, 0, 5, 3, 2, 2])
        #expect(solution.cost == 5)
        #expect(solution.columnOf == [1, 0, 2])
    }

    @Test("a rectangular problem leaves the dearest columns unused")
    func rectangular() throws {
        let solution = try Assignment.solve(rows: 2, columns: 4, costs: [9, 2, 7, 8, 6, 4, 3, 7])
        #expect(solution.cost == 5)
        #expect(solution.columnOf == [1, 2])
    }

    @Test("every random instance matches brute force over all permutations")
    func bruteForce() throws {
        var generator = SplitMix64(state: 42)
        func permutations(_ items: [Int]) -> [[Int]] {
            if items.count <= 1 { return [items] }
            return items.indices.flatMap { i in
                permutations(Array(items[..<i] + items[(i + 1)...])).map { [items[i]] + $0 }
            }
        }
        for trial in 0..<60 {
            let n = 1 + trial % 6
            let costs = (0..<(n * n)).map { _ in Double(generator.next() % 100) }
            let best = permutations(Array(0..<n)).map { p in p.enumerated().reduce(0.0) { $0 + costs[$1.offset * n + $1.element] } }.min()!
            let solution = try Assignment.solve(rows: n, columns: n, costs: costs)
            #expect(solution.cost == best, "trial \(trial)")
            #expect(Set(solution.columnOf).count == n)
        }
    }

    @Test("forbidden pairings that leave a row without a column are reported by row")
    func infeasible() {
        let inf = Double.infinity
        #expect(throws: Assignment.Failure.infeasible(row: 1)) {
            try Assignment.solve(rows: 2, columns: 2, costs: [1, inf, 2, inf])
        }
        #expect(throws: Assignment.Failure.moreRowsThanColumns(rows: 3, columns: 2)) {
            try Assignment.solve(rows: 3, columns: 2, costs: [1, 2, 3, 4, 5, 6])
        }
    }
}

@Suite("Cloud diversion")
struct DiversionTests {
    /// 2026-12-01 10:00 China time, a Tuesday.
    let now = Date(timeIntervalSince1970: 1_796_090_400)

    func network(horizonHours: Int = 4, hours: [InspectionSite.Window] = []) -> DiversionNetwork {
        DiversionNetwork(
            port: "CNXMN",
            sites: [
                InspectionSite(id: "S1", name: "scan lane 1", kinds: [.scan], lanes: 1, slotMinutes: 30, hours: hours),
                InspectionSite(id: "S2", name: "scan lane 2", kinds: [.scan], lanes: 1, slotMinutes: 30),
                InspectionSite(id: "COLD", name: "cold-chain bay", kinds: [.physical], facilities: [.reeferPower], lanes: 1,
                               slotMinutes: 60),
            ],
            travelMinutes: ["Y1": ["S1": 5, "S2": 40, "COLD": 10], "Y2": ["S1": 5, "S2": 5, "COLD": 10]],
            defaultLocation: "Y2", horizonHours: horizonHours)
    }

    @Test("the planner finds the known optimum that nearest-free-site misses")
    func knownOptimum() {
        let boxes = [
            Diversion.Box(id: "A", kind: .scan, location: "Y1", readyAt: now),
            Diversion.Box(id: "B", kind: .scan, location: "Y2", readyAt: now),
        ]
        let plan = Diversion.plan(boxes, network: network(), now: now)
        // A: S1 at +30 (30 + 30 + 5 = 65); B: S2 at +30 (65). Nearest-free sends both to S1: B waits to +60 (95).
        #expect(plan.totalCirculationMinutes == 130)
        #expect(plan.placement(of: "A")?.slot.site == "S1")
        #expect(plan.placement(of: "B")?.slot.site == "S2")
        #expect(plan.placement(of: "B")?.slot.leaveBy == now.addingTimeInterval(25 * 60))
        let baseline = Diversion.nearestFree(boxes, network: network(), now: now)
        #expect(baseline.totalCirculationMinutes == 160)
    }

    @Test("a reefer with no powered site that does scans gets a reason naming what it needs")
    func infeasibleReefer() {
        let box = Diversion.Box(id: "R", kind: .scan, needs: [.reeferPower], readyAt: now)
        let plan = Diversion.plan([box], network: network(), now: now)
        #expect(plan.placements.isEmpty)
        #expect(plan.unplaced["R"] == .noCompatibleSite(kind: .scan, needs: [.reeferPower]))
        #expect(plan.unplaced["R"]?.detail == "no inspection site does scan inspections with reefer-power")
    }

    @Test("a box whose only sites are down says which sites")
    func sitesDown() {
        let box = Diversion.Box(id: "R", kind: .physical, needs: [.reeferPower], readyAt: now)
        let plan = Diversion.plan([box], network: network(), down: ["COLD"], now: now)
        #expect(plan.unplaced["R"] == .compatibleSitesDown(["COLD"]))
    }

    @Test("green-channel goods take the last free slot ahead of ordinary goods")
    func greenChannelFirst() {
        // One hour ahead, the cold bay has one 60-minute slot, reachable only from +10: no slot fits, so widen.
        var net = network(horizonHours: 2)
        net.sites = [InspectionSite(id: "COLD", name: "cold", kinds: [.physical], facilities: [.reeferPower], lanes: 1, slotMinutes: 60)]
        let plain = Diversion.Box(id: "plain", kind: .physical, needs: [.reeferPower], readyAt: now)
        let fresh = Diversion.Box(id: "fresh", kind: .physical, needs: [.reeferPower], greenChannel: true, readyAt: now)
        let plan = Diversion.plan([plain, fresh], network: net, now: now)
        #expect(plan.placement(of: "fresh")?.slot.start == now.addingTimeInterval(60 * 60))
        #expect(plan.unplaced["plain"] == .noSlotWithinHorizon(hours: 2, sites: ["COLD"]))
    }

    @Test("re-planning keeps a started inspection where it is and its lane stays taken while it overruns")
    func replanKeepsStarted() {
        let first = Diversion.plan([Diversion.Box(id: "A", kind: .scan, location: "Y2", readyAt: now)], network: network(), now: now)
        let slot = first.placement(of: "A")!.slot
        // 70 minutes later A's slot has ended but the inspection goes on; the other site went down; B arrives.
        let later = now.addingTimeInterval(70 * 60)
        let boxes = [
            Diversion.Box(id: "A", kind: .scan, location: "Y2", readyAt: now, started: slot),
            Diversion.Box(id: "B", kind: .scan, location: "Y2", readyAt: later),
        ]
        let plan = Diversion.plan(boxes, network: network(), down: Set(["S1", "S2"].filter { $0 != slot.site }), now: later)
        #expect(plan.placement(of: "A")?.slot == slot)
        #expect(plan.placement(of: "A")?.started == true)
        // A holds its lane until a slot after now, so B cannot start there before later + 30.
        let b = plan.placement(of: "B")!.slot
        #expect(b.site == slot.site)
        #expect(b.start >= later.addingTimeInterval(30 * 60))
    }

    @Test("a site that closes at night is not offered after closing")
    func openingHours() {
        // S1 works 08:00–10:30 China time; at 10:00 only its 10:00 slot fits, too soon to reach; S2 is the answer.
        let net = network(hours: [InspectionSite.Window(from: "08:00", to: "10:30")])
        let plan = Diversion.plan([Diversion.Box(id: "A", kind: .scan, location: "Y1", readyAt: now)], network: net, now: now)
        #expect(plan.placement(of: "A")?.slot.site == "S2")
        #expect(net.sites[0].isOpen(from: now))
        #expect(!net.sites[0].isOpen(from: now.addingTimeInterval(30 * 60)))
    }

    @Test("a reefer's size-type and dangerous goods decide what it needs of a site")
    func needs() throws {
        let reefer = Container(number: try ContainerNumber("CSQU3054383"), seals: [], sizeType: "45R1")
        let dg = Container(number: try ContainerNumber("CSQU3054383"), seals: [], sizeType: "22G1", imdgClass: "3")
        #expect(DiversionBox.needs(of: reefer) == [.reeferPower])
        #expect(DiversionBox.needs(of: dg) == [.dangerousGoods])
        #expect(Container.isIMDGClass("2.1") && !Container.isIMDGClass("2.4") && !Container.isIMDGClass("10"))
    }

    @Test("a network with an unknown site in its travel table names the field")
    func validation() {
        var net = network()
        net.travelMinutes["Y1"]?["NOPE"] = 5
        net.sites[0].slotMinutes = 1
        var pointers: [String] = []
        do { try net.validate() } catch { pointers = error.issues.map(\.pointer) }
        #expect(pointers.contains("/travelMinutes/Y1/NOPE"))
        #expect(pointers.contains("/sites/0/slotMinutes"))
    }
}
