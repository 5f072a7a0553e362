import ClearwayApp
import ClearwayCore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The pages for people (`/`, `/login`, `/app/…`): server-rendered Mustache with a little JavaScript for live
/// updates; they call the same use cases as the API, as the person logged in through a session cookie.
struct WebPages: Sendable {
    let clearway: Clearway
    let pages: Pages
    let locales: Locales

    /// The visit of the request being handled, for page operations served through the API contract (`/verify`,
    /// `/fees`): set by ``WebVisitMiddleware`` outside `/api/`.
    @TaskLocal static var current: Visit?

    static let sessionCookie = "clearway_session"
    static let languageCookie = "lang"

    /// Who is asking and in which language.
    struct Visit: Sendable {
        var language: String
        var principal: Principal?
        var token: String?
        var path: String

        /// A per-session value every form carries back; a cross-site form cannot know it.
        var csrf: String {
            guard let token else { return "" }
            let digest = SHA256.hash(data: Data("clearway-csrf:\(token)".utf8))
            return digest.prefix(16).map { String(format: "%02x", $0) }.joined()
        }
    }

    func visit(_ request: Request) async throws -> Visit {
        // Resolved once per request by WebVisitMiddleware; the session is not looked up twice.
        if let current = Self.current { return current }
        let cookies = Self.cookies(request.headers[.cookie])
        let language = Locales.choose(cookie: cookies[Self.languageCookie], acceptLanguage: request.headers[.acceptLanguage])
        var visit = Visit(language: language, principal: nil, token: nil, path: request.uri.path)
        if let token = cookies[Self.sessionCookie], let found = try await clearway.authenticate(token: token) {
            visit.principal = found.principal
            visit.token = token
        }
        return visit
    }

    /// A logged-in person's visit, or the redirect to the login page for anyone else.
    enum Membership {
        case member(Visit, Principal)
        case redirect(Response)
    }

    /// The visit of a logged-in person, or a redirect to the login page.
    func member(_ request: Request) async throws -> Membership {
        let visit = try await visit(request)
        guard let principal = visit.principal else {
            return .redirect(Self.redirect("/login?next=\(request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/app")"))
        }
        return .member(visit, principal)
    }

    /// Runs a workspace page for a logged-in person: anyone else goes to the login page, and a refusal from the use
    /// case becomes an error page in the person's language.
    func workspace(_ request: Request, _ body: (Visit, Principal) async throws -> Response) async throws -> Response {
        switch try await member(request) {
        case .redirect(let redirect): return redirect
        case .member(let visit, let principal):
            do { return try await body(visit, principal) } catch { return self.error(visit, error) }
        }
    }

    /// Checks a form's CSRF field against the session.
    func checkCSRF(_ form: WebForm, _ visit: Visit) throws {
        guard !visit.csrf.isEmpty, form["csrf"] == visit.csrf else {
            throw ClearanceError.forbidden(reason: "the form is stale or did not come from this site; reload the page")
        }
    }

    static func cookies(_ header: String?) -> [String: String] {
        var found: [String: String] = [:]
        for part in (header ?? "").split(separator: ";") {
            let pieces = part.split(separator: "=", maxSplits: 1)
            guard pieces.count == 2 else { continue }
            found[pieces[0].trimmingCharacters(in: .whitespaces)] = pieces[1].trimmingCharacters(in: .whitespaces)
        }
        return found
    }

    /// The page chrome every template shares: labels, language switch, navigation for the role.
    func context(_ visit: Visit, title: String, _ extra: [String: Any] = [:]) -> [String: Any] {
        let t = locales.table(visit.language)
        var nav: [[String: Any]] = [["href": "/", "label": t["nav_home"]!]]
        if let principal = visit.principal {
            switch principal.role {
            case .trader, .broker:
                nav.append(["href": "/app/shipments", "label": t["nav_shipments"]!])
                nav.append(["href": "/app/declarations/new", "label": t["nav_new_declaration"]!])
                nav.append(["href": "/app/appointments", "label": t["nav_appointments"]!])
                nav.append(["href": "/app/exports", "label": t["nav_exports"]!])
            case .tradeServiceEnterprise:
                nav.append(["href": "/app/clients", "label": t["nav_clients"]!])
                nav.append(["href": "/app/shipments", "label": t["nav_shipments"]!])
                nav.append(["href": "/app/declarations/new", "label": t["nav_new_declaration"]!])
                nav.append(["href": "/app/exports", "label": t["nav_exports"]!])
            case .ecommercePlatform:
                nav.append(["href": "/app/tax-bills", "label": t["nav_tax_bills"]!])
            case .taxAgency:
                nav.append(["href": "/app/exports", "label": t["nav_rebates"]!])
                nav.append(["href": "/app/tax-bills", "label": t["nav_tax_bills"]!])
            case .forexAgency:
                nav.append(["href": "/app/exports", "label": t["nav_forex"]!])
            case .customsOfficer, .admin:
                nav.append(["href": "/app/queue", "label": t["nav_queue"]!])
                nav.append(["href": "/app/shipments", "label": t["nav_all_declarations"]!])
                nav.append(["href": "/app/diversion", "label": t["nav_diversion"]!])
                nav.append(["href": "/app/risk-rules", "label": t["nav_rules"]!])
                nav.append(["href": "/app/tax-bills", "label": t["nav_tax_bills"]!])
                nav.append(["href": "/app/exports", "label": t["nav_exports"]!])
            case .agencyOfficer, .quarantineOfficer:
                nav.append(["href": "/app/approvals", "label": t["nav_approvals"]!])
            case .terminalOperator:
                nav.append(["href": "/app/boxes", "label": t["nav_boxes"]!])
                nav.append(["href": "/app/diversion", "label": t["nav_diversion"]!])
            case .portAuthority:
                nav.append(["href": "/app/diversion", "label": t["nav_diversion"]!])
            default:
                nav.append(["href": "/app/shipments", "label": t["nav_all_declarations"]!])
            }
        }
        nav.append(["href": "/fees", "label": t["nav_fees"]!])
        nav.append(["href": "/fees/estimate", "label": t["nav_estimate"]!])
        nav.append(["href": "/statistics", "label": t["nav_statistics"]!])
        nav.append(["href": "/verify", "label": t["nav_verify"]!])
        for index in nav.indices { nav[index]["current"] = (nav[index]["href"] as? String) == visit.path }
        let back = visit.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
        let languages: [[String: Any]] = [
            ["code": "zh-CN", "name": "中文", "href": "/lang/zh-CN?back=\(back)", "current": visit.language == "zh-CN"],
            ["code": "en", "name": "English", "href": "/lang/en?back=\(back)", "current": visit.language == "en"],
        ]
        var context: [String: Any] = [
            "t": t, "lang": visit.language, "title": title, "nav": nav, "languages": languages, "csrf": visit.csrf,
        ]
        if let principal = visit.principal {
            context["user"] = ["name": principal.username, "role": principal.role.rawValue]
        }
        // An absent optional must be absent for Mustache: boxed as Any it is a truthy value that prints "nil".
        for (key, value) in extra {
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                if let wrapped = mirror.children.first?.value { context[key] = wrapped }
            } else {
                context[key] = value
            }
        }
        return context
    }

