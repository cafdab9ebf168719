-- The audit log's actor filter finds a person by id, recorded name or email: one index per key,
-- each ending in (at, id), so that both engines answer it from the three indexes (SQLite: a
-- multi-index OR; PostgreSQL: a bitmap OR) instead of walking every event in scope, whether the
-- scope is one organization or the root with every organization below. They replace the index
-- on (actor_id, at).
DROP INDEX audit_events_actor_at;
CREATE INDEX audit_events_actor_id ON audit_events (actor_id, at, id);
CREATE INDEX audit_events_actor_name ON audit_events (actor_name, at, id);
CREATE INDEX audit_events_actor_email ON audit_events (actor_email, at, id);
