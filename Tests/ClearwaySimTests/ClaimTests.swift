import ClearwaySim
import Foundation
import Testing

/// The initiative's claims (DOMAIN.md §0, §2, §3), reproduced by the shipped scenario pairs on their own seeds.
@Suite("The measures, simulated")
struct ClaimTests {
    func pair(_ before: String, _ after: String) throws -> (SimulationResult, SimulationResult) {
        (try ScenarioFiles.load(before).run(networks: ScenarioFiles.networks()),
         try ScenarioFiles.load(after).run(networks: ScenarioFiles.networks()))
    }

    @Test("direct pick-up at ship side takes a released box off the quay in minutes, the yard in hours")
    func directPickup() throws {
        let (yard, shipSide) = try pair("pickup-yard.json", "pickup-ship-side.json")
        let yardMean = yard.measure("mean discharge to gate-out")!, shipMedian = shipSide.measure("median discharge to gate-out")!
        #expect((240...360).contains(yardMean))  // Shenzhen before: 4–6 hours
        #expect((5...8).contains(shipMedian))  // Shenzhen after: 5–8 minutes
        #expect(shipSide.measure("picked up at ship side")! > 90)
        // Boxes hit for inspection were refused at ship side by Core and went through the yard.
        #expect(shipSide.measure("movements Core refused")! > 0)
        #expect(yard.measure("Core errors") == 0 && shipSide.measure("Core errors") == 0)
    }

    @Test("departure confirmation: boxes wait less in port than under the serial transit")
    func departureConfirmation() throws {
        let (serial, confirmed) = try pair("transit-serial.json", "transit-departure-confirmation.json")
        let saved = serial.measure("mean wait in port per box")! - confirmed.measure("mean wait in port per box")!
        #expect(saved > 120)
        #expect(serial.measure("barges missed per box")! > 0)
        #expect(confirmed.measure("barges missed per box") == 0)
        #expect(serial.measure("Core errors") == 0 && confirmed.measure("Core errors") == 0)
        // Core closed every departed transit from the barge's departure and clean manifest.
        #expect(confirmed.rows.allSatisfy { $0.last == "closed" })
    }

    @Test("automatic food approval cuts the time to a decision by at least 70%")
    func foodApproval() throws {
        let (manual, automatic) = try pair("food-manual.json", "food-automatic.json")
        let cut = 1 - automatic.measure("mean submission to decision")! / manual.measure("mean submission to decision")!
        #expect(cut >= 0.7)
        #expect(automatic.measure("approved automatically")! > 75)
        #expect(manual.measure("approved automatically") == 0)
    }

    @Test("optimised inspection routing saves more than 3 hours of circulation per inspected box")
    func diversion() throws {
        let (fifo, optimised) = try pair("diversion-fifo.json", "diversion-optimised.json")
        let saved = fifo.measure("mean circulation per inspected box")! - optimised.measure("mean circulation per inspected box")!
        #expect(saved > 180)
        #expect(optimised.measure("placed within 48 h") == optimised.measure("inspected boxes"))
    }
}

@Suite("Port capacities")
struct CapacityTests {
    @Test("vessels calling faster than one berth can discharge wait at anchor; a second berth shortens arrival to gate-out")
    func berthsBind() throws {
        func run(berths: Int) throws -> Double {
            let data = try ScenarioFiles.edited("pickup-ship-side.json", ScenarioFiles.parameters {
                $0["days"] = 1
                $0["vesselEveryHours"] = 1
                $0["boxesPerVessel"] = 120
                $0["berths"] = berths
            })
            return try Scenario.read(data).run().measure("mean vessel arrival to gate-out")!
        }
        let one = try run(berths: 1), two = try run(berths: 2)
        #expect(one > two + 30)
    }
}
