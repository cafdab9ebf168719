-- Events anyone can cause without signing in (single sign-on starts and failures) are written
-- at most a number of times a minute per action and organization ('' when none); past that
-- they are counted, and the next event written says how many were not. One row per action and
-- organization, so a flood grows neither this table nor the log.
CREATE TABLE audit_event_budget (
    action TEXT NOT NULL,
    org_id TEXT NOT NULL,
    minute TEXT NOT NULL,
    -- Events written this minute.
    recorded BIGINT NOT NULL,
    -- Events not written since the last one that was.
    unrecorded BIGINT NOT NULL,
    -- What the latest event written must say went unrecorded before it (-1: it was not written).
    to_say BIGINT NOT NULL,
    PRIMARY KEY (action, org_id)
);
