-- The organization where an account was created, its home: that organization's admins (and
-- those above it whose access reaches it) manage the account; memberships elsewhere neither
-- grant nor block that. Accounts created before this were homed where they joined first (the
-- root for accounts that belong nowhere). An account whose home is deleted is managed from the
-- root.
ALTER TABLE users ADD COLUMN home_org_id TEXT REFERENCES organizations (id) ON DELETE SET NULL;
UPDATE users SET home_org_id = (
    SELECT m.org_id FROM memberships m WHERE m.user_id = users.id ORDER BY m.joined_at, m.org_id LIMIT 1
);
UPDATE users SET home_org_id = (SELECT id FROM organizations WHERE parent_id IS NULL) WHERE home_org_id IS NULL;
CREATE INDEX users_home ON users (home_org_id);
