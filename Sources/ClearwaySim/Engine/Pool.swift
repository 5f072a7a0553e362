import DequeModule

/// A counted resource (officers, cranes, gates, inspection lanes) with a first-come-first-served queue of the
/// entities waiting for one unit.
public struct Pool: Sendable {
    public let capacity: Int
    public private(set) var busy = 0
    public private(set) var waiting = Deque<Int>()
    /// Seconds × units busy, for utilisation.
    public private(set) var busyTime = 0.0
    private var lastChange = 0.0

    public init(capacity: Int) { self.capacity = capacity }

    /// Takes a unit for `entity` if one is free; otherwise queues it and answers false.
    public mutating func request(_ entity: Int, at now: Double) -> Bool {
        if busy < capacity {
            account(now)
            busy += 1
            return true
        }
        waiting.append(entity)
        return false
    }

    /// Gives a unit back; answers the next waiting entity, which now holds it.
    public mutating func release(at now: Double) -> Int? {
        if let next = waiting.popFirst() { return next }
        account(now)
        busy -= 1
        return nil
    }

    /// Share of the capacity busy from 0 to `now`.
    public func utilisation(at now: Double) -> Double {
        guard now > 0, capacity > 0 else { return 0 }
        return (busyTime + Double(busy) * (now - lastChange)) / (now * Double(capacity))
    }

    private mutating func account(_ now: Double) {
        busyTime += Double(busy) * (now - lastChange)
        lastChange = now
    }
}
