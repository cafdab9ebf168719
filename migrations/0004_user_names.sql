-- Seed 003's user names. `full_name` stays: it is what the console shows, derived from these
-- (the preferred name, else first and last) when they are given.
ALTER TABLE users ADD COLUMN first_name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN last_name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN preferred_name TEXT NOT NULL DEFAULT '';
