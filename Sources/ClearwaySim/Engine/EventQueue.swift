/// The simulator's agenda: a binary min-heap of timed events, earliest first and, at equal times, first scheduled
/// first — so a run is the same on every machine.
///
/// A plain array heap rather than swift-collections' min-max `Heap`: the simulator only ever takes the minimum, and
/// sift-down with one comparison per level is what the events-per-second figure rests on.
public struct EventQueue<Payload> {
    struct Entry {
        var time: Double
        var sequence: UInt64
        var payload: Payload
        init(time: Double, sequence: UInt64, payload: Payload) {
            self.time = time
            self.sequence = sequence
            self.payload = payload
        }
        func precedes(_ other: Entry) -> Bool {
            time < other.time || (time == other.time && sequence < other.sequence)
        }
    }

    var entries: [Entry] = []
    var scheduled: UInt64 = 0

    public init() {}

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    /// The time of the next event, if any.
    public var nextTime: Double? { entries.first?.time }

    public mutating func schedule(_ payload: Payload, at time: Double) {
        scheduled &+= 1
        entries.append(Entry(time: time, sequence: scheduled, payload: payload))
        var child = entries.count - 1
        let entry = entries[child]
        while child > 0 {
            let parent = (child - 1) >> 1
            guard entry.precedes(entries[parent]) else { break }
            entries[child] = entries[parent]
            child = parent
        }
        entries[child] = entry
    }

    public mutating func next() -> (time: Double, payload: Payload)? {
        guard let last = entries.popLast() else { return nil }
        guard !entries.isEmpty else { return (last.time, last.payload) }
        let first = entries[0]
        let count = entries.count
        var parent = 0
        while true {
            var child = 2 * parent + 1
            guard child < count else { break }
            if child + 1 < count, entries[child + 1].precedes(entries[child]) { child += 1 }
            guard entries[child].precedes(last) else { break }
            entries[parent] = entries[child]
            parent = child
        }
        entries[parent] = last
        return (first.time, first.payload)
    }
}

/// A virtual clock over an event queue: time in seconds from the run's start, advanced only by taking events.
public struct Simulation<Payload> {
    public private(set) var now: Double = 0
    public private(set) var processed = 0
    var agenda = EventQueue<Payload>()

    public init() {}

    public var pending: Int { agenda.count }

    public mutating func schedule(_ payload: Payload, at time: Double) {
        agenda.schedule(payload, at: Swift.max(time, now))
    }

    public mutating func schedule(_ payload: Payload, after delay: Double) {
        agenda.schedule(payload, at: now + Swift.max(delay, 0))
    }

    /// Takes the next event, moving the clock to its time; nil when nothing is left before `horizon`.
    public mutating func next(until horizon: Double = .infinity) -> Payload? {
        guard let time = agenda.nextTime, time <= horizon, let (at, payload) = agenda.next() else { return nil }
        now = at
        processed += 1
        return payload
    }
}
