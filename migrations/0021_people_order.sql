-- The member list can be ordered by name, when people joined and their last sign-in: one index
-- per order, on the same expressions the query orders and pages by (keyset on the key and the
-- id), so that a page of a large organization is read in order instead of sorting every member.
-- (The user list gathers its matches across organizations and orders them in memory.)
CREATE INDEX users_by_name ON users ((LOWER(full_name)), id);
CREATE INDEX users_by_last_sign_in ON users ((COALESCE(last_sign_in_at, '')), id);
CREATE INDEX memberships_by_joined ON memberships (org_id, joined_at, user_id);
