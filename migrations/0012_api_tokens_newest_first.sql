-- Admins page through their members' tokens newest first (keyset on created_at, id).
CREATE INDEX api_tokens_created ON api_tokens (created_at, id);
