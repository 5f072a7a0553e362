import ClearwayApp
import ClearwayCore
import Foundation
import HTTPTypes
import Hummingbird

extension WebPages {
    /// The paths the pages answer; they log people in with a cookie, not a bearer token.
    static func isPagePath(_ path: String) -> Bool {
        path == "/" || path == "/statistics" || path == "/fees/estimate" || path == "/login" || path == "/logout" || path.hasPrefix("/lang/") || path == "/app" || path.hasPrefix("/app/")
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("/") { request, _ in try await self.home(request) }
        router.get("/login") { request, _ in try await self.loginPage(request) }
        router.get("/statistics") { request, _ in try await self.statistics(request) }
        router.get("/fees/estimate") { request, _ in try await self.feeEstimate(request) }
        router.post("/login") { request, _ in try await self.login(request) }
        router.post("/logout") { request, _ in try await self.logout(request) }
        router.get("/lang/:code") { request, context in
            let code = context.parameters.get("code") ?? ""
            let back = Self.localPath(request.uri.queryParameters.get("back"))
            guard Locales.codes.contains(code) else { return Self.redirect(back) }
            return Self.redirect(back, cookies: ["\(Self.languageCookie)=\(code); Path=/; Max-Age=31536000; SameSite=Lax"])
        }
        router.get("/app") { request, _ in
            switch try await self.member(request) {
            case .redirect(let redirect): return redirect
            case .member(_, let principal):
                return Self.redirect(Self.home(of: principal.role))
            }
        }
        router.get("/app/shipments") { request, _ in try await self.shipments(request) }
        router.get("/app/declarations/new") { request, _ in try await self.newDeclaration(request) }
        router.post("/app/declarations") { request, _ in try await self.lodge(request) }
        router.get("/app/declarations/:id") { request, context in try await self.declaration(request, id: context.parameters.get("id") ?? "") }
        router.get("/app/queue") { request, _ in try await self.queue(request) }
        router.post("/app/declarations/:id/inspection") { request, context in
            try await self.recordInspection(request, id: context.parameters.get("id") ?? "")
        }
        router.get("/app/tax-bills") { request, _ in try await self.taxBills(request) }
        router.post("/app/tax-bills/:id/payment") { request, context in
            try await self.payTaxBill(request, id: context.parameters.get("id") ?? "")
        }
        router.get("/app/risk-rules") { request, _ in try await self.riskRules(request) }
        router.post("/app/risk-rules") { request, _ in try await self.riskRules(request, posted: true) }
        router.get("/app/approvals") { request, _ in try await self.approvals(request) }
        router.post("/app/declarations/:id/approval") { request, context in
            try await self.decideApproval(request, id: context.parameters.get("id") ?? "")
        }
        router.get("/app/appointments") { request, _ in try await self.appointments(request) }
        router.post("/app/appointments") { request, _ in try await self.appointments(request, posted: true) }
        router.get("/app/boxes") { request, _ in try await self.boxes(request) }
        router.post("/app/quarantine-approvals/:id/decision") { request, context in
            try await self.decideQuarantineApplication(request, id: context.parameters.get("id") ?? "")
        }
        router.get("/app/diversion") { request, _ in try await self.diversion(request) }
        router.post("/app/declarations/:id/unhold") { request, context in
            try await self.unhold(request, id: context.parameters.get("id") ?? "")
        }
        router.get("/app/live") { request, _ in try await self.live(request) }
        router.get("/app/exports") { request, _ in try await self.exports(request) }
        router.get("/app/exports/:id") { request, context in try await self.exportRecord(request, id: context.parameters.get("id") ?? "") }
        router.post("/app/exports/:id") { request, context in
            try await self.exportRecord(request, id: context.parameters.get("id") ?? "", posted: true)
        }
        router.get("/app/clients") { request, _ in try await self.clients(request) }
    }

    /// Where each role's workspace starts.
    static func home(of role: Role) -> String {
        switch role {
        case .customsOfficer, .admin: "/app/queue"
        case .terminalOperator: "/app/boxes"
        case .portAuthority: "/app/diversion"
        case .ecommercePlatform: "/app/tax-bills"
        case .taxAgency, .forexAgency: "/app/exports"
        case .tradeServiceEnterprise: "/app/clients"
        case .agencyOfficer, .quarantineOfficer: "/app/approvals"
        default: "/app/shipments"
        }
    }

    func home(_ request: Request) async throws -> Response {
        let visit = try await visit(request)
        return render("home", context(visit, title: locales.text("home_title", visit.language)))
    }

    func loginPage(_ request: Request, failed: String? = nil, username: String = "") async throws -> Response {
        let visit = try await visit(request)
        let next = Self.localPath(request.uri.queryParameters.get("next") ?? "/app")
        return render("login", context(visit, title: locales.text("login_title", visit.language),
                                       ["failed": failed as Any, "username": username, "next": next]),
                      status: failed == nil ? .ok : .unauthorized)
    }

    func login(_ request: Request) async throws -> Response {
        let form = try await WebForm.read(request)
        let visit = try await visit(request)
        do {
            let issued = try await clearway.login(username: form["username"], password: form["password"])
            let cookie = "\(Self.sessionCookie)=\(issued.secret); Path=/; HttpOnly; SameSite=Strict"
                + (issued.expiresAt.map { "; Max-Age=\(max(0, Int($0.timeIntervalSinceNow)))" } ?? "")
            return Self.redirect(Self.localPath(form.optional("next") ?? "/app"), cookies: [cookie])
        } catch ClearanceError.tooManyAttempts {
            return try await loginPage(request, failed: locales.text("login_throttled", visit.language), username: form["username"])
        } catch ClearanceError.unauthenticated {
            return try await loginPage(request, failed: locales.text("login_failed", visit.language), username: form["username"])
        }
    }

    func logout(_ request: Request) async throws -> Response {
        let visit = try await visit(request)
        let form = try await WebForm.read(request)
        if let principal = visit.principal, let token = visit.token, form["csrf"] == visit.csrf,
           let found = try await clearway.authenticate(token: token) {
            try await clearway.revokeToken(found.tokenID, by: principal)
        }
        return Self.redirect("/", cookies: ["\(Self.sessionCookie)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"])
    }
}
