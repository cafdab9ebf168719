//! The audit log, and the one way to change data: [`Mutation`]. Reading it: `log.rs`; the only
//! deletion, by the retention setting: `retention.rs`.
//!
//! A mutation is a database transaction that can only be committed together with its audit
//! event, so no change lands without a record and no record exists of a change that was rolled
//! back. Dropping a `Mutation` without committing rolls everything back.

use serde::Serialize;
use serde_json::Value;

mod budget;
mod export;
mod log;
mod retention;
mod search_index;
mod target;
mod trigram_sample;

pub use budget::PER_MINUTE as UNSIGNED_EVENTS_PER_MINUTE;
pub use export::{AuditExport, ExportFormat};
pub use log::{
    AuditEntry, AuditFilter, AuditPage, AuditRecord, FieldChange, HistoryOf, TEXT_SEARCH_WINDOW, recent_events,
};
pub(crate) use search_index::SharedAuditSearch;
pub use search_index::{AuditSearch, TEXT_SEARCH_INDEXED_MATCHES};

use super::{Actor, Database, DomainResult, Timestamp, Transaction, ids::new_id};

/// What happened, to what. The actor and request details are added from the [`Actor`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditEvent {
    pub action: &'static str,
    pub org_id: Option<String>,
    pub target_type: Option<&'static str>,
    pub target_id: Option<String>,
    pub target_name: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// Set beforehand when the change records the event's subjects itself (see
    /// [`Mutation::record_subjects`]); otherwise made when the event is written.
    pub id: Option<String>,
}

impl AuditEvent {
    pub fn new(action: &'static str) -> Self {
        Self { action, ..Self::default() }
    }

    pub fn target(mut self, target_type: &'static str, id: impl Into<String>, name: impl Into<String>) -> Self {
        self.target_type = Some(target_type);
        self.target_id = Some(id.into());
        self.target_name = Some(name.into());
        self
    }

    pub fn org(mut self, org_id: impl Into<String>) -> Self {
        self.org_id = Some(org_id.into());
        self
    }

    pub fn before(mut self, value: impl Serialize) -> Self {
        self.before = serde_json::to_value(value).ok();
        self
    }

    pub fn after(mut self, value: impl Serialize) -> Self {
        self.after = serde_json::to_value(value).ok();
        self
    }

    /// For a change that restores the version the event `event_id` recorded: recorded as
    /// `action` instead, its `after` naming that version (`restored_from`).
    pub fn restoring(mut self, event_id: Option<&str>, action: &'static str) -> Self {
        if let Some(event_id) = event_id {
            self.action = action;
            if let Some(Value::Object(after)) = &mut self.after {
                after.insert("restored_from".to_owned(), Value::String(event_id.to_owned()));
            }
        }
        self
    }
}

/// An open transaction that must be committed with an audit event.
pub struct Mutation<'a> {
    tx: Transaction,
    actor: &'a Actor,
}

impl<'a> Mutation<'a> {
    pub async fn begin(db: &Database, actor: &'a Actor) -> DomainResult<Self> {
        Ok(Self { tx: db.begin().await?, actor })
    }

    /// The transaction, for the statements of the change.
    pub fn tx(&mut self) -> &mut Transaction {
        &mut self.tx
    }

    pub fn actor(&self) -> &'a Actor {
        self.actor
    }

    /// Writes an event of a change made of several (a role and its own rules), before the
    /// last one, which [`Mutation::commit`] writes.
    pub async fn record(&mut self, event: &AuditEvent) -> DomainResult<()> {
        insert_event(&mut self.tx, self.actor, event).await
    }

    /// Records that the event `event_id` (this mutation's, written by `commit`) concerns each
    /// user `users_sql` selects (a `SELECT` of a `user_id` column, its `values` bound as `$1`,
    /// `$2`, ...): a member's history then shows a change that targeted a role.
    pub async fn record_subjects(&mut self, event_id: &str, users_sql: &str, values: &[String]) -> DomainResult<()> {
        let sql = format!(
            "INSERT INTO audit_event_subjects (subject_type, subject_id, event_id) \
             SELECT 'user', subject.user_id, ${} FROM ({users_sql}) AS subject",
            values.len() + 1
        );
        let mut statement = sqlx::query(&sql);
        for value in values {
            statement = statement.bind(value);
        }
        statement.bind(event_id).execute(&mut *self.tx).await?;
        Ok(())
    }

    /// Writes the audit event and commits it together with the change.
    pub async fn commit(mut self, event: AuditEvent) -> DomainResult<()> {
        insert_event(&mut self.tx, self.actor, &event).await?;
        self.tx.commit().await?;
        Ok(())
    }

    /// Commits the change with its event unless the event is one of too many this minute (see
    /// `budget.rs`): for events anyone can cause without signing in.
    pub async fn commit_within_budget(mut self, event: AuditEvent) -> DomainResult<()> {
        if let Some(event) = budget::admit(&mut self.tx, event, Timestamp::now()).await? {
            insert_event(&mut self.tx, self.actor, &event).await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}

/// Records, within its budget (see [`Mutation::commit_within_budget`]), an event anyone can
/// cause without signing in that changes nothing else.
pub async fn record_within_budget(db: &Database, actor: &Actor, event: AuditEvent) -> DomainResult<()> {
    Mutation::begin(db, actor).await?.commit_within_budget(event).await
}

/// Records an event that changes nothing else (e.g. a failed sign-in).
pub async fn record(db: &Database, actor: &Actor, event: AuditEvent) -> DomainResult<()> {
    Mutation::begin(db, actor).await?.commit(event).await
}

async fn insert_event(tx: &mut Transaction, actor: &Actor, event: &AuditEvent) -> DomainResult<()> {
    sqlx::query(
        "INSERT INTO audit_events (id, at, actor_id, actor_name, org_id, action, target_type, \
         target_id, target_name, before_json, after_json, request_id, client_addr, token_id, token_name, \
         actor_email, actor_provider) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(event.id.clone().unwrap_or_else(new_id))
    .bind(Timestamp::now().to_rfc3339())
    .bind(actor.audit_id().map(str::to_owned))
    .bind(actor.audit_name().to_owned())
    .bind(event.org_id.clone())
    .bind(event.action)
    .bind(event.target_type)
    .bind(event.target_id.clone())
    .bind(event.target_name.clone())
    .bind(event.before.as_ref().map(Value::to_string))
    .bind(event.after.as_ref().map(Value::to_string))
    .bind(actor.request_id.clone())
    .bind(actor.client_addr.clone())
    .bind(actor.audit_token().map(|(id, _)| id.to_owned()))
    .bind(actor.audit_token().map(|(_, name)| name.to_owned()))
    .bind(actor.audit_email().map(str::to_owned))
    .bind(actor.provider.clone())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
