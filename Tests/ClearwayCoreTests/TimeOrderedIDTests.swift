import ClearwayCore
import Foundation
import Testing

@Suite("Time-ordered identifiers")
struct TimeOrderedIDTests {
    @Test("an identifier is a version-7 UUID carrying the millisecond it was made (RFC 9562 appendix A.6)")
    func layout() throws {
        // The RFC's example instant: 2022-02-22 19:22:22.000 UTC, 0x017F22E279B0 milliseconds after 1970.
        let instant = Date(timeIntervalSince1970: 1_645_557_742)
        let id = TimeOrderedID.Sequence().next(at: instant)
        let parsed = try #require(UUID(uuidString: id))
        let bytes = withUnsafeBytes(of: parsed.uuid) { Array($0) }
        #expect(id == id.lowercased())
        #expect(id.hasPrefix("017f22e2-79b0-7"))
        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
        #expect(TimeOrderedID.milliseconds(of: id) == 0x017F_22E2_79B0)
        #expect(TimeOrderedID.milliseconds(of: UUID().uuidString.lowercased()) == nil)
        #expect(TimeOrderedID.milliseconds(of: TimeOrderedID.make()) ?? 0 >= 0x017F_22E2_79B0)
    }

    @Test("identifiers made one after another sort in the order they were made, even within a millisecond or when the clock steps back")
    func ordering() {
        let sequence = TimeOrderedID.Sequence()
        let start = Date()
        var made: [String] = []
        for index in 0..<10_000 {
            // Every 1,000th one asks with a clock a second behind: it still sorts after the ones before.
            made.append(sequence.next(at: index % 1_000 == 999 ? start.addingTimeInterval(-1) : start))
        }
        let sorted = made.sorted()
        let unique = Set(made).count
        #expect(sorted == made)
        #expect(unique == made.count)
    }
}
