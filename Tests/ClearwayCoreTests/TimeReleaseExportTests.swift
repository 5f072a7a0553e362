import ClearwayCore
import ClearwayInterop
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@Suite("Time release output")
struct TimeReleaseExportTests {
    @Test("the table, CSV and SVG carry the same figures")
    func outputs() throws {
        let rows = TimeRelease.report(TimeReleaseTests.log, by: .lane)
        let table = TimeReleaseExport.table(rows)
        #expect(table.contains("inspection  arrival-release"))
        #expect(table.split(separator: "\n").first?.hasPrefix("group") == true)
        let csv = TimeReleaseExport.csv(rows)
        #expect(csv.contains("inspection,arrival-release,1,36000.0,36000.0,36000.0,36000.0"))
        let svg = TimeReleaseExport.svg(rows, title: "lanes <&>")
        #expect(svg.contains("lanes &lt;&amp;&gt;"))
        #expect(svg.contains("<title>p90 10.00 h</title>"))
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "the SVG is not well-formed XML")
    }
}
