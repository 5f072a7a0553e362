import Foundation

extension Declaration {
    /// Why a provisional release is not allowed now, or nil when it is (degraded mode, issue 14): the goods wait
    /// for nothing but agency approvals, every one of those agencies' systems is down, each approval may be waived
    /// by the routing rules, and the trading party is certified (AEO) — so the release is safe to take back if an
    /// agency refuses later.
    public static func provisionalReleaseRefusal(_ state: State, agenciesDown: Set<String>, tradingPartyTier: CreditTier)
        -> String?
    {
        guard state.status == .accepted else { return "not awaiting release" }
        guard unmetConditions(.release, container: nil, in: state) == [.agenciesApproved] else {
            return "waiting for more than agency approvals"
        }
        let open = (state.clearance.agencyApprovals ?? []).filter { $0.status != .approved }
        if open.contains(where: { $0.status == .rejected }) { return "an agency refused" }
        if let up = open.first(where: { !agenciesDown.contains($0.agency) }) { return "\(up.agency)'s system is up" }
        if let strict = open.first(where: { $0.provisionalAllowed != true }) {
            return "\(strict.kind) by \(strict.agency) is never waived"
        }
        guard tradingPartyTier == .advancedCertified || tradingPartyTier == .certified else {
            return "provisional release is for certified enterprises"
        }
        return nil
    }
}
