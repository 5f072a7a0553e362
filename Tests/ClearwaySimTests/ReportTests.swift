import ClearwaySim
import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("Simulation reports")
struct ReportTests {
    @Test("the CSV has a row per box, the chart is well-formed SVG naming both runs, the table shows the change")
    func report() throws {
        let short = ScenarioFiles.parameters { $0["days"] = 1 }
        let yard = try Scenario.read(ScenarioFiles.edited("pickup-yard.json", short)).run()
        let shipSide = try Scenario.read(ScenarioFiles.edited("pickup-ship-side.json", short)).run()
        let csv = SimulationReport.csv(yard).split(separator: "\r\n")
        #expect(csv.count == 1 + 600)
        #expect(csv.first == "container,vessel,lane,vessel_arrival,released_min,discharged_min,gated_out_min,discharge_to_gate_out_min,route,status")
        let svg = SimulationReport.histogram([yard, shipSide], title: "Yard <versus> ship side")
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(parser.parserError.map(String.init(describing:)) ?? "")")
        #expect(svg.contains("Yard &lt;versus&gt; ship side"))
        #expect(svg.contains("Direct pick-up at ship side (mean"))
        let table = SimulationReport.table([yard, shipSide]).split(separator: "\n")
        let line = try #require(table.first { $0.hasPrefix("median discharge to gate-out (min)") })
        #expect(line.hasSuffix("%"))
    }
}
