import ClearwayApp
import ClearwayCore
import Foundation
import Hummingbird

extension WebPages {
    /// Targeting rules in force, and a form to try a rule on recent declarations (dry run) before publishing it.
    func riskRules(_ request: Request, posted: Bool = false) async throws -> Response {
        try await workspace(request) { visit, principal in
            // Read inside the workspace, so a form past the limit is answered with a page.
            let form = posted ? try await WebForm.read(request) : nil
            let language = visit.language
            var values = form?.fields ?? ["lane": "documentary", "last": "500"]
            values["csrf"] = nil
            var extra: [String: Any] = [:]
            if let form {
                try checkCSRF(form, visit)
                let rule = try Self.rule(from: form, now: clearway.environment.now())
                if form["action"] == "publish" {
                    let published = try await clearway.authorRule(rule, by: principal)
                    extra["published"] = "\(published.id) v\(published.version)"
                } else {
                    let run = try await clearway.dryRun(rule, last: Int(form["last"]) ?? 500, by: principal)
                    extra["dryRun"] = ["evaluated": run.evaluated, "hits": run.hits,
                                       "numbers": run.hitCustomsNumbers.prefix(50).joined(separator: ", ")]
                }
            }
            let rules = try await clearway.riskRules(by: principal).map { rule -> [String: Any] in
                var conditions: [String] = []
                if let prefixes = rule.when.commodityPrefixes { conditions.append("HS \(prefixes.joined(separator: "/"))") }
                if let origins = rule.when.originCountries { conditions.append(origins.joined(separator: "/")) }
                if let tiers = rule.when.creditTiers { conditions.append(tiers.map(\.rawValue).joined(separator: "/")) }
                if let score = rule.when.scoreAtLeast { conditions.append("score ≥ \(score)") }
                return ["id": rule.id, "version": rule.version, "name": rule.name, "conditions": conditions.joined(separator: "; "),
                        "lane": laneLabel(rule.then.lane, language), "from": Self.display(rule.effectiveFrom)]
            }
            let lanes = Declaration.Lane.allCases.filter { $0 != .green }.map {
                ["value": $0.rawValue, "label": laneLabel($0, language), "selected": values["lane"] == $0.rawValue]
            }
            return render("risk-rules", context(visit, title: locales.text("rules_title", language), extra.merging([
                "rules": rules, "values": values, "lanes": lanes,
            ]) { a, _ in a }))
        }
    }

    /// The rule a form describes: comma-separated lists, a lane, effective from now.
    static func rule(from form: WebForm, now: Date) throws -> RiskRule {
        func list(_ key: String) -> [String]? {
            let items = form[key].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty }
            return items.isEmpty ? nil : items
        }
        guard let lane = Declaration.Lane(rawValue: form["lane"]) else {
            throw ClearanceError.invalid(ValidationFailure([FieldIssue("/then/lane", "lane-unknown", "choose a lane")]))
        }
        var conditions = RiskRule.Conditions()
        conditions.commodityPrefixes = list("commodityPrefixes")
        conditions.originCountries = list("originCountries")
        return RiskRule(id: form["id"].lowercased(), version: 1, name: form["name"], effectiveFrom: now, when: conditions,
                        then: .init(lane: lane, inspection: lane == .inspection ? .physical : nil, place: lane == .inspection ? .port : nil))
    }
}
