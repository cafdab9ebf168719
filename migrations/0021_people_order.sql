-- The user and member lists can be ordered by name, account age, when people joined and their
-- last sign-in: one index per order, on the same expressions the queries order and page by
-- (keyset on the key and the id), so a page of a large organization is read in order, not sorted.
CREATE INDEX users_by_name ON users ((LOWER(full_name)), id);
CREATE INDEX users_by_created ON users (created_at, id);
CREATE INDEX users_by_last_sign_in ON users ((COALESCE(last_sign_in_at, '')), id);
CREATE INDEX memberships_by_joined ON memberships (org_id, joined_at, user_id);
