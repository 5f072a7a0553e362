/// The machine's floor for an event simulation: `events` exponential draws pushed through an agenda kept at
/// `pending` entries, with no model logic — what no engine on this machine can beat for the same events.
public enum EngineFloor {
    public static func run(events: Int, pending: Int, seed: UInt64) -> Double {
        var queue = EventQueue<Int>()
        var random = SeededRandom(seed: seed)
        var sink = 0.0
        for i in 0..<pending { queue.schedule(i, at: random.exponential(mean: 1)) }
        for i in 0..<events {
            guard let (at, _) = queue.next() else { break }
            sink += at
            queue.schedule(i, at: at + random.exponential(mean: Double(pending)))
        }
        return sink
    }
}
