//! Trigram indexes that let a substring search of users (`search_key LIKE '%term%'`) read
//! only the users holding the term instead of every user's key. Each engine has its own kind,
//! created after the migrations (which stay the same for both engines), idempotently:
//!
//! - PostgreSQL: a pg_trgm GIN index on `users.search_key`. Queries stay as they are; the
//!   planner uses the index.
//! - SQLite: an FTS5 table with the trigram tokenizer, kept in step with `users` by triggers.
//!   Queries must name it: [`UserSearch::matching_users`].
//!
//! Without them (pg_trgm not installable, FTS5 not built in) searches still work, by reading
//! every key.

use crate::domain::{
    DomainResult,
    db::{Database, Engine},
    trigram_index,
};

/// How a search for users by a term finds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserSearch {
    /// `users.search_key` is read directly (on PostgreSQL through the trigram index if any).
    Keys,
    /// SQLite's `users_search_trigrams` FTS5 table answers terms of three characters or more.
    SqliteTrigrams,
}

/// FTS5 finds its rows by an integer rowid. The users table's own rowid cannot serve: with a
/// TEXT primary key it is implicit, and `VACUUM` may renumber it. So each user gets a stable
/// row number here, and the triggers find the user's FTS row through it.
const SQLITE_TRIGRAMS: &str = "\
CREATE TABLE user_search_rows (row_id INTEGER PRIMARY KEY, user_id TEXT NOT NULL UNIQUE);
CREATE VIRTUAL TABLE users_search_trigrams USING fts5(search_key, tokenize = 'trigram', detail = 'none');
INSERT INTO user_search_rows (user_id) SELECT id FROM users;
INSERT INTO users_search_trigrams (rowid, search_key)
    SELECT r.row_id, u.search_key FROM user_search_rows r JOIN users u ON u.id = r.user_id;
CREATE TRIGGER users_search_trigrams_insert AFTER INSERT ON users BEGIN
    INSERT INTO user_search_rows (user_id) VALUES (new.id);
    INSERT INTO users_search_trigrams (rowid, search_key)
        SELECT row_id, new.search_key FROM user_search_rows WHERE user_id = new.id;
END;
CREATE TRIGGER users_search_trigrams_update AFTER UPDATE OF search_key ON users BEGIN
    UPDATE users_search_trigrams SET search_key = new.search_key
        WHERE rowid = (SELECT row_id FROM user_search_rows WHERE user_id = new.id);
END;
CREATE TRIGGER users_search_trigrams_delete AFTER DELETE ON users BEGIN
    DELETE FROM users_search_trigrams WHERE rowid = (SELECT row_id FROM user_search_rows WHERE user_id = old.id);
    DELETE FROM user_search_rows WHERE user_id = old.id;
END;";

/// What user searches do without the index.
const WITHOUT: &str = "user searches read every user";

/// Trigrams need three characters to look anything up; shorter terms read every key.
const SHORTEST_INDEXED_TERM: usize = 3;

impl UserSearch {
    /// Creates the engine's index if it is missing, and says how searches should run.
    pub async fn prepare(db: &Database) -> DomainResult<Self> {
        Ok(match db.engine() {
            Engine::Postgres => {
                trigram_index::postgres(
                    db,
                    "users_search_trigrams",
                    "users USING gin (search_key gin_trgm_ops)",
                    WITHOUT,
                )
                .await;
                Self::Keys
            }
            Engine::Sqlite if trigram_index::sqlite(db, "users_search_trigrams", SQLITE_TRIGRAMS, WITHOUT).await? => {
                Self::SqliteTrigrams
            }
            Engine::Sqlite => Self::Keys,
        })
    }

    /// `FROM ... WHERE ...` selecting the users (as `u`) whose search key matches the `LIKE`
    /// pattern bound as `$1` (from [`crate::domain::db::search_pattern`]).
    pub fn matching_users(self, pattern: &str) -> &'static str {
        let term_length = pattern.trim_matches('%').chars().count();
        match self {
            Self::SqliteTrigrams if term_length >= SHORTEST_INDEXED_TERM => {
                // CROSS JOIN keeps SQLite starting from the index.
                "FROM users_search_trigrams t CROSS JOIN user_search_rows r CROSS JOIN users u \
                 WHERE t.search_key LIKE $1 AND r.row_id = t.rowid AND u.id = r.user_id"
            }
            _ => "FROM users u WHERE u.search_key LIKE $1",
        }
    }
}
