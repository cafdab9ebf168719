-- Self-service API tokens. The secret is never stored: only its SHA-256 (the secret has full
-- entropy, so a slow hash is not needed), which requests are looked up by. A token is worth at
-- most its creator's current rights, narrowed by its restriction (permission patterns, and an
-- organization subtree).
CREATE TABLE api_tokens (
    id                  TEXT PRIMARY KEY,
    user_id             TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    -- The first characters of the secret, shown after creation so that a token can be told apart.
    prefix              TEXT NOT NULL,
    secret_hash         TEXT NOT NULL,
    -- JSON list of permission patterns, or NULL for every permission of the creator.
    restricted_to       TEXT,
    restricted_org_id   TEXT REFERENCES organizations (id) ON DELETE CASCADE,
    created_at          TEXT NOT NULL,
    -- NULL: no expiry (only where every organization of the creator allows it).
    expires_at          TEXT,
    last_used_at        TEXT,
    last_used_addr      TEXT,
    revoked_at          TEXT,
    revoked_by          TEXT,
    revoked_by_admin    BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX api_tokens_secret_hash ON api_tokens (secret_hash);
CREATE INDEX api_tokens_user ON api_tokens (user_id, name);

-- Each organization's rules for tokens; without a row, the defaults (365 days, an expiry required).
CREATE TABLE token_policies (
    org_id              TEXT PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    max_lifetime_days   BIGINT NOT NULL,
    allow_no_expiry     BIGINT NOT NULL,
    updated_at          TEXT NOT NULL,
    updated_by          TEXT
);

-- What was done through a token names it, beside its creator (the actor).
ALTER TABLE audit_events ADD COLUMN token_id TEXT;
ALTER TABLE audit_events ADD COLUMN token_name TEXT;
