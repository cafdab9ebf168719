-- Refused sign-ins go to the audit log aggregated per minute: the first refusal of each minute
-- writes one event that counts the refusals since the previous one, so a flood writes at most
-- one event a minute per account and address.
ALTER TABLE sign_in_throttled ADD COLUMN minute TEXT NOT NULL DEFAULT '';
-- Refusals since the last event, not yet in any event.
ALTER TABLE sign_in_throttled ADD COLUMN unrecorded BIGINT NOT NULL DEFAULT 0;
-- What the latest refusal's event must count (0: that refusal writes no event).
ALTER TABLE sign_in_throttled ADD COLUMN to_record BIGINT NOT NULL DEFAULT 0;
