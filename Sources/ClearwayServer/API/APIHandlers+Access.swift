import ClearwayAPI
import ClearwayApp
import ClearwayCore
import ClearwayStore
import Foundation

extension APIHandlers {
    func login(_ input: Operations.Login.Input) async throws -> Operations.Login.Output {
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no credentials") }
        let token = try await clearway.login(username: body.username, password: body.password)
        return .ok(.init(body: .json(.init(token))))
    }

    func whoAmI(_ input: Operations.WhoAmI.Input) async throws -> Operations.WhoAmI.Output {
        .ok(.init(body: .json(.init(try RequestPrincipal.required()))))
    }

    func listTokens(_ input: Operations.ListTokens.Input) async throws -> Operations.ListTokens.Output {
        let tokens = try await clearway.tokens(by: try RequestPrincipal.required())
        return .ok(.init(body: .json(tokens.map {
            .init(
                id: $0.id, kind: $0.kind, label: $0.label, createdAt: $0.createdAt, expiresAt: $0.expiresAt,
                revokedAt: $0.revokedAt)
        })))
    }

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        let principal = try RequestPrincipal.required()
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        return .created(.init(body: .json(.init(try await clearway.createToken(label: body.label, by: principal)))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        try await clearway.revokeToken(input.path.tokenId, by: try RequestPrincipal.required())
        return .noContent(.init())
    }

    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        let principal = try RequestPrincipal.required()
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let user = try await clearway.createUser(
            UserForm(
                username: body.username, password: body.password, role: body.role, partyID: body.partyId,
                office: body.office, agencyID: body.agencyId),
            by: principal, idempotencyKey: try idempotencyKey(input.headers.idempotencyKey))
        return .created(.init(body: .json(.init(user))))
    }

    func listParties(_ input: Operations.ListParties.Input) async throws -> Operations.ListParties.Output {
        let now = clearway.environment.now()
        let parties = try await clearway.parties(by: try RequestPrincipal.required())
        return .ok(.init(body: .json(parties.map { .init($0, now: now) })))
    }

    func registerParty(_ input: Operations.RegisterParty.Input) async throws -> Operations.RegisterParty.Output {
        let principal = try RequestPrincipal.required()
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let party = try await clearway.registerParty(
            PartyForm(name: body.name, creditCode: body.creditCode, customsCode: body.customsCode),
            tier: body.tier.flatMap { CreditTier(rawValue: $0.rawValue) } ?? .normal, by: principal,
            idempotencyKey: try idempotencyKey(input.headers.idempotencyKey))
        return .created(.init(body: .json(.init(party, now: clearway.environment.now()))))
    }

    func getParty(_ input: Operations.GetParty.Input) async throws -> Operations.GetParty.Output {
        let party = try await clearway.party(input.path.partyId, by: try RequestPrincipal.required())
        return .ok(.init(body: .json(.init(party, now: clearway.environment.now()))))
    }

    func setCreditTier(_ input: Operations.SetCreditTier.Input) async throws -> Operations.SetCreditTier.Output {
        let principal = try RequestPrincipal.required()
        guard case .json(let body) = input.body else { throw ClearanceError.unauthenticated(reason: "no body") }
        let party = try await clearway.setCreditTier(
            input.path.partyId, CreditTier(rawValue: body.tier.rawValue)!, effectiveFrom: body.effectiveFrom, by: principal)
        return .ok(.init(body: .json(.init(party, now: clearway.environment.now()))))
    }

    /// An Idempotency-Key header, checked for length.
    func idempotencyKey(_ header: String?) throws -> String? {
        guard let header else { return nil }
        guard (1...200).contains(header.count) else {
            throw ClearanceError.invalid(
                ValidationFailure([FieldIssue("/headers/Idempotency-Key", "idempotency-key-length", "1 to 200 characters")]))
        }
        return header
    }
}

extension Components.Schemas.IssuedToken {
    init(_ token: IssuedToken) {
        self.init(id: token.id, token: token.secret, expiresAt: token.expiresAt, principal: .init(token.principal))
    }
}
