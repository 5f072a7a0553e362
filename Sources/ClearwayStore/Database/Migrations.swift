import Foundation
import SQLKit

/// The schema as an ordered list of migrations; each is applied once, recorded in `schema_migrations`, never edited after it lands.
public enum Migrations {
    struct Migration: Sendable {
        var id: String
        var statements: @Sendable (Dialect) -> [String]
        /// Rows rewritten by the domain's own rules after the statements, in the same transaction.
        var rewrite: (@Sendable (any SQLDatabase) async throws -> Void)?

        init(id: String, statements: @escaping @Sendable (Dialect) -> [String]) {
            self.id = id
            self.statements = statements
        }

        init(id: String, rewrite: @escaping @Sendable (any SQLDatabase) async throws -> Void) {
            self.id = id
            self.statements = { _ in [] }
            self.rewrite = rewrite
        }
    }

    /// How many migrations this build knows.
    public static var count: Int { all.count }

    static let all: [Migration] = [
        Migration(id: "0001-event-store") { dialect in
            [
                """
                CREATE TABLE events (
                    position \(dialect.autoIncrementPrimaryKey),
                    stream_id TEXT NOT NULL,
                    stream_type TEXT NOT NULL,
                    version BIGINT NOT NULL,
                    name TEXT NOT NULL,
                    occurred_at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    UNIQUE (stream_id, version)
                )
                """,
                "CREATE INDEX events_stream_type ON events (stream_type, position)",
                """
                CREATE TABLE outbox (
                    id \(dialect.autoIncrementPrimaryKey),
                    event_position BIGINT NOT NULL,
                    stream_id TEXT NOT NULL,
                    topic TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    attempts BIGINT NOT NULL DEFAULT 0,
                    next_attempt_at TEXT,
                    delivered_at TEXT
                )
                """,
                "CREATE INDEX outbox_pending ON outbox (delivered_at, next_attempt_at)",
                "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
                """
                CREATE TABLE idempotency_keys (
                    scope TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    response TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    PRIMARY KEY (scope, idempotency_key)
                )
                """,
            ]
        },
        Migration(id: "0002-reference-data") { _ in
            [
                "CREATE TABLE offices (code TEXT PRIMARY KEY, name TEXT NOT NULL, name_zh TEXT NOT NULL, parent TEXT)",
                "CREATE TABLE agencies (id TEXT PRIMARY KEY, name TEXT NOT NULL, name_zh TEXT NOT NULL, kind TEXT NOT NULL)",
                """
                CREATE TABLE ports (locode TEXT PRIMARY KEY, name TEXT NOT NULL, name_zh TEXT NOT NULL,
                    office TEXT NOT NULL)
                """,
                "CREATE TABLE terminals (id TEXT PRIMARY KEY, name TEXT NOT NULL, port TEXT NOT NULL)",
                """
                CREATE TABLE code_tables (table_name TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL,
                    extra TEXT NOT NULL DEFAULT '', PRIMARY KEY (table_name, code))
                """,
                """
                CREATE TABLE hs_subheadings (edition TEXT NOT NULL, code TEXT NOT NULL, description TEXT NOT NULL,
                    PRIMARY KEY (edition, code))
                """,
                """
                CREATE TABLE reference_versions (name TEXT PRIMARY KEY, version TEXT NOT NULL, source TEXT NOT NULL,
                    loaded_at TEXT NOT NULL)
                """,
            ]
        },
        Migration(id: "0003-parties-and-access") { _ in
            [
                """
                CREATE TABLE parties (id TEXT PRIMARY KEY, name TEXT NOT NULL, credit_code TEXT NOT NULL UNIQUE,
                    customs_code TEXT UNIQUE, created_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE credit_tiers (party_id TEXT NOT NULL REFERENCES parties (id), tier TEXT NOT NULL,
                    effective_from TEXT NOT NULL, decided_by TEXT NOT NULL, decided_at TEXT NOT NULL,
                    PRIMARY KEY (party_id, effective_from))
                """,
                """
                CREATE TABLE users (id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
                    role TEXT NOT NULL, party_id TEXT REFERENCES parties (id), office TEXT, agency_id TEXT,
                    created_at TEXT NOT NULL, disabled_at TEXT)
                """,
                """
                CREATE TABLE tokens (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (id),
                    token_hash TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, label TEXT NOT NULL,
                    created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT)
                """,
                "CREATE INDEX tokens_user ON tokens (user_id)",
            ]
        },
        Migration(id: "0004-declarations") { _ in
            [
                """
                CREATE TABLE declarations (
                    id TEXT PRIMARY KEY,
                    customs_number TEXT NOT NULL UNIQUE,
                    status TEXT NOT NULL,
                    direction TEXT NOT NULL,
                    supervision_mode TEXT NOT NULL,
                    declarant_id TEXT NOT NULL,
                    trading_party_id TEXT NOT NULL,
                    declaration_office TEXT NOT NULL,
                    entry_exit_office TEXT NOT NULL,
                    accepted_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    version BIGINT NOT NULL,
                    state TEXT NOT NULL
                )
                """,
                "CREATE INDEX declarations_status ON declarations (status, accepted_at)",
                "CREATE INDEX declarations_office ON declarations (declaration_office, accepted_at)",
                "CREATE INDEX declarations_entry_office ON declarations (entry_exit_office, accepted_at)",
                "CREATE INDEX declarations_declarant ON declarations (declarant_id, accepted_at)",
                "CREATE INDEX declarations_trading ON declarations (trading_party_id, accepted_at)",
            ]
        },
        Migration(id: "0005-port-logistics") { dialect in
            [
                """
                CREATE TABLE procedure_rules (id \(dialect.autoIncrementPrimaryKey), procedure TEXT NOT NULL,
                    office TEXT, tiers TEXT NOT NULL, effective_from TEXT NOT NULL, effective_until TEXT)
                """,
                """
                CREATE TABLE declaration_keys (declaration_id TEXT NOT NULL, kind TEXT NOT NULL, key_value TEXT NOT NULL,
                    active BIGINT NOT NULL, PRIMARY KEY (declaration_id, kind, key_value))
                """,
                "CREATE INDEX declaration_keys_lookup ON declaration_keys (kind, key_value, active)",
                """
                CREATE TABLE port_events (
                    id \(dialect.autoIncrementPrimaryKey),
                    received_at TEXT NOT NULL,
                    occurred_at TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    container TEXT,
                    means TEXT,
                    voyage TEXT,
                    bill_of_lading TEXT,
                    source TEXT NOT NULL,
                    external_id TEXT,
                    reported_by TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    declarations TEXT NOT NULL
                )
                """,
                "CREATE INDEX port_events_container ON port_events (container, id)",
                """
                CREATE TABLE time_release (
                    declaration_id TEXT PRIMARY KEY,
                    accepted_at TEXT NOT NULL,
                    record TEXT NOT NULL
                )
                """,
                "CREATE INDEX time_release_accepted ON time_release (accepted_at)",
            ]
        },
        Migration(id: "0006-fees") { _ in
            [
                """
                CREATE TABLE fee_catalogs (
                    id TEXT PRIMARY KEY,
                    port TEXT NOT NULL,
                    charging_party TEXT NOT NULL,
                    version BIGINT NOT NULL,
                    effective_from TEXT NOT NULL,
                    effective_until TEXT,
                    catalog TEXT NOT NULL,
                    published_at TEXT NOT NULL,
                    UNIQUE (port, charging_party, version)
                )
                """,
                """
                CREATE TABLE invoices (
                    id TEXT PRIMARY KEY,
                    charging_party TEXT NOT NULL,
                    port TEXT NOT NULL,
                    declaration_id TEXT,
                    submitted_at TEXT NOT NULL,
                    state TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE invoice_lines (
                    invoice_id TEXT NOT NULL,
                    line_no BIGINT NOT NULL,
                    charging_party TEXT NOT NULL,
                    port TEXT NOT NULL,
                    declaration_id TEXT,
                    service_month TEXT NOT NULL,
                    currency TEXT NOT NULL,
                    charged_minor BIGINT NOT NULL,
                    allowed_minor BIGINT NOT NULL,
                    flags TEXT NOT NULL,
                    disputed BIGINT NOT NULL,
                    line TEXT NOT NULL,
                    PRIMARY KEY (invoice_id, line_no)
                )
                """,
                "CREATE INDEX invoice_lines_party ON invoice_lines (charging_party, service_month)",
                "CREATE INDEX invoice_lines_declaration ON invoice_lines (declaration_id)",
            ]
        },
        Migration(id: "0007-credentials") { _ in
            [
                "CREATE TABLE issuer_keys (did TEXT PRIMARY KEY, private_key TEXT NOT NULL, created_at TEXT NOT NULL)",
                """
                CREATE TABLE credentials (
                    id TEXT PRIMARY KEY,
                    declaration_id TEXT,
                    kind TEXT NOT NULL,
                    issuer TEXT NOT NULL,
                    issued_at TEXT NOT NULL,
                    document TEXT NOT NULL,
                    revoked_at TEXT,
                    revocation_reason TEXT
                )
                """,
                "CREATE INDEX credentials_declaration ON credentials (declaration_id)",
            ]
        },
        Migration(id: "0008-status-list") { _ in
            ["ALTER TABLE credentials ADD COLUMN status_index BIGINT"]
        },
        Migration(id: "0009-documents") { dialect in
            [
                """
                CREATE TABLE documents (hash TEXT PRIMARY KEY, media_type TEXT NOT NULL, size BIGINT NOT NULL,
                    content \(dialect.binaryType) NOT NULL, created_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE declaration_documents (declaration_id TEXT NOT NULL, hash TEXT NOT NULL REFERENCES documents (hash),
                    name TEXT NOT NULL, added_at TEXT NOT NULL, PRIMARY KEY (declaration_id, hash))
                """,
                "CREATE INDEX declaration_documents_hash ON declaration_documents (hash)",
            ]
        },
        Migration(id: "0010-suspension") { _ in
            ["ALTER TABLE credentials ADD COLUMN suspended_at TEXT"]
        },
        Migration(id: "0011-risk") { _ in
            [
                """
                CREATE TABLE risk_rules (id TEXT NOT NULL, version BIGINT NOT NULL, name TEXT NOT NULL, rule TEXT NOT NULL,
                    effective_from TEXT NOT NULL, effective_until TEXT, authored_by TEXT NOT NULL, authored_at TEXT NOT NULL,
                    PRIMARY KEY (id, version))
                """,
                "CREATE TABLE random_seeds (day TEXT PRIMARY KEY, seed TEXT NOT NULL, commitment TEXT NOT NULL, created_at TEXT NOT NULL)",
                """
                CREATE TABLE inspection_orders (declaration_id TEXT NOT NULL, order_no BIGINT NOT NULL, party_id TEXT NOT NULL,
                    customs_number TEXT NOT NULL, offices TEXT NOT NULL, kind TEXT NOT NULL, place TEXT NOT NULL, officer TEXT,
                    ordered_at TEXT NOT NULL, outcome TEXT, completed_at TEXT, green_channel BIGINT NOT NULL DEFAULT 0,
                    PRIMARY KEY (declaration_id, order_no))
                """,
                "CREATE INDEX inspection_orders_party ON inspection_orders (party_id, outcome)",
                "CREATE INDEX inspection_orders_open ON inspection_orders (completed_at, ordered_at)",
                "ALTER TABLE declarations ADD COLUMN destination_office TEXT",
            ]
        },
        Migration(id: "0012-quarantine-approvals") { _ in
            [
                """
                CREATE TABLE quarantine_approvals (id TEXT PRIMARY KEY, applicant_id TEXT NOT NULL, status TEXT NOT NULL,
                    submitted_at TEXT NOT NULL, state TEXT NOT NULL)
                """,
                "CREATE INDEX quarantine_approvals_status ON quarantine_approvals (status, submitted_at)",
                "CREATE TABLE login_failures (username TEXT NOT NULL, failed_at TEXT NOT NULL)",
                "CREATE INDEX login_failures_user ON login_failures (username, failed_at)",
            ]
        },
        Migration(id: "0013-diversion") { _ in
            [
                "CREATE TABLE diversion_networks (port TEXT PRIMARY KEY, network TEXT NOT NULL)",
                """
                CREATE TABLE inspection_site_status (site TEXT PRIMARY KEY, port TEXT NOT NULL, down BIGINT NOT NULL,
                    reason TEXT, changed_by TEXT NOT NULL, changed_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE diversion_boxes (id TEXT PRIMARY KEY, port TEXT NOT NULL, declaration_id TEXT NOT NULL,
                    order_no BIGINT NOT NULL, container TEXT NOT NULL, status TEXT NOT NULL, site TEXT, slot_start TEXT,
                    green_channel BIGINT NOT NULL, queued_at TEXT NOT NULL, returned_at TEXT, state TEXT NOT NULL)
                """,
                "CREATE INDEX diversion_boxes_port ON diversion_boxes (port, status)",
                "CREATE INDEX diversion_boxes_site ON diversion_boxes (site, slot_start)",
                "CREATE INDEX diversion_boxes_declaration ON diversion_boxes (declaration_id, order_no)",
                "CREATE INDEX diversion_boxes_container ON diversion_boxes (container, status)",
                "ALTER TABLE port_events ADD COLUMN location TEXT",
            ]
        },
        Migration(id: "0014-appointments") { _ in
            [
                """
                CREATE TABLE appointment_slots (site TEXT NOT NULL, slot_start TEXT NOT NULL, capacity BIGINT NOT NULL,
                    booked BIGINT NOT NULL, PRIMARY KEY (site, slot_start))
                """,
                """
                CREATE TABLE appointments (id TEXT PRIMARY KEY, party_id TEXT NOT NULL, site TEXT NOT NULL, slot_start TEXT NOT NULL,
                    status TEXT NOT NULL, reminded BIGINT NOT NULL, state TEXT NOT NULL)
                """,
                "CREATE INDEX appointments_site ON appointments (site, slot_start)",
                "CREATE INDEX appointments_reminder ON appointments (status, reminded, slot_start)",
                "CREATE INDEX appointments_party ON appointments (party_id, slot_start)",
            ]
        },
        Migration(id: "0015-edi-mailbox") { dialect in
            [
                """
                CREATE TABLE edi_correspondents (declaration_id TEXT PRIMARY KEY, party_id TEXT NOT NULL, sender TEXT NOT NULL,
                    reference TEXT NOT NULL, created_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE edi_messages (id \(dialect.autoIncrementPrimaryKey), party_id TEXT NOT NULL, declaration_id TEXT NOT NULL,
                    kind TEXT NOT NULL, interchange TEXT NOT NULL, created_at TEXT NOT NULL)
                """,
                "CREATE INDEX edi_messages_party ON edi_messages (party_id, id)",
            ]
        },
        Migration(id: "0016-agency-approvals") { _ in
            [
                """
                CREATE TABLE agency_approvals (declaration_id TEXT NOT NULL, agency TEXT NOT NULL, kind TEXT NOT NULL,
                    customs_number TEXT NOT NULL, offices TEXT NOT NULL, status TEXT NOT NULL, green_channel BIGINT NOT NULL,
                    due_at TEXT NOT NULL, approval TEXT NOT NULL, PRIMARY KEY (declaration_id, agency, kind))
                """,
                "CREATE INDEX agency_approvals_queue ON agency_approvals (agency, status, green_channel, due_at)",
            ]
        },
        Migration(id: "0017-webhooks") { dialect in
            [
                """
                CREATE TABLE webhook_subscriptions (id TEXT PRIMARY KEY, party_id TEXT, owner_user TEXT NOT NULL, url TEXT NOT NULL,
                    secret TEXT NOT NULL, topics TEXT NOT NULL, position BIGINT NOT NULL, failures BIGINT NOT NULL,
                    next_attempt_at TEXT, leased_until TEXT, last_error TEXT, created_at TEXT NOT NULL, active BIGINT NOT NULL)
                """,
                """
                CREATE TABLE webhook_deliveries (id \(dialect.autoIncrementPrimaryKey), subscription_id TEXT NOT NULL,
                    outbox_id BIGINT NOT NULL, attempted_at TEXT NOT NULL, delivered BIGINT NOT NULL, http_status BIGINT, error TEXT)
                """,
                "CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, id)",
                "CREATE INDEX outbox_stream ON outbox (stream_id, id)",
            ]
        },
        Migration(id: "0018-dependencies") { _ in
            [
                """
                CREATE TABLE dependencies (name TEXT PRIMARY KEY, down BIGINT NOT NULL, reason TEXT, since TEXT NOT NULL,
                    changed_by TEXT NOT NULL)
                """
            ]
        },
        Migration(id: "0019-ecommerce") { _ in
            [
                """
                CREATE TABLE cbec_parcels (id TEXT PRIMARY KEY, status TEXT NOT NULL, ebp_code TEXT NOT NULL, order_no TEXT NOT NULL,
                    invt_no TEXT UNIQUE, pre_no TEXT, waybill_key TEXT, buyer_key TEXT, assure_code TEXT, agent_code TEXT, value_fen BIGINT,
                    tax_fen BIGINT, first_received_at TEXT NOT NULL, released_at TEXT, missing_reported BIGINT NOT NULL DEFAULT 0,
                    updated_at TEXT NOT NULL, state TEXT NOT NULL)
                """,
                "CREATE INDEX cbec_parcels_status ON cbec_parcels (status, first_received_at)",
                "CREATE INDEX cbec_parcels_assure ON cbec_parcels (assure_code, status, released_at)",
                // A waybill may come before the list that names it: it waits here, keyed as the list will name it.
                """
                CREATE TABLE cbec_waybills (waybill_key TEXT PRIMARY KEY, parcel_id TEXT, document TEXT, received_at TEXT)
                """,
                // Each buyer's running total per calendar year, keyed by the keyed hash of the ID number only.
                """
                CREATE TABLE cbec_quota (buyer_key TEXT NOT NULL, year INTEGER NOT NULL, used_fen BIGINT NOT NULL,
                    PRIMARY KEY (buyer_key, year))
                """,
                "CREATE TABLE platform_secrets (name TEXT PRIMARY KEY, secret TEXT NOT NULL, created_at TEXT NOT NULL)",
            ]
        },
        Migration(id: "0020-tax-bills") { _ in
            [
                // Electronic tax guarantees: what each guarantor's bank stands for, and how much released parcels hold.
                """
                CREATE TABLE cbec_guarantees (assure_code TEXT PRIMARY KEY, bank TEXT NOT NULL, amount_fen BIGINT NOT NULL,
                    frozen_fen BIGINT NOT NULL DEFAULT 0, valid_until TEXT NOT NULL, updated_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE tax_bills (id TEXT PRIMARY KEY, assure_code TEXT NOT NULL, period TEXT NOT NULL, status TEXT NOT NULL,
                    total_fen BIGINT NOT NULL, bank_payment TEXT UNIQUE, issued_at TEXT NOT NULL, paid_at TEXT, state TEXT NOT NULL)
                """,
                "CREATE INDEX tax_bills_assure ON tax_bills (assure_code, period)",
                "CREATE INDEX cbec_parcels_released ON cbec_parcels (status, released_at)",
            ]
        },
        Migration(id: "0021-export-chain") { dialect in
            [
                """
                CREATE TABLE export_parcels (id TEXT PRIMARY KEY, status TEXT NOT NULL, ebp_code TEXT NOT NULL, order_no TEXT NOT NULL,
                    invt_no TEXT UNIQUE, pre_no TEXT, waybill_key TEXT, agent_code TEXT, ebc_code TEXT, owner_code TEXT,
                    released_at TEXT, period TEXT, summary TEXT, first_received_at TEXT NOT NULL, updated_at TEXT NOT NULL, state TEXT NOT NULL)
                """,
                "CREATE INDEX export_parcels_waybill ON export_parcels (waybill_key)",
                "CREATE INDEX export_parcels_summary ON export_parcels (period, summary, status)",
                // A waybill may come before the list that names it: it waits here, keyed as the list will name it.
                "CREATE TABLE export_waybills (waybill_key TEXT PRIMARY KEY, parcel_id TEXT, document TEXT, received_at TEXT)",
                """
                CREATE TABLE export_summaries (sum_no TEXT PRIMARY KEY, period TEXT NOT NULL, agent_code TEXT NOT NULL,
                    customs_code TEXT NOT NULL, deadline TEXT NOT NULL, generated_at TEXT NOT NULL, requested_by TEXT NOT NULL,
                    summary TEXT NOT NULL, result TEXT NOT NULL)
                """,
                "CREATE INDEX export_summaries_agent ON export_summaries (agent_code, period)",
                """
                CREATE TABLE export_records (id TEXT PRIMARY KEY, source TEXT NOT NULL, reference TEXT NOT NULL UNIQUE,
                    exporter TEXT NOT NULL, producer TEXT NOT NULL, service_firm TEXT, stage TEXT NOT NULL, forex_status TEXT,
                    closed_at TEXT NOT NULL, updated_at TEXT NOT NULL, state TEXT NOT NULL)
                """,
                "CREATE INDEX export_records_stage ON export_records (stage, closed_at)",
                """
                CREATE TABLE agency_reads (id \(dialect.autoIncrementPrimaryKey), read_at TEXT NOT NULL, user_id TEXT NOT NULL,
                    username TEXT NOT NULL, agency TEXT NOT NULL, record_id TEXT NOT NULL, fields TEXT NOT NULL)
                """,
                "CREATE INDEX agency_reads_record ON agency_reads (record_id, id)",
                """
                CREATE TABLE service_authorisations (service_party TEXT NOT NULL, client_party TEXT NOT NULL, valid_from TEXT NOT NULL,
                    valid_until TEXT NOT NULL, granted_by TEXT NOT NULL, granted_at TEXT NOT NULL, revoked_at TEXT,
                    PRIMARY KEY (service_party, client_party))
                """,
            ]
        },
        // A message's envelope is built from its event when read (the event row holds every field of it), so the
        // copy each message kept, about a third of what a lodgement wrote, goes.
        Migration(id: "0022-outbox-without-copies") { _ in
            ["ALTER TABLE outbox DROP COLUMN payload"]
        },
        // Every lodgement looks up the unmatched conveyance and bill events that came before it by their key (box
        // events it finds by container), not through every event ever logged. SQLite and PostgreSQL both use these.
        Migration(id: "0023-unmatched-port-events") { _ in
            [
                """
                CREATE INDEX port_events_unmatched_conveyance ON port_events ((UPPER(means)), (COALESCE(UPPER(voyage), '')))
                WHERE outcome = 'unmatched' AND container IS NULL
                """,
                "CREATE INDEX port_events_unmatched_bill ON port_events (bill_of_lading) WHERE outcome = 'unmatched' AND container IS NULL",
            ]
        },
        // An event kept until its declaration comes is applied then as it was reported: a tally's result, which
        // manifest was filed and a pick-up at ship side are kept with it (they were lost, and an early tally never
        // counted as normal).
        Migration(id: "0024-port-event-details") { _ in
            [
                "ALTER TABLE port_events ADD COLUMN at_ship_side BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE port_events ADD COLUMN tally_normal BIGINT",
                "ALTER TABLE port_events ADD COLUMN manifest TEXT",
            ]
        },
        // A retracted event stays in the log, marked, and is never applied again.
        Migration(id: "0025-port-event-retractions") { _ in
            ["ALTER TABLE port_events ADD COLUMN retracted_at TEXT"]
        },
        // Answers kept for idempotency keys are forgotten after a lifetime, oldest first.
        Migration(id: "0026-idempotency-expiry") { _ in
            ["CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)"]
        },
        // An event's versions and retractions find it by the sender's id of the event, through an index; a version
        // older than one already received is told by its revision time. Logged versions get their event's id back
        // from their delivery's (`eventID@version`).
        Migration(id: "0027-port-event-versions") { dialect in
            let before = dialect == .postgres ? "split_part(external_id, '@', 1)"
                : "CASE WHEN instr(external_id, '@') > 0 THEN substr(external_id, 1, instr(external_id, '@') - 1) ELSE external_id END"
            return [
                "ALTER TABLE port_events ADD COLUMN event_id TEXT",
                "ALTER TABLE port_events ADD COLUMN revised_at TEXT",
                "UPDATE port_events SET event_id = CASE WHEN source IN ('dcsa-3.0', 'edifact') THEN \(before) ELSE external_id END",
                "CREATE INDEX port_events_sender_event ON port_events (source, event_id)",
            ]
        },
        // Container keys written before a box's stay ended its declaration's interest in the box (its pick-up or
        // loading) stayed active, so a reused box's next events reached the old declaration: each declaration still
        // listening for a box has its keys written again from its state.
        Migration(id: "0028-box-stays", rewrite: { db in
            let listening = try await db.raw(
                "SELECT DISTINCT declaration_id FROM declaration_keys WHERE kind = 'container' AND active = 1 ORDER BY declaration_id"
            ).all().map { try $0.decode(column: "declaration_id", as: String.self) }
            for id in listening {
                guard let state = try await DeclarationTable.find(id, on: db) else { continue }
                try await DeclarationKeys.update(state, on: db)
            }
        }),
        // Outbox and EDI mailbox ids are taken when a row is written, not when its transaction commits: readers now
        // follow the places rows are given once committed (`Placement`).
        Migration(id: "0029-outbox-published") { _ in
            Placement.migration("outbox") + Placement.migration("edi_messages")
                + ["CREATE INDEX edi_messages_party_place ON edi_messages (party_id, published)"]
        },
    ]

