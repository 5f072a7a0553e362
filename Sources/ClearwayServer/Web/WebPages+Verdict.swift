import ClearwayApp
import ClearwayCore

extension WebPages {
    /// A credential's verdict as the verify page shows it, in the visitor's language.
    func verdict(_ verdict: Credentials.Verdict) -> [String: Any] {
        let language = Self.current?.language ?? "zh-CN"
        var context: [String: Any] = [
            "status": locales.text("verdict_\(verdict.status.rawValue)", language), "cssClass": verdict.status == .valid ? "valid" : "bad",
            "checks": verdict.checks.map { ["name": $0.name, "passed": $0.passed, "detail": $0.detail] as [String: Any] },
        ]
        if let issuer = verdict.issuer { context["issuer"] = issuer }
        if let id = verdict.credentialID { context["credentialID"] = id }
        return context
    }
}
