//! Reading the audit log: an organization's events, newest first, filtered and paged by
//! (time, id) so that the millionth page costs what the first does; each event with the fields
//! it changed, before and after.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;
use sqlx::{Executor, Row};

use super::{
    search_index::{AuditSearch, SQLITE_ROWS_PER_ORGANIZATION, TEXT_SEARCH_INDEXED_MATCHES, sqlite_trigram_query},
    trigram_sample::{SAMPLED_EVENTS, TrigramSample},
};
use crate::domain::{
    Actor, Database, Domain, DomainError, DomainResult, Engine, FieldError, Timestamp, authz::permissions::Permission,
    cursor, orgs::Organization,
};

/// One row of the audit log as read back.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditRecord {
    pub id: String,
    pub at: String,
    pub actor_id: Option<String>,
    pub actor_name: String,
    /// The actor's email at the time (events before it was kept: the account's email later).
    pub actor_email: Option<String>,
    /// The identity provider the actor signed in through, for SSO sign-ins and their sessions.
    pub actor_provider: Option<String>,
    pub org_id: Option<String>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub target_name: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
    /// The API token the actor acted through, if any: `(id, name)`.
    pub token: Option<(String, String)>,
}

impl AuditRecord {
    /// A text field of the object as the event left it.
    pub fn after_text(&self, field: &str) -> Option<String> {
        self.after.as_ref().and_then(|after| after[field].as_str()).map(str::to_owned)
    }

    /// A list of texts of the object as the event left it (empty when it had none).
    pub fn after_texts(&self, field: &str) -> Vec<String> {
        let items = self.after.as_ref().and_then(|after| after[field].as_array());
        items.into_iter().flatten().filter_map(|item| item.as_str().map(str::to_owned)).collect()
    }
}

/// A field an event changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldChange {
    pub field: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// An event as the audit page and API show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    #[serde(flatten)]
    pub record: AuditRecord,
    /// The names of the organizations from the root down to the event's (empty for events of
    /// no organization, such as sign-ins).
    pub org_path: Vec<String>,
    /// What changed, field by field (for events that carry a before and an after).
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub events: Vec<AuditEntry>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    /// With free text, when the page is short because the search read its window of
    /// [`TEXT_SEARCH_WINDOW`] events: the time of the oldest event read. `next_cursor` resumes
    /// the search from there.
    pub searched_to: Option<String>,
    /// The id of the target the filter named (by id, or as its email, name or code finds
    /// it: see `audit::target`), for a page that links to the object.
    #[serde(skip)]
    pub target_id: Option<String>,
}

/// Free text found in too few of the newest events to fill a page from this many (judged from
/// the newest `SAMPLED_EVENTS`) is looked up in the text search index (`search_index.rs`),
/// read once, unless that finds more than [`TEXT_SEARCH_INDEXED_MATCHES`]
/// events of the scope (on PostgreSQL, matching the whole filter; on SQLite, holding the text's
/// rare trigrams, whatever the other filters) or the text is too short for trigrams; otherwise
/// it is looked for by reading this many events of the scope, newest first: a text found often
/// fills a page from them, and for another the page is short, and its cursor resumes after the
/// last event read.
pub const TEXT_SEARCH_WINDOW: usize = 3_000;

