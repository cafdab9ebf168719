-- Sign-in attempts refused by throttling, counted per account and client address instead of
-- written to the audit log one row each: the log gets one event when such a run starts.
CREATE TABLE sign_in_throttled (
    email_normalized  TEXT NOT NULL,
    client_addr       TEXT NOT NULL,
    first_at          TEXT NOT NULL,
    last_at           TEXT NOT NULL,
    attempts          BIGINT NOT NULL,
    PRIMARY KEY (email_normalized, client_addr)
);
