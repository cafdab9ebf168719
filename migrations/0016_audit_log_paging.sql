-- The audit log is read newest first, a page at a time after the (time, id) of the last event
-- served: per organization, per target (an object's history), and across all (the root's log
-- with the events of no organization). Each index ends in (at, id) so that the next page is a
-- range scan that stops after one page, however many events there are.
DROP INDEX audit_events_org_at;
DROP INDEX audit_events_at;
CREATE INDEX audit_events_org_at_id ON audit_events (org_id, at, id);
CREATE INDEX audit_events_at_id ON audit_events (at, id);
CREATE INDEX audit_events_target_at_id ON audit_events (target_type, target_id, at, id);
