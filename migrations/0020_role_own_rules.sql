-- A role created with inline rules (seed 002's `POST /v1/iam/roles`) keeps them in a policy
-- of its own: `owner_role_id` names that role (one such policy per role), and no other role may
-- be composed of it. The role's deletion deletes it (in the domain, with its own audit event).
ALTER TABLE policies ADD COLUMN owner_role_id TEXT;
CREATE UNIQUE INDEX policies_owner_role ON policies (owner_role_id);
