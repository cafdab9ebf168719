-- The organization tree as a closure table, and the authorization model: policies (lists of
-- statements), roles (sets of policies), and the roles of each membership.

-- One row per (ancestor, descendant) pair, including each org with itself at depth 0.
-- Children come from organizations.parent_id; ancestors and whole subtrees are each one
-- indexed look-up here (see src/domain/tree.rs).
CREATE TABLE organization_closure (
    ancestor_id    TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    descendant_id  TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    depth          BIGINT NOT NULL,
    PRIMARY KEY (ancestor_id, descendant_id)
);
CREATE INDEX organization_closure_descendant ON organization_closure (descendant_id, depth);

INSERT INTO organization_closure (ancestor_id, descendant_id, depth)
WITH RECURSIVE chain (ancestor_id, descendant_id, depth) AS (
    SELECT id, id, 0 FROM organizations
    UNION ALL
    SELECT o.parent_id, chain.descendant_id, chain.depth + 1
    FROM chain JOIN organizations o ON o.id = chain.ancestor_id
    WHERE o.parent_id IS NOT NULL
)
SELECT ancestor_id, descendant_id, depth FROM chain;

CREATE INDEX organizations_name ON organizations (name);

CREATE TABLE policies (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    -- JSON array of {"effect": "allow"|"deny", "actions": [...], "resources": [...]}.
    statements   TEXT NOT NULL,
    managed      BIGINT NOT NULL DEFAULT 0 CHECK (managed IN (0, 1)),
    -- Predefined policies and roles: super_admin, admin, member.
    slug         TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    created_by   TEXT,
    version      BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX policies_org_name ON policies (org_id, name);

CREATE TABLE roles (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    is_default       BIGINT NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    managed          BIGINT NOT NULL DEFAULT 0 CHECK (managed IN (0, 1)),
    slug             TEXT,
    -- JSON array of IdP group names that grant this role at SSO sign-in.
    sso_group_names  TEXT NOT NULL DEFAULT '[]',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    created_by       TEXT,
    version          BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX roles_org_name ON roles (org_id, name);
CREATE UNIQUE INDEX roles_org_slug ON roles (org_id, slug);

CREATE TABLE role_policies (
    role_id    TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    policy_id  TEXT NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
    PRIMARY KEY (role_id, policy_id)
);
CREATE INDEX role_policies_policy ON role_policies (policy_id);

CREATE TABLE membership_roles (
    org_id   TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    role_id  TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, user_id, role_id),
    FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, user_id) ON DELETE CASCADE
);
CREATE INDEX membership_roles_role ON membership_roles (role_id);
CREATE INDEX membership_roles_user ON membership_roles (user_id);

-- Bumped in the same transaction as every change that can alter a decision, so that every
-- app server's decision cache notices changes made by the others.
CREATE TABLE authz_generation (
    id          BIGINT PRIMARY KEY,
    generation  BIGINT NOT NULL
);
INSERT INTO authz_generation (id, generation) VALUES (1, 0);