    /// A page of the API contract's HTML operations, in the visitor's language with the shared header.
    func html(_ template: String, title key: String, _ extra: [String: Any]) -> String {
        let visit = Self.current ?? Visit(language: "zh-CN", principal: nil, token: nil, path: "/")
        return pages.render(template, context(visit, title: locales.text(key, visit.language), extra))
    }

    func render(_ template: String, _ context: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentLanguage] = context["lang"] as? String ?? "zh-CN"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: pages.render(template, context))))
    }

    func error(_ visit: Visit, _ error: any Error) -> Response {
        let t = locales.table(visit.language)
        if let http = error as? HTTPError {
            let message = http.status == .contentTooLarge ? t["error_form-too-large"]! : http.body ?? http.status.reasonPhrase
            return render("error", context(visit, title: t["error_title"]!, ["message": message]), status: http.status)
        }
        guard let refusal = error as? ClearanceError else {
            return render("error", context(visit, title: t["error_title"]!, ["message": "\(error)"]), status: .internalServerError)
        }
        let status: HTTPResponse.Status = switch refusal {
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .unavailable: .serviceUnavailable
        case .conflict, .notAllowedInState, .idempotencyKeyReused, .full: .conflict
        case .invalid: .unprocessableContent
        case .unauthenticated: .unauthorized
        case .tooManyAttempts: .tooManyRequests
        }
        let lead = t["error_\(refusal.code)"].map { "\($0) " } ?? ""
        var detail = refusal.detail
        if case .invalid(let failure) = refusal { detail = failure.issues.map { "\($0.pointer): \($0.detail)" }.joined(separator: "; ") }
        return render("error", context(visit, title: t["error_title"]!, ["message": lead + detail]), status: status)
    }

    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    /// Only paths on this site may be returned to after a login or a language switch.
    static func localPath(_ text: String?) -> String {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), !text.contains("\\") else { return "/" }
        return text
    }

    /// A moment as people in China read it: 2026-05-28 10:30.
    static func display(_ date: Date) -> String {
        let c = ChinaTime.civil(date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year, c.month, c.day, c.hour, c.minute)
    }

    // MARK: Labels from Core's values

    func statusLabel(_ status: Declaration.Status?, _ language: String) -> String {
        status.map { locales.text("status_\($0.rawValue)", language) } ?? ""
    }

    func laneLabel(_ lane: Declaration.Lane?, _ language: String) -> String {
        locales.text(lane.map { "lane_\($0.rawValue)" } ?? "lane_pending", language)
    }

    /// "What are we waiting for", from Core's list: the condition and who must act.
    func waitingLabels(_ state: Declaration.State, _ language: String) -> [String] {
        let waits = Declaration.waiting(state)
        guard !waits.isEmpty else { return [locales.text("waiting_none", language)] }
        return waits.map { wait in
            let what = locales.text("wait_\(wait.code)", language)
            let who = locales.text("party_\(wait.party)", language)
            return wait.container.map { "\(what) (\(who), \($0))" } ?? "\(what) (\(who))"
        }
    }

    /// A declaration as the pages and the live feed show it.
    func summary(_ state: Declaration.State, _ language: String) -> [String: Any] {
        [
            "id": state.id, "customsNumber": state.customsNumber?.rawValue ?? "", "status": state.status?.rawValue ?? "",
            "statusLabel": statusLabel(state.status, language), "lane": state.clearance.lane?.rawValue ?? "pending",
            "laneLabel": laneLabel(state.clearance.lane, language), "waiting": waitingLabels(state, language),
            "containers": state.draft?.containers.map(\.number.rawValue).joined(separator: ", ") ?? "",
            "updated": state.updatedAt.map(Self.display) ?? "",
        ]
    }
}