/// Whose history: an object of an organization, as its events name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryOf<'a> {
    Organization,
    Sso,
    Policy(&'a str),
    Role(&'a str),
    Member(&'a str),
    Group(&'a str),
    Token(&'a str),
}

impl<'a> HistoryOf<'a> {
    /// The events' target type and id; the organization's own objects are named by its id.
    fn target(self, org_id: &'a str) -> (&'static str, &'a str) {
        match self {
            Self::Organization => ("organization", org_id),
            Self::Sso => ("sso_configuration", org_id),
            Self::Policy(id) => ("policy", id),
            Self::Role(id) => ("role", id),
            Self::Member(user_id) => ("user", user_id),
            Self::Group(id) => ("user_group", id),
            Self::Token(id) => ("token", id),
        }
    }
}

/// What to show of an organization's audit log. Text fields are matched as given (trimmed);
/// empty ones filter nothing.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// The actor's user id, or their name as recorded.
    pub actor: Option<String>,
    /// An action (`role.updated`), or a family of them (`role.*`).
    pub action: Option<String>,
    pub target_type: Option<String>,
    /// The target's id; with a target type, a user may be named by email, a role or a policy of
    /// the organization by name, an organization by code (what the page's pickers fill in).
    pub target_id: Option<String>,
    /// From this time on (RFC 3339).
    pub from: Option<String>,
    /// Before this time (RFC 3339).
    pub until: Option<String>,
    /// Text found in the action, the actor's or the target's name or id, or the changed values.
    pub text: Option<String>,
    /// Also the events of the organizations below that the reader may read the log of.
    pub include_descendants: bool,
    pub cursor: Option<String>,
    pub limit: usize,
}

const COLUMNS: &str = "id, at, actor_id, actor_name, org_id, action, target_type, target_id, target_name, \
                       before_json, after_json, request_id, client_addr, token_id, token_name, actor_email, actor_provider";

fn audit_read() -> Permission {
    Permission::new("audit", "read")
}

impl Domain {
    /// Whether the actor may open the organization's audit log.
    pub async fn may_read_audit(&self, actor: &Actor, org_id: &str) -> DomainResult<bool> {
        self.may(actor, org_id, &audit_read()).await
    }

    /// The organization's audit log as the actor may read it (`audit:read` there; below it,
    /// only the organizations where they hold it too). The root's log also holds the events of
    /// no organization (sign-ins, accounts).
    pub async fn audit_log(&self, actor: &Actor, org_id: &str, filter: &AuditFilter) -> DomainResult<AuditPage> {
        let org = self.audited_organization(actor, org_id).await?;
        self.events_of(actor, &org, filter).await
    }

    /// One object's own events, newest first (its History tab), for whoever may read the log of
    /// the organization it belongs to.
    pub async fn history(
        &self,
        actor: &Actor,
        org_id: &str,
        of: HistoryOf<'_>,
        cursor: Option<String>,
        limit: usize,
    ) -> DomainResult<AuditPage> {
        let org = self.audited_organization(actor, org_id).await?;
        let (target_type, target_id) = of.target(&org.id);
        let filter = AuditFilter {
            target_type: Some(target_type.to_owned()),
            target_id: Some(target_id.to_owned()),
            cursor,
            limit,
            ..AuditFilter::default()
        };
        self.events_of(actor, &org, &filter).await
    }

    /// An event of one object, for whoever may read the organization's log: the version of the
    /// object it recorded (a History's "restore this version"). Any other event is NotFound.
    pub async fn version_of(
        &self,
        actor: &Actor,
        org_id: &str,
        of: HistoryOf<'_>,
        event_id: &str,
    ) -> DomainResult<AuditRecord> {
        let org = self.audited_organization(actor, org_id).await?;
        self.event_of(&org.id, of, event_id)
            .await?
            .ok_or_else(|| DomainError::NotFound { resource_type: "audit_event", resource_id: event_id.to_owned() })
    }

    /// Checks that a change restores a version the actor may read (`audit:read`) of this very
    /// object; any other event is an invalid `restored_from`.
    pub(crate) async fn restorable_version(
        &self,
        actor: &Actor,
        org_id: &str,
        of: HistoryOf<'_>,
        event_id: &str,
    ) -> DomainResult<()> {
        match self.version_of(actor, org_id, of, event_id).await {
            Err(DomainError::NotFound { resource_type: "audit_event", .. }) => Err(DomainError::invalid(
                "restored_from",
                "not_found",
                "There is no such version of this object in the audit log",
            )),
            other => other.map(|_| ()),
        }
    }

    /// The event `event_id`, if it is one of this object's in this organization (no
    /// authorization: see [`Self::version_of`]).
    async fn event_of(&self, org_id: &str, of: HistoryOf<'_>, event_id: &str) -> DomainResult<Option<AuditRecord>> {
        let (target_type, target_id) = of.target(org_id);
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_events WHERE id = $1 AND org_id = $2 AND target_type = $3 AND target_id = $4"
        ))
        .bind(event_id)
        .bind(org_id)
        .bind(target_type)
        .bind(target_id)
        .fetch_optional(self.db.pool())
        .await?;
        row.as_ref().map(record).transpose()
    }

    pub(super) async fn audited_organization(&self, actor: &Actor, org_id: &str) -> DomainResult<Organization> {
        let org = self.visible_organization(actor, org_id).await?;
        self.authorize(actor, &org.id, &audit_read()).await?;
        Ok(org)
    }

    async fn events_of(&self, actor: &Actor, org: &Organization, filter: &AuditFilter) -> DomainResult<AuditPage> {
        let scope = self.scope_of(actor, org, filter.include_descendants).await?;
        let filter = &self.with_target_by_id(actor, org, filter).await?;
        let found = page(&self.db, &scope, &Conditions::of(filter)?, filter.limit + 1).await?;
        let mut records = found.records;
        let (next_cursor, searched_to) = match cursor::page_end(&mut records, filter.limit, |r| (&r.at, &r.id)) {
            Some(next) => (Some(next), None),
            None => match found.read_to {
                Some((at, id)) => (Some(cursor::encode(&at, &id)), Some(at)),
                None => (None, None),
            },
        };
        Ok(AuditPage {
            events: self.entries(records).await,
            has_more: next_cursor.is_some(),
            next_cursor,
            searched_to,
            target_id: filter.target_id.clone(),
        })
    }

    /// Whose events the actor reads from `org`'s log: its own, with `descendants` those below
    /// where the actor holds `audit:read` too.
    pub(super) async fn scope_of(&self, actor: &Actor, org: &Organization, descendants: bool) -> DomainResult<Scope> {
        let mut orgs = vec![org.id.clone()];
        if descendants {
            for below in self.authz.descendants(&self.db, &org.id).await? {
                if self.may(actor, &below, &audit_read()).await? {
                    orgs.push(below);
                }
            }
        }
        Ok(Scope { orgs, unplaced: org.parent_organization_id.is_none() })
    }

    /// Each record with its organization's path (as the tree is now, each looked up once;
    /// empty for an organization deleted since) and its changes.
    pub(super) async fn entries(&self, records: Vec<AuditRecord>) -> Vec<AuditEntry> {
        let mut paths: HashMap<String, Vec<String>> = HashMap::new();
        let mut events = Vec::with_capacity(records.len());
        for record in records {
            let org_path = match &record.org_id {
                Some(org_id) => {
                    if !paths.contains_key(org_id) {
                        let path = self.authz.path(&self.db, org_id).await.unwrap_or_default();
                        paths.insert(org_id.clone(), path.into_iter().rev().map(|node| node.name).collect());
                    }
                    paths[org_id].clone()
                }
                None => Vec::new(),
            };
            let changes = changes(record.before.as_ref(), record.after.as_ref());
            events.push(AuditEntry { record, org_path, changes });
        }
        events
    }
}

/// The fields that differ between `before` and `after`: each key of either object whose value
/// changed; a value that is not an object is one field, `value`.
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<FieldChange> {
    let as_fields = |value: Option<&Value>| match value {
        Some(Value::Object(fields)) => fields.clone(),
        Some(other) => serde_json::Map::from_iter([("value".to_owned(), other.clone())]),
        None => serde_json::Map::new(),
    };
    let (before, after) = (as_fields(before), as_fields(after));
    let mut fields: Vec<&String> = before.keys().chain(after.keys()).collect();
    fields.sort();
    fields.dedup();
    fields
        .into_iter()
        .filter(|field| before.get(*field) != after.get(*field))
        .map(|field| FieldChange {
            field: field.clone(),
            before: before.get(field).cloned(),
            after: after.get(field).cloned(),
        })
        .collect()
}

/// Whose events: these organizations', and with `unplaced` the events of none.
#[derive(Debug, Clone)]
pub(super) struct Scope {
    orgs: Vec<String>,
    unplaced: bool,
}

/// The filter as SQL conditions on bound text values.
pub(super) struct Conditions {
    sql: Vec<String>,
    values: Vec<String>,
    /// The free text, matched within a window ([`TEXT_SEARCH_WINDOW`]) or through the index.
    text: Option<TextSearch>,
    /// One object's or one actor's events: their indexes find them, whatever the scope.
    narrow: bool,
}

impl Conditions {
    pub(super) fn of(filter: &AuditFilter) -> DomainResult<Self> {
        let mut conditions = Self { sql: Vec::new(), values: Vec::new(), text: None, narrow: false };
        if let Some(actor) = given(&filter.actor) {
            conditions.narrow = true;
            let n = conditions.bind(actor);
            conditions.sql.push(format!("(actor_id = ${n} OR actor_name = ${n} OR actor_email = ${n})"));
        }
        if let Some(action) = given(&filter.action) {
            match action.strip_suffix(".*") {
                Some(family) => {
                    let n = conditions.bind(format!("{}.%", escape_like(family)));
                    conditions.sql.push(format!("action LIKE ${n} ESCAPE '\\'"));
                }
                None => {
                    let n = conditions.bind(action);
                    conditions.sql.push(format!("action = ${n}"));
                }
            }
        }
        // One object's events: those that target it and, for a user, those they are a subject
        // of (a bulk role change targets the role). One set of ids, so that each side is read
        // through its own index.
        let of_user = |conditions: &mut Self, target: String| {
            let i = conditions.bind(target);
            format!(
                "id IN (SELECT id FROM audit_events WHERE target_type = 'user' AND target_id = ${i} \
                 UNION ALL SELECT event_id FROM audit_event_subjects WHERE subject_type = 'user' AND subject_id = ${i})"
            )
        };
        match (given(&filter.target_type), given(&filter.target_id)) {
            (Some(target_type), Some(target_id)) if target_type == "user" => {
                conditions.narrow = true;
                let condition = of_user(&mut conditions, target_id);
                conditions.sql.push(condition);
            }
            (Some(target_type), Some(target_id)) => {
                conditions.narrow = true;
                let (t, i) = (conditions.bind(target_type), conditions.bind(target_id));
                conditions.sql.push(format!("target_type = ${t} AND target_id = ${i}"));
            }
            (None, Some(target_id)) => {
                conditions.narrow = true;
                let i = conditions.bind(target_id);
                conditions.sql.push(format!(
                    "(target_id = ${i} OR id IN (SELECT event_id FROM audit_event_subjects \
                     WHERE subject_type = 'user' AND subject_id = ${i}))"
                ));
            }
            (Some(target_type), None) => {
                let t = conditions.bind(target_type);
                conditions.sql.push(format!("target_type = ${t}"));
            }
            (None, None) => {}
        }
        if let Some(from) = given(&filter.from) {
            let n = conditions.bind(instant("from", &from)?);
            conditions.sql.push(format!("at >= ${n}"));
        }
        if let Some(until) = given(&filter.until) {
            let n = conditions.bind(instant("until", &until)?);
            conditions.sql.push(format!("at < ${n}"));
        }
        conditions.text = given(&filter.text).map(|text| {
            let lowered = text.to_lowercase();
            TextSearch { lowered }
        });
        if let Some(cursor) = given(&filter.cursor) {
            let (at, id) = cursor::decode(&cursor)?;
            let (a, b) = (conditions.bind(at), conditions.bind(id));
            // A row value: both engines read it as one range of the (…, at, id) indexes.
            conditions.sql.push(format!("(at, id) < (${a}, ${b})"));
        }
        Ok(conditions)
    }

    /// Binds `value` next; returns its placeholder number.
    fn bind(&mut self, value: String) -> usize {
        self.values.push(value);
        self.values.len()
    }
}

/// A filter's text field as given, trimmed; `None` when empty (it filters nothing).
pub(super) fn given(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// Free text to find, lower case.
pub(super) struct TextSearch {
    lowered: String,
}

/// The condition that an event's searched text holds the text bound as `$n`. Not `LIKE`:
/// PostgreSQL's planner would read the trigram index for it even within a window of 3,000
/// events (and the text's common trigrams cost 60 ms there); the index is read, by rare
/// trigrams, in `indexed_matches` alone.
fn contains(engine: Engine, n: usize) -> String {
    let searched = searched_text(engine, "");
    match engine {
        Engine::Sqlite => format!("instr({searched}, ${n}) > 0"),
        Engine::Postgres => format!("strpos({searched}, ${n}) > 0"),
    }
}

/// A time given as RFC 3339, in the form the log stores (so that text order is time order).
fn instant(field: &str, text: &str) -> DomainResult<String> {
    Timestamp::parse_rfc3339(text).map(Timestamp::to_rfc3339).ok_or_else(|| {
        let msg = format!("{field} must be a date and time such as 2026-12-01T00:00:00Z");
        DomainError::Invalid(vec![FieldError::query(field, "value_error.datetime", msg)])
    })
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// What a query of the log found.
pub(super) struct Found {
    /// Up to the limit asked for, newest first.
    pub(super) records: Vec<AuditRecord>,
    /// With free text, when its window ended before the limit was reached: the (time, id) of
    /// the oldest event read, after which the search goes on.
    pub(super) read_to: Option<(String, String)>,
}

/// The columns free text is looked for in.
const SEARCHED: [&str; 7] =
    ["action", "actor_name", "actor_email", "target_name", "target_id", "before_json", "after_json"];

/// The searched columns of the event (its columns prefixed with `row`, such as `new.`) as one
/// lower-case text (one conversion per event instead of seven), separated by a control
/// character nobody types, so that no match spans two columns. The text search index is built
/// on the same expression (`search_index.rs`).
pub(super) fn searched_text(engine: Engine, row: &str) -> String {
    let separator = match engine {
        Engine::Sqlite => "char(31)",
        Engine::Postgres => "chr(31)",
    };
    let columns = SEARCHED.map(|column| format!("COALESCE({row}{column}, '')")).join(&format!(" || {separator} || "));
    format!("LOWER({columns})")
}

/// Up to `limit` events of `scope` matching `conditions`, newest first. Free text found in too
/// few of the newest events to fill a page from a window of them is looked up in the index, if
/// it is in few enough events in all; else it is looked for in the window (a text found often
/// fills the page from it), and the page ends with the window.
pub(super) async fn page(db: &Database, scope: &Scope, conditions: &Conditions, limit: usize) -> DomainResult<Found> {
    let mut values = conditions.values.clone();
    let mut filtered = placed(db, scope, &mut values);
    for condition in &conditions.sql {
        filtered.push_str(" AND ");
        filtered.push_str(condition);
    }
    let table = table(db, scope, conditions);
    let from = format!("FROM {table} WHERE {filtered}");
    let Some(text) = &conditions.text else {
        return Ok(Found { records: newest(db, &from, &values, limit).await?, read_to: None });
    };
    // A text that the window of the newest events is expected to hold a page of (judged from
    // the newest of them) is looked for there; another is looked up in the index, which holds
    // every match, newest and oldest, unless it is in too many events.
    if db.audit_search().indexes(&text.lowered) {
        let sample = sample(db, &from, &values).await?;
        let expected_in_window = sample.found_in(&text.lowered) * TEXT_SEARCH_WINDOW / SAMPLED_EVENTS;
        if expected_in_window < limit
            && let Some(records) = indexed_matches(db, scope, &filtered, &values, text, &sample, limit).await?
        {
            return Ok(Found { records, read_to: None });
        }
    }
    // The window: the events the text is looked for in end at the one TEXT_SEARCH_WINDOW
    // events down (if there are that many; if not, it is every event in scope).
    let last = format!("SELECT at, id {from} ORDER BY at DESC, id DESC LIMIT 1 OFFSET {}", TEXT_SEARCH_WINDOW - 1);
    let last = bound(sqlx::query(&last), &values).fetch_optional(db.pool()).await?;
    let holds_text = |values: &mut Vec<String>| {
        values.push(text.lowered.clone());
        contains(db.engine(), values.len())
    };
    let Some(row) = last else {
        let mut values = values.clone();
        let matching = format!("{from} AND {}", holds_text(&mut values));
        return Ok(Found { records: newest(db, &matching, &values, limit).await?, read_to: None });
    };
    let end: (String, String) = (row.try_get("at")?, row.try_get("id")?);
    let (in_window, mut window_values) = beside(&values, &end, ">=");
    let window = format!("{from} AND {in_window} AND {}", holds_text(&mut window_values));
    let records = newest(db, &window, &window_values, limit).await?;
    let read_to = (records.len() < limit).then_some(end);
    Ok(Found { records, read_to })
}

/// The searched text of the newest [`SAMPLED_EVENTS`] events of `from`.
async fn sample(db: &Database, from: &str, values: &[String]) -> DomainResult<TrigramSample> {
    let query =
        format!("SELECT {} {from} ORDER BY at DESC, id DESC LIMIT {SAMPLED_EVENTS}", searched_text(db.engine(), ""));
    let rows = bound(sqlx::query(&query), values).fetch_all(db.pool()).await?;
    Ok(TrigramSample::of(rows.iter().map(|row| row.try_get(0)).collect::<Result<_, _>>()?))
}

/// The condition that an event is `comparison` (`<`, `>=`) the one at `end` in the log's order,
/// with `values` and the two it binds.
fn beside(values: &[String], end: &(String, String), comparison: &str) -> (String, Vec<String>) {
    let mut values = values.to_vec();
    let (a, b) = (values.len() + 1, values.len() + 2);
    values.extend([end.0.clone(), end.1.clone()]);
    (format!("(at, id) {comparison} (${a}, ${b})"), values)
}

/// Up to `limit` events, newest first, of `from` (`FROM ... WHERE ...`).
async fn newest(db: &Database, from: &str, values: &[String], limit: usize) -> DomainResult<Vec<AuditRecord>> {
    let query = format!("SELECT {COLUMNS} {from} ORDER BY at DESC, id DESC LIMIT {limit}");
    let rows = bound(sqlx::query(&query), values).fetch_all(db.pool()).await?;
    rows.iter().map(record).collect()
}

/// Up to `limit` events, newest first, that match `filtered` and the text (one the index can
/// look up: `AuditSearch::indexes`), found through the text search index, read once, by the
/// text's trigrams that are rare in `sample` (`trigram_sample.rs`). `None` when the index holds
/// more than [`TEXT_SEARCH_INDEXED_MATCHES`] candidates in the scope (SQLite; the events holding
/// the trigrams looked up) or matches of `filtered` (PostgreSQL). Either is counted among what
/// the reader may read alone, and the sample is of their events, so that other organizations'
/// events change nothing of the answer.
async fn indexed_matches(
    db: &Database,
    scope: &Scope,
    filtered: &str,
    values: &[String],
    text: &TextSearch,
    sample: &TrigramSample,
    limit: usize,
) -> DomainResult<Option<Vec<AuditRecord>>> {
    let searched = searched_text(db.engine(), "");
    let too_many = TEXT_SEARCH_INDEXED_MATCHES + 1;
    let mut values = values.to_vec();
    match db.audit_search() {
        AuditSearch::Windows => Ok(None),
        AuditSearch::SqliteTrigrams => {
            // The scope's ranges of row numbers (`search_index.rs`), each looked up in the index.
            let unplaced = if scope.unplaced { " UNION ALL SELECT 0" } else { "" };
            let range = SQLITE_ROWS_PER_ORGANIZATION;
            let ids: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT r.event_id FROM (SELECT number * {range} AS low FROM audit_search_orgs \
                 WHERE org_id IN (SELECT value FROM json_each($1)){unplaced}) ranges \
                 CROSS JOIN audit_search_trigrams CROSS JOIN audit_search_rows r \
                 WHERE audit_search_trigrams MATCH $2 AND audit_search_trigrams.rowid >= ranges.low \
                 AND audit_search_trigrams.rowid < ranges.low + {range} AND r.row_id = audit_search_trigrams.rowid \
                 LIMIT {too_many}"
            ))
            .bind(serde_json::to_string(&scope.orgs).unwrap_or_default())
            .bind(sqlite_trigram_query(&sample.rarest_trigrams(&text.lowered)))
            .fetch_all(db.pool())
            .await?;
            if ids.len() >= too_many {
                return Ok(None);
            }
            // The index holds trigrams, not positions: its events are checked against the text.
            values.push(text.lowered.clone());
            let contains = contains(db.engine(), values.len());
            values.push(serde_json::to_string(&ids).unwrap_or_default());
            // CROSS JOIN: SQLite starts from the few events found, not from the scope's.
            let from = format!(
                "FROM (SELECT value AS event_id FROM json_each(${})) found CROSS JOIN audit_events \
                 WHERE audit_events.id = found.event_id AND {filtered} AND {contains}",
                values.len()
            );
            Ok(Some(newest(db, &from, &values, limit).await?))
        }
        AuditSearch::PostgresTrigrams => {
            let Some(word) = sample.rarest_word(&text.lowered) else {
                return Ok(None);
            };
            // pg_trgm looks up the rare word's trigrams alone; `strpos`, which it cannot serve,
            // checks the whole text on the events found.
            values.push(format!("%{}%", escape_like(&word)));
            let like = format!("{searched} LIKE ${} ESCAPE '\\'", values.len());
            values.push(text.lowered.clone());
            let contains = contains(db.engine(), values.len());
            // Only bitmap scans: through the trigram index (with the scope's own), whatever the
            // planner expects of walking the log instead.
            let mut tx = db.pool().begin().await?;
            (&mut *tx)
                .execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL enable_indexonlyscan = off")
                .await?;
            let found =
                format!("SELECT id FROM audit_events WHERE {filtered} AND {like} AND {contains} LIMIT {too_many}");
            let found = bound(sqlx::query(&found), &values).fetch_all(&mut *tx).await?;
            let ids = found.iter().map(|row| row.try_get("id")).collect::<Result<Vec<String>, _>>()?;
            if ids.len() >= too_many {
                return Ok(None);
            }
            let query = format!(
                "SELECT {COLUMNS} FROM audit_events \
                 WHERE id IN (SELECT jsonb_array_elements_text(CAST($1 AS jsonb))) \
                 ORDER BY at DESC, id DESC LIMIT {limit}"
            );
            let rows =
                sqlx::query(&query).bind(serde_json::to_string(&ids).unwrap_or_default()).fetch_all(&mut *tx).await?;
            tx.commit().await?;
            Ok(Some(rows.iter().map(record).collect::<DomainResult<_>>()?))
        }
    }
}

fn bound<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    values: &[String],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for value in values {
        query = query.bind(value.clone());
    }
    query
}

