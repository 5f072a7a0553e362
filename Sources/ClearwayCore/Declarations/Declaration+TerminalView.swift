import Foundation

extension Declaration {
    /// What a terminal may know of one box (码头放行): whether it may leave or be loaded, not why customs holds it.
    public enum BoxRelease: String, Sendable, Codable, CaseIterable {
        /// Released and not held: the terminal may hand it out (import) or load it (export).
        case free
        /// Released but held by customs: it must not move.
        case held
        /// Not released yet.
        case notReleased = "not-released"
        /// Already out of the gate or loaded.
        case gone
        /// The declaration was cancelled or rejected: the box needs a new one.
        case noDeclaration = "no-declaration"
    }

    /// The release status of `container` on this declaration, as the terminal's board shows it.
    public static func boxRelease(_ state: State, container: String) -> BoxRelease {
        guard let status = state.status, status != .cancelled, status != .rejected else { return .noDeclaration }
        let box = state.boxes[container]
        if box?.gatedOutAt != nil || box?.loadedAt != nil { return .gone }
        guard state.clearance.releasedAt != nil else { return .notReleased }
        return state.clearance.holdReason == nil ? .free : .held
    }

    /// A box named by several declarations (a cancelled one and its replacement, an import and its re-export) moves
    /// only as freely as the strictest of them allows: held first, then not released, free, gone, no declaration.
    public static func boxRelease(of container: String, on states: [State]) -> (release: BoxRelease, declaration: State?) {
        let order: [BoxRelease] = [.held, .notReleased, .free, .gone, .noDeclaration]
        let strictest = states.map { ($0, boxRelease($0, container: container)) }
            .min { order.firstIndex(of: $0.1)! < order.firstIndex(of: $1.1)! }
        return (strictest?.1 ?? .noDeclaration, strictest?.0)
    }
}
