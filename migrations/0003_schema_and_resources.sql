-- The permission schema's application resource types (Warden's own types live in code), and
-- the resource instances that applications register per organization.

-- One row: the application part of the schema as a JSON document, versioned as a whole.
CREATE TABLE permission_schema (
    id          BIGINT PRIMARY KEY,
    -- JSON array of {"key", "label", "description", "listable", "actions": [{"key", "label", "description"}]}.
    document    TEXT NOT NULL,
    version     BIGINT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT
);
INSERT INTO permission_schema (id, document, version, updated_at, updated_by)
VALUES (1, '[]', 1, '1970-01-01T00:00:00.000000Z', NULL);

-- A resource id is unique within its type across the whole tree, so that a policy naming
-- `project:p1` names exactly one project, and one registered elsewhere is recognisably foreign.
CREATE TABLE iam_resources (
    resource_type  TEXT NOT NULL,
    resource_id    TEXT NOT NULL,
    org_id         TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (resource_type, resource_id)
);
CREATE INDEX iam_resources_org_type_name ON iam_resources (org_id, resource_type, name);

CREATE INDEX policies_org_name_id ON policies (org_id, name, id);