    /// Applies every migration not yet recorded; returns the ids it applied. Safe to run from several nodes at once.
    @discardableResult
    public static func run(on store: any Store, now: Date = Date()) async throws -> [String] {
        try await run(on: store, now: now, before: nil)
    }

    /// Applies the migrations not yet recorded that come before the one named `before` (all when nil): a test's
    /// database of an older schema, to see what a migration does to the rows written before it.
    @discardableResult
    static func run(on store: any Store, now: Date = Date(), before: String?) async throws -> [String] {
        let pending = before.flatMap { last in all.firstIndex { $0.id == last } }.map { Array(all[..<$0]) } ?? all
        return try await store.transaction { db in
            if store.dialect == .postgres {
                // One node migrates at a time; the others wait here, then find nothing left to do.
                try await db.raw("SELECT pg_advisory_xact_lock(7242019)").run()
            }
            try await db.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            ).run()
            let done = Set(try await db.raw("SELECT id FROM schema_migrations").all().map {
                try $0.decode(column: "id", as: String.self)
            })
            var applied: [String] = []
            for migration in pending where !done.contains(migration.id) {
                for statement in migration.statements(store.dialect) {
                    try await db.raw("\(unsafeRaw: statement)").run()
                }
                try await migration.rewrite?(db)
                try await db.raw(
                    "INSERT INTO schema_migrations (id, applied_at) VALUES (\(bind: migration.id), \(bind: now.timestamp))"
                ).run()
                applied.append(migration.id)
            }
            return applied
        }
    }
}
