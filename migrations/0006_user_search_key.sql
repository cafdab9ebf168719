-- What a search for users matches against: the lower-cased email and full name in one
-- column (kept by the application on every write), so that a search reads one value per
-- user instead of lower-casing two.
ALTER TABLE users ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
UPDATE users SET search_key = email_normalized || ' ' || LOWER(full_name);
-- Searches walk the users in email order reading only this index (email, id, search key),
-- and check membership for the matches.
CREATE INDEX users_search ON users (email_normalized, id, search_key);
