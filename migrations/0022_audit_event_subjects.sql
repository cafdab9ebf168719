-- Whom an event concerns besides its target: a bulk role change targets the role, and each
-- member whose roles it changed is a subject of it, so that the member's history shows it. One
-- row per member changed (as many as the membership rows the change wrote), found by the
-- member, newest event first through the audit log's own (at, id) order.
CREATE TABLE audit_event_subjects (
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (subject_type, subject_id, event_id)
);
CREATE INDEX audit_event_subjects_event ON audit_event_subjects (event_id);
