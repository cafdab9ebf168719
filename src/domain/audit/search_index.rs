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

use std::sync::{
    Arc,
    atomic::{AtomicU8, Ordering},
};

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
#[repr(u8)]
pub enum AuditSearch {
    /// No index: a window of events at a time only.
    Windows = 0,
    /// PostgreSQL's `audit_events_search_trigrams` GIN index on the searched expression.
    PostgresTrigrams = 1,
    /// SQLite's `audit_search_trigrams` FTS5 table, its rows named in `audit_search_rows`, in
    /// ranges per organization numbered in `audit_search_orgs`.
    SqliteTrigrams = 2,
}

/// How the log's free text is looked up, shared by every handle on the database: a PostgreSQL
/// server that started while another one was building the index turns to it once it looks
/// again (`Database::prepare_search_again`).
#[derive(Debug, Clone, Default)]
pub(crate) struct SharedAuditSearch(Arc<AtomicU8>);

impl SharedAuditSearch {
    pub(crate) fn get(&self) -> AuditSearch {
        match self.0.load(Ordering::Relaxed) {
            1 => AuditSearch::PostgresTrigrams,
            2 => AuditSearch::SqliteTrigrams,
            _ => AuditSearch::Windows,
        }
    }

    pub(crate) fn set(&self, search: AuditSearch) {
        self.0.store(search as u8, Ordering::Relaxed);
    }
}

/// Each organization's events have row numbers of their own range in the FTS5 table (the
/// organization's number times [`SQLITE_ROWS_PER_ORGANIZATION`], plus one per event), so that a
/// reader's scope is looked up as ranges: what the index finds, and how much, never depends on
/// other organizations' events. Events of no organization are number 0. FTS5 finds its rows by
/// an integer rowid; the events' own is implicit (their key is text) and `VACUUM` may renumber
/// it, so each event's row number is kept in `audit_search_rows`. An earlier shape (one range
/// for all) is replaced.
fn sqlite_trigrams() -> String {
    let text = |row: &str| searched_text(Engine::Sqlite, row);
    format!(
        "\
DROP TRIGGER IF EXISTS audit_search_insert;
DROP TRIGGER IF EXISTS audit_search_delete;
DROP TABLE IF EXISTS audit_search_trigrams;
DROP TABLE IF EXISTS audit_search_rows;
CREATE TABLE audit_search_orgs (number INTEGER PRIMARY KEY, org_id TEXT NOT NULL UNIQUE);
CREATE TABLE audit_search_rows (row_id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE);
CREATE VIRTUAL TABLE audit_search_trigrams USING fts5(
    searched, tokenize = 'trigram', content = '', contentless_delete = 1, detail = 'none');
INSERT INTO audit_search_orgs (org_id) SELECT DISTINCT org_id FROM audit_events WHERE org_id IS NOT NULL;
INSERT INTO audit_search_rows (row_id, event_id)
    SELECT COALESCE(o.number, 0) * {range} + ROW_NUMBER() OVER (PARTITION BY e.org_id ORDER BY e.at, e.id), e.id
    FROM audit_events e LEFT JOIN audit_search_orgs o ON o.org_id = e.org_id;
INSERT INTO audit_search_trigrams (rowid, searched)
    SELECT r.row_id, {all} FROM audit_search_rows r JOIN audit_events e ON e.id = r.event_id;
CREATE TRIGGER audit_search_insert AFTER INSERT ON audit_events BEGIN
    INSERT OR IGNORE INTO audit_search_orgs (org_id) SELECT new.org_id WHERE new.org_id IS NOT NULL;
    INSERT INTO audit_search_rows (row_id, event_id)
        SELECT COALESCE((SELECT MAX(row_id) FROM audit_search_rows WHERE row_id >= low AND row_id < low + {range}), low) + 1, new.id
        FROM (SELECT COALESCE((SELECT number FROM audit_search_orgs WHERE org_id = new.org_id), 0) * {range} AS low);
    INSERT INTO audit_search_trigrams (rowid, searched)
        SELECT row_id, {new} FROM audit_search_rows WHERE event_id = new.id;
END;
CREATE TRIGGER audit_search_delete AFTER DELETE ON audit_events BEGIN
    DELETE FROM audit_search_trigrams WHERE rowid = (SELECT row_id FROM audit_search_rows WHERE event_id = old.id);
    DELETE FROM audit_search_rows WHERE event_id = old.id;
END;",
        range = SQLITE_ROWS_PER_ORGANIZATION,
        all = text("e."),
        new = text("new."),
    )
}

/// The size of each organization's range of row numbers in SQLite's index: 2^40 events each,
/// for fewer than 2^23 organizations.
pub(super) const SQLITE_ROWS_PER_ORGANIZATION: i64 = 1 << 40;

impl AuditSearch {
    /// Creates the engine's index if it is missing, and says how searches should run.
    pub async fn prepare(db: &Database) -> DomainResult<Self> {
        Ok(match db.engine() {
            Engine::Postgres => {
                let on = format!("audit_events USING gin (({}) gin_trgm_ops)", searched_text(Engine::Postgres, ""));
                match trigram_index::postgres(db, "audit_events_search_trigrams", &on, WITHOUT).await {
                    true => Self::PostgresTrigrams,
                    false => Self::Windows,
                }
            }
            Engine::Sqlite if trigram_index::sqlite(db, "audit_search_orgs", &sqlite_trigrams(), WITHOUT).await? => {
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

/// An FTS5 query for the events holding every one of `trigrams` (the index keeps no
/// positions, so the events found are checked against the text itself afterwards).
pub(super) fn sqlite_trigram_query(trigrams: &[String]) -> String {
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
    fn each_trigram_is_quoted() {
        let query =
            |trigrams: &[&str]| sqlite_trigram_query(&trigrams.iter().map(|t| t.to_string()).collect::<Vec<_>>());
        assert_eq!(query(&["abc", "bca"]), "\"abc\" AND \"bca\"");
        assert_eq!(query(&["ab\"", "b\"c"]), "\"ab\"\"\" AND \"b\"\"c\"");
        assert_eq!(query(&["éte"]), "\"éte\"");
    }
}
