-- The audit log's actor filter finds a person by id, recorded name or email: one index per key,
-- each within an organization and ending in (at, id), so that both engines answer it from the
-- three indexes (SQLite: a multi-index OR; PostgreSQL: a bitmap OR) instead of walking every
-- event of the organization. They replace the index on (actor_id, at), which no query uses.
DROP INDEX audit_events_actor_at;
CREATE INDEX audit_events_org_actor_id ON audit_events (org_id, actor_id, at, id);
CREATE INDEX audit_events_org_actor_name ON audit_events (org_id, actor_name, at, id);
CREATE INDEX audit_events_org_actor_email ON audit_events (org_id, actor_email, at, id);
