import ClearwayCore
import Testing

@Suite("Hash chain")
struct EventChainTests {
    func chain(_ payloads: [String]) -> [EventChain.Link] {
        var previous = EventChain.genesis
        return payloads.enumerated().map { index, payload in
            let hash = EventChain.hash(
                previous: previous, streamID: "s", version: index + 1, name: "e", occurredAt: "t", actor: "a",
                payload: payload)
            defer { previous = hash }
            return EventChain.Link(
                position: Int64(index + 1), streamID: "s", version: index + 1, name: "e", occurredAt: "t", actor: "a",
                payload: payload, previousHash: previous, hash: hash)
        }
    }

    @Test("an untouched chain holds")
    func holds() { #expect(EventChain.verify(stream: chain(["{}", "{\"a\":1}", "{}"])) == nil) }

    @Test("changing one stored event breaks the chain at that event")
    func tamperedPayload() {
        var links = chain(["{}", "{\"a\":1}", "{}"])
        links[1].payload = "{\"a\":2}"
        let broken = EventChain.verify(stream: links)
        #expect(broken?.version == 2)
        #expect(broken?.reason.contains("content") == true)
    }

    @Test("a removed event is found as a gap in versions")
    func removedEvent() {
        var links = chain(["{}", "{}", "{}"])
        links.remove(at: 1)
        #expect(EventChain.verify(stream: links)?.version == 3)
    }

    @Test("field boundaries are part of the hash, so moving text between fields changes it")
    func boundaries() {
        let one = EventChain.hash(previous: "p", streamID: "ab", version: 1, name: "c", occurredAt: "t", actor: "a", payload: "x")
        let two = EventChain.hash(previous: "p", streamID: "a", version: 1, name: "bc", occurredAt: "t", actor: "a", payload: "x")
        #expect(one != two)
        #expect(one.count == 64)
    }
}