/// The condition on the events' organization that `scope` sets, its value bound next.
fn placed(db: &Database, scope: &Scope, values: &mut Vec<String>) -> String {
    let n = values.len() + 1;
    let orgs = match scope.orgs.as_slice() {
        [only] => {
            values.push(only.clone());
            format!("org_id = ${n}")
        }
        many => {
            values.push(serde_json::to_string(many).unwrap_or_default());
            match db.engine() {
                Engine::Sqlite => format!("org_id IN (SELECT value FROM json_each(${n}))"),
                Engine::Postgres => format!("org_id IN (SELECT jsonb_array_elements_text(CAST(${n} AS jsonb)))"),
            }
        }
    };
    if scope.unplaced { format!("({orgs} OR org_id IS NULL)") } else { orgs }
}

/// Several organizations (or none): SQLite would gather all their events and sort them;
/// walking the log newest first and keeping theirs stops after one page. Not when one object's
/// or actor's indexes narrow the events down: gathering those is quicker.
fn table(db: &Database, scope: &Scope, conditions: &Conditions) -> &'static str {
    let several = scope.orgs.len() > 1 || scope.unplaced;
    match db.engine() {
        Engine::Sqlite if several && !conditions.narrow => "audit_events INDEXED BY audit_events_at_id",
        _ => "audit_events",
    }
}

