-- Warden's foundation: accounts, the organization table, memberships, the audit log and
-- sign-in throttling. Portable SQL: the same file runs on SQLite and PostgreSQL
-- (ids and timestamps are TEXT, see src/domain/clock.rs; JSON is TEXT; flags are BIGINT 0/1,
-- because sqlx's Any driver cannot read SQLite's BOOLEAN columns).

CREATE TABLE users (
    id                TEXT PRIMARY KEY,
    email             TEXT NOT NULL,
    -- Lower-cased email: uniqueness and look-up are case-insensitive.
    email_normalized  TEXT NOT NULL,
    full_name         TEXT NOT NULL,
    status            TEXT NOT NULL,
    password_hash     TEXT,
    -- Bumped on password change and disabling; sessions from an older epoch are void.
    session_epoch     BIGINT NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    last_sign_in_at   TEXT
);
CREATE UNIQUE INDEX users_email_normalized ON users (email_normalized);

CREATE TABLE organizations (
    id                                TEXT PRIMARY KEY,
    name                              TEXT NOT NULL,
    code                              TEXT,
    contact_email                     TEXT NOT NULL,
    updates_email                     TEXT,
    parent_id                         TEXT REFERENCES organizations (id),
    can_have_child_organizations      BIGINT NOT NULL DEFAULT 1 CHECK (can_have_child_organizations IN (0, 1)),
    parent_has_access                 BIGINT NOT NULL DEFAULT 1 CHECK (parent_has_access IN (0, 1)),
    parent_has_access_to_descendants  BIGINT NOT NULL DEFAULT 1 CHECK (parent_has_access_to_descendants IN (0, 1)),
    logo_url                          TEXT,
    metadata                          TEXT NOT NULL DEFAULT '{}',
    created_at                        TEXT NOT NULL,
    updated_at                        TEXT NOT NULL,
    created_by                        TEXT,
    version                           BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX organizations_code ON organizations (code);
CREATE INDEX organizations_parent ON organizations (parent_id);

CREATE TABLE memberships (
    org_id     TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    joined_at  TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

-- Append-only. No foreign keys: the record outlives what it describes.
CREATE TABLE audit_events (
    id           TEXT PRIMARY KEY,
    at           TEXT NOT NULL,
    actor_id     TEXT,
    actor_name   TEXT NOT NULL,
    org_id       TEXT,
    action       TEXT NOT NULL,
    target_type  TEXT,
    target_id    TEXT,
    target_name  TEXT,
    before_json  TEXT,
    after_json   TEXT,
    request_id   TEXT,
    client_addr  TEXT
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_org_at ON audit_events (org_id, at);
CREATE INDEX audit_events_actor_at ON audit_events (actor_id, at);

-- Failed sign-ins inside the throttling window, kept in the database so that every app
-- server sees the same counts.
CREATE TABLE sign_in_failures (
    id                TEXT PRIMARY KEY,
    at                TEXT NOT NULL,
    email_normalized  TEXT NOT NULL,
    client_addr       TEXT NOT NULL
);
CREATE INDEX sign_in_failures_email_at ON sign_in_failures (email_normalized, at);
CREATE INDEX sign_in_failures_addr_at ON sign_in_failures (client_addr, at);
CREATE INDEX sign_in_failures_at ON sign_in_failures (at);
