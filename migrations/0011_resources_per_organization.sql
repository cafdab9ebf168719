-- Resource ids are an organization's own: two tenants may both register `project:main`, and
-- registering one never tells a tenant that another uses the id. A policy names the instances
-- registered in its own organization.
CREATE TABLE iam_resources_by_org (
    org_id         TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    resource_type  TEXT NOT NULL,
    resource_id    TEXT NOT NULL,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (org_id, resource_type, resource_id)
);
INSERT INTO iam_resources_by_org (org_id, resource_type, resource_id, name, description, created_at, updated_at)
    SELECT org_id, resource_type, resource_id, name, description, created_at, updated_at FROM iam_resources;
DROP TABLE iam_resources;
ALTER TABLE iam_resources_by_org RENAME TO iam_resources;
CREATE INDEX iam_resources_org_type_name ON iam_resources (org_id, resource_type, name);
