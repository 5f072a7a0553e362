import Synchronization

/// Wakes whoever follows the event log (live pages) when a transaction commits: on this node at once, and on every
/// node of a PostgreSQL deployment through LISTEN/NOTIFY, so followers wait for changes instead of polling.
public final class ChangeSignal: Sendable {
    private struct State {
        var generation = 0
        var waiters: [Int: CheckedContinuation<Int, Never>] = [:]
        var nextWaiter = 0
    }
    private let state = Mutex(State())

    public init() {}

    /// How many changes were signalled so far; pass it to `wait(after:timeout:)`.
    public var generation: Int { state.withLock { $0.generation } }

    /// Signals a change to every waiter.
    public func notify() {
        let (generation, waiters) = state.withLock { state -> (Int, [CheckedContinuation<Int, Never>]) in
            state.generation += 1
            defer { state.waiters = [:] }
            return (state.generation, Array(state.waiters.values))
        }
        for waiter in waiters { waiter.resume(returning: generation) }
    }

    /// Returns as soon as the generation passes `seen`, or after `timeout` (followers still look then: a signal is a
    /// hint to read, never the change itself). Answers the generation now.
    public func wait(after seen: Int, timeout: Duration) async -> Int {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.resume(id)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            let now = state.withLock { state -> Int? in
                if state.generation > seen { return state.generation }
                state.waiters[id] = continuation
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    private func resume(_ id: Int) {
        let found = state.withLock { state -> (CheckedContinuation<Int, Never>, Int)? in
            state.waiters.removeValue(forKey: id).map { ($0, state.generation) }
        }
        if let (continuation, generation) = found { continuation.resume(returning: generation) }
    }
}
