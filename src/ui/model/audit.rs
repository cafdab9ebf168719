use serde::{Deserialize, Serialize};

/// `/orgs/:id/audit`: a page of an organization's audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEventsPage {
    pub org_name: String,
    pub events: Vec<AuditRow>,
    pub next_cursor: Option<String>,
    /// A text search that read its window before filling the page: how far back it read.
    pub searched_to: Option<String>,
    /// The target filtered by, by id (a user's email, a role's name... named it in the form).
    pub target_id: String,
}

/// One event as the audit page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: String,
    pub at: String,
    pub actor: String,
    /// The API token the actor acted through, if any.
    pub token: Option<String>,
    pub client_addr: String,
    pub action: String,
    pub target: String,
    /// "Root / Acme / Sales", for events of an organization.
    pub org_path: String,
    pub changes: Vec<ChangeRow>,
    /// For a version of a role or policy: its editor filled with it ("restore this version").
    pub restore_href: Option<String>,
}

/// A field an event changed, its values as JSON text ("" where it had none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRow {
    pub field: String,
    pub before: String,
    pub after: String,
}

#[cfg(feature = "ssr")]
impl AuditRow {
    pub fn new(entry: crate::domain::audit::AuditEntry) -> Self {
        let record = entry.record;
        let restore_href = match (&record.org_id, record.target_type.as_deref(), &record.target_id, &record.after) {
            (Some(org_id), Some("role"), Some(role_id), Some(after)) if after.get("policy_ids").is_some() => {
                Some(format!("/orgs/{org_id}/roles/{role_id}?restore={}", record.id))
            }
            (Some(org_id), Some("policy"), Some(policy_id), Some(after)) if after.get("statements").is_some() => {
                Some(format!("/orgs/{org_id}/policies/{policy_id}?restore={}", record.id))
            }
            _ => None,
        };
        let text = |value: Option<serde_json::Value>| value.map(|v| v.to_string()).unwrap_or_default();
        let target = match (record.target_type, record.target_name, record.target_id) {
            (Some(kind), Some(name), _) if !name.is_empty() => format!("{kind} {name}"),
            (Some(kind), _, Some(id)) => format!("{kind} {id}"),
            _ => String::new(),
        };
        Self {
            id: record.id,
            at: record.at,
            actor: record.actor_name,
            token: record.token.map(|(_, name)| name),
            client_addr: record.client_addr.unwrap_or_default(),
            action: record.action,
            target,
            org_path: entry.org_path.join(" / "),
            changes: entry
                .changes
                .into_iter()
                .map(|change| ChangeRow { field: change.field, before: text(change.before), after: text(change.after) })
                .collect(),
            restore_href,
        }
    }
}

/// The audit event whose version of a role or policy its editor is filled with ("restore this
/// version"), to review and save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoredVersion {
    pub event_id: String,
    pub at: String,
    /// For a role: policies of that version deleted since, left out.
    pub missing_policies: Vec<String>,
}
