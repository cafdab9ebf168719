//! A trigram index of the text the audit log's free-text filter searches, so that a text found
//! in few events is found anywhere in the log at once. Each engine has its own kind, created
//! after the migrations, idempotently (as the users' search index, `users::search_index`):
//!
//! - PostgreSQL: a pg_trgm GIN index on the searched expression.
//! - SQLite: an FTS5 table with the trigram tokenizer (contentless: it holds the trigrams, not
//!   a second copy of the text), kept in step with `audit_events` by triggers.
//!
//! A text found in many events is still looked for a window of events at a time (`log.rs`):
//! the index would hand over all of them to be sorted.

use super::log::searched_text;
use crate::domain::{
    DomainResult,
    db::{Database, Engine},
    trigram_index,
};

/// Texts matched (by their trigrams) in more events than this are searched a window at a
/// time: reading this many candidates from the index costs about what a window does.
pub const TEXT_SEARCH_INDEXED_MATCHES: usize = 5_000;

/// What text searches do without the index.
const WITHOUT: &str = "the audit log's text search reads a window of events at a time";

/// Trigrams need three characters to look anything up.
const SHORTEST_INDEXED_TEXT: usize = 3;

/// How the log's free text can be looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditSearch {
    /// No index: a window of events at a time only.
    Windows,
    /// PostgreSQL's `audit_events_search_trigrams` GIN index on the searched expression.
    PostgresTrigrams,
    /// SQLite's `audit_search_trigrams` FTS5 table, its rows named in `audit_search_rows`.
    SqliteTrigrams,
}

/// FTS5 finds its rows by an integer rowid; the events' own is implicit (their key is text)
/// and `VACUUM` may renumber it, so each event gets a stable row number here.
fn sqlite_trigrams() -> String {
    let text = |row: &str| searched_text(Engine::Sqlite, row);
    format!(
        "\
CREATE TABLE audit_search_rows (row_id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE);
CREATE VIRTUAL TABLE audit_search_trigrams USING fts5(
    searched, tokenize = 'trigram', content = '', contentless_delete = 1, detail = 'none');
INSERT INTO audit_search_rows (event_id) SELECT id FROM audit_events ORDER BY at, id;
INSERT INTO audit_search_trigrams (rowid, searched)
    SELECT r.row_id, {all} FROM audit_search_rows r JOIN audit_events e ON e.id = r.event_id;
CREATE TRIGGER audit_search_insert AFTER INSERT ON audit_events BEGIN
    INSERT INTO audit_search_rows (event_id) VALUES (new.id);
    INSERT INTO audit_search_trigrams (rowid, searched)
        SELECT row_id, {new} FROM audit_search_rows WHERE event_id = new.id;
END;
CREATE TRIGGER audit_search_delete AFTER DELETE ON audit_events BEGIN
    DELETE FROM audit_search_trigrams WHERE rowid = (SELECT row_id FROM audit_search_rows WHERE event_id = old.id);
    DELETE FROM audit_search_rows WHERE event_id = old.id;
END;",
        all = text("e."),
        new = text("new."),
    )
}

impl AuditSearch {
    /// Creates the engine's index if it is missing, and says how searches should run.
    pub async fn prepare(db: &Database) -> DomainResult<Self> {
        Ok(match db.engine() {
            Engine::Postgres => {
                let index = format!(
                    "CREATE INDEX IF NOT EXISTS audit_events_search_trigrams ON audit_events USING gin (({}) gin_trgm_ops)",
                    searched_text(Engine::Postgres, "")
                );
                match trigram_index::postgres(db, &index, WITHOUT).await {
                    true => Self::PostgresTrigrams,
                    false => Self::Windows,
                }
            }
            Engine::Sqlite
                if trigram_index::sqlite(db, "audit_search_trigrams", &sqlite_trigrams(), WITHOUT).await? =>
            {
                Self::SqliteTrigrams
            }
            _ => Self::Windows,
        })
    }

    /// Whether `text` (lower case) can be looked up in the index. SQLite's trigrams are any
    /// three characters; pg_trgm takes its trigrams from words (letters and digits), and for a
    /// text without one of three it would hand over every event.
    pub(super) fn indexes(self, text: &str) -> bool {
        match self {
            Self::Windows => false,
            Self::SqliteTrigrams => text.chars().count() >= SHORTEST_INDEXED_TEXT,
            Self::PostgresTrigrams => {
                text.split(|c: char| !c.is_alphanumeric()).any(|word| word.chars().count() >= SHORTEST_INDEXED_TEXT)
            }
        }
    }
}

/// An FTS5 query for the events holding every trigram of `text` (the index keeps no
/// positions, so the events found are checked against the text itself afterwards).
pub(super) fn sqlite_trigram_query(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut trigrams: Vec<String> = chars.windows(3).map(|three| three.iter().collect()).collect();
    trigrams.sort();
    trigrams.dedup();
    trigrams.iter().map(|trigram| format!("\"{}\"", trigram.replace('"', "\"\""))).collect::<Vec<_>>().join(" AND ")
}

#[cfg(test)]
mod tests {
    use super::{AuditSearch, sqlite_trigram_query};

    #[test]
    fn postgresql_looks_up_only_a_text_with_a_word_of_three() {
        assert!(AuditSearch::PostgresTrigrams.indexes("target-4242"));
        assert!(!AuditSearch::PostgresTrigrams.indexes("---"));
        assert!(!AuditSearch::PostgresTrigrams.indexes("ab-cd"));
        assert!(AuditSearch::SqliteTrigrams.indexes("---"));
        assert!(!AuditSearch::Windows.indexes("target"));
    }

    #[test]
    fn a_text_is_looked_up_by_each_of_its_trigrams_once() {
        assert_eq!(sqlite_trigram_query("abcab"), "\"abc\" AND \"bca\" AND \"cab\"");
        assert_eq!(sqlite_trigram_query("ab\"c"), "\"ab\"\"\" AND \"b\"\"c\"");
        assert_eq!(sqlite_trigram_query("éte"), "\"éte\"");
    }
}