/// The newest events first, of every organization (for tests and the command line).
pub async fn recent_events(db: &Database, limit: i64) -> DomainResult<Vec<AuditRecord>> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM audit_events ORDER BY at DESC, id DESC LIMIT $1"))
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(record).collect()
}

fn record(row: &sqlx::any::AnyRow) -> DomainResult<AuditRecord> {
    let json = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
    Ok(AuditRecord {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor_id: row.try_get("actor_id")?,
        actor_name: row.try_get("actor_name")?,
        actor_email: row.try_get("actor_email")?,
        actor_provider: row.try_get("actor_provider")?,
        org_id: row.try_get("org_id")?,
        action: row.try_get("action")?,
        target_type: row.try_get("target_type")?,
        target_id: row.try_get("target_id")?,
        target_name: row.try_get("target_name")?,
        before: json(row.try_get("before_json")?),
        after: json(row.try_get("after_json")?),
        request_id: row.try_get("request_id")?,
        client_addr: row.try_get("client_addr")?,
        token: match (row.try_get::<Option<String>, _>("token_id")?, row.try_get::<Option<String>, _>("token_name")?) {
            (Some(id), Some(name)) => Some((id, name)),
            _ => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::changes;

    #[test]
    fn changes_name_each_field_that_differs() {
        let before = json!({ "name": "Old", "policy_ids": ["a"], "same": 1 });
        let after = json!({ "name": "New", "policy_ids": ["a", "b"], "same": 1, "added": true });
        let fields: Vec<String> = changes(Some(&before), Some(&after)).into_iter().map(|c| c.field).collect();
        assert_eq!(fields, ["added", "name", "policy_ids"]);
        let created = changes(None, Some(&json!({ "name": "X" })));
        assert_eq!(created.len(), 1);
        assert_eq!(created[0].before, None);
        assert_eq!(changes(None, Some(&json!("text")))[0].field, "value");
        assert!(changes(None, None).is_empty());
    }
}
