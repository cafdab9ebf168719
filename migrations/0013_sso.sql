-- Single sign-on through each organization's OpenID Connect provider, and where a member's
-- roles come from.

-- One provider per organization. The client secret is stored sealed (ChaCha20-Poly1305 under
-- the server's secret key, see src/domain/sso/secret_box.rs), never in the clear.
CREATE TABLE sso_configurations (
    org_id                 TEXT PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    issuer                 TEXT NOT NULL,
    client_id              TEXT NOT NULL,
    client_secret_sealed   TEXT NOT NULL,
    -- JSON arrays of strings.
    scopes                 TEXT NOT NULL,
    allowed_email_domains  TEXT NOT NULL,
    groups_claim           TEXT NOT NULL,
    jit_provisioning       BIGINT NOT NULL CHECK (jit_provisioning IN (0, 1)),
    -- 'additive' or 'authoritative'.
    mapping_mode           TEXT NOT NULL,
    enabled                BIGINT NOT NULL CHECK (enabled IN (0, 1)),
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    version                BIGINT NOT NULL DEFAULT 1
);

-- Which organizations an email domain signs in to (home realm discovery).
CREATE TABLE sso_email_domains (
    domain  TEXT NOT NULL,
    org_id  TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    PRIMARY KEY (domain, org_id)
);
CREATE INDEX sso_email_domains_org ON sso_email_domains (org_id);

-- Which account a provider's person (issuer and subject) is. An existing account is linked
-- at its first SSO sign-in only when it has no password, or when its owner is signed in with
-- it; pointing the organization at another issuer drops the links (see src/domain/sso/sign_in.rs).
CREATE TABLE sso_identities (
    org_id     TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    linked_at  TEXT NOT NULL,
    PRIMARY KEY (org_id, issuer, subject)
);
CREATE UNIQUE INDEX sso_identities_user ON sso_identities (org_id, issuer, user_id);

-- Sign-ins on their way through a provider: single use, short-lived. Looked up by the hash of
-- the `state` parameter; the browser that started it holds `binding` in its session.
CREATE TABLE sso_sign_in_requests (
    state_hash     TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    binding_hash   TEXT NOT NULL,
    nonce          TEXT NOT NULL,
    pkce_verifier  TEXT NOT NULL,
    return_to      TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL
);
CREATE INDEX sso_sign_in_requests_expires ON sso_sign_in_requests (expires_at);

-- The groups each user carried at their last SSO sign-in to an organization: the test bench
-- replays them, and the setup page lists those that map to nothing.
CREATE TABLE sso_sign_ins (
    org_id     TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    groups     TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX sso_sign_ins_org_at ON sso_sign_ins (org_id, at);

-- Where each role a member holds comes from: 'manual' (given by an admin), 'default' (the
-- organization's default roles at an SSO sign-in that matched no group) or 'sso' (the IdP group
-- in sso_group).
ALTER TABLE membership_roles ADD COLUMN source TEXT NOT NULL DEFAULT 'manual';
ALTER TABLE membership_roles ADD COLUMN sso_group TEXT;
