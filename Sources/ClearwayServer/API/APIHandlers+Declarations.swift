import ClearwayAPI
import ClearwayApp
import ClearwayCore
import ClearwayStore
import Foundation

extension APIHandlers {
    func lodgeDeclaration(_ input: Operations.LodgeDeclaration.Input) async throws -> Operations.LodgeDeclaration.Output {
        let principal = try RequestPrincipal.required()
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.lodge(
            DeclarationForm(body), by: principal, idempotencyKey: try idempotencyKey(input.headers.idempotencyKey))
        return .created(.init(body: .json(try await declaration(state))))
    }

    func getDeclaration(_ input: Operations.GetDeclaration.Input) async throws -> Operations.GetDeclaration.Output {
        let state = try await clearway.declaration(input.path.declarationId, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(try await declaration(state))))
    }

    func amendDeclaration(_ input: Operations.AmendDeclaration.Input) async throws -> Operations.AmendDeclaration.Output {
        let principal = try RequestPrincipal.required()
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.amend(
            input.path.declarationId, DeclarationForm(body), by: principal,
            expectedVersion: try version(input.headers.ifMatch))
        return .ok(.init(body: .json(try await declaration(state))))
    }

    func getDeclarationEvents(_ input: Operations.GetDeclarationEvents.Input) async throws
        -> Operations.GetDeclarationEvents.Output
    {
        let timeline = try await clearway.timeline(input.path.declarationId, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(timeline.map(Components.Schemas.TimelineEvent.init))))
    }

    func bindTransport(_ input: Operations.BindTransport.Input) async throws -> Operations.BindTransport.Output {
        let principal = try RequestPrincipal.required()
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.bindTransport(
            input.path.declarationId, means: body.means, voyage: body.voyage, by: principal,
            expectedVersion: try version(input.headers.ifMatch))
        return .ok(.init(body: .json(try await declaration(state))))
    }

    func cancelDeclaration(_ input: Operations.CancelDeclaration.Input) async throws -> Operations.CancelDeclaration.Output {
        let principal = try RequestPrincipal.required()
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.cancel(
            input.path.declarationId, reason: body.reason, by: principal, expectedVersion: try version(input.headers.ifMatch))
        return .ok(.init(body: .json(try await declaration(state))))
    }

    func rejectDeclaration(_ input: Operations.RejectDeclaration.Input) async throws -> Operations.RejectDeclaration.Output {
        let principal = try RequestPrincipal.required()
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let state = try await clearway.reject(
            input.path.declarationId, reason: body.reason, by: principal, expectedVersion: try version(input.headers.ifMatch))
        return .ok(.init(body: .json(try await declaration(state))))
    }

    func listDeclarations(_ input: Operations.ListDeclarations.Input) async throws -> Operations.ListDeclarations.Output {
        let principal = try RequestPrincipal.required()
        var issues = IssueCollector()
        let query = input.query
        var cursor: DeclarationQuery.Cursor?
        if let token = query.cursor {
            cursor = DeclarationQuery.Cursor(token: token)
            if cursor == nil { issues.add("/query/cursor", "cursor-invalid", "the cursor is not one this server issued") }
        }
        let office = query.office.flatMap { code in
            issues.check("/query/office") { () throws(IdentifierError) in try OfficeCode(code) }
        }
        if let limit = query.limit, !(1...200).contains(limit) {
            issues.add("/query/limit", "limit-range", "limit is between 1 and 200")
        }
        do { try issues.finish() } catch { throw ClearanceError.invalid(error) }
        let page = try await clearway.declarations(
            DeclarationQuery(
                status: query.status.flatMap { Declaration.Status(rawValue: $0.rawValue) }, office: office,
                partyID: query.party, acceptedFrom: query.acceptedFrom, acceptedBefore: query.acceptedBefore,
                after: cursor, limit: query.limit ?? 50),
            by: principal)
        let currencies = try await clearway.referenceData().currencies
        return .ok(.init(body: .json(.init(
            items: page.items.map { .init($0, currencies: currencies, now: clearway.environment.now()) }, nextCursor: page.next?.token))))
    }

    func declaration(_ state: Declaration.State) async throws -> Components.Schemas.Declaration {
        .init(state, currencies: try await clearway.referenceData().currencies, now: clearway.environment.now())
    }

    /// The version an If-Match header names (`3` or `"3"`).
    private func version(_ header: String?) throws -> Int? {
        guard let header else { return nil }
        guard let version = Int(header.trimmingCharacters(in: CharacterSet(charactersIn: "\" W/"))) else {
            throw ClearanceError.invalid(
                ValidationFailure([FieldIssue("/headers/If-Match", "version-format", "If-Match holds a version number")]))
        }
        return version
    }
}
