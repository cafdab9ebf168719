//! A policy as an event of its history recorded it: what "restore this version" fills the
//! policy editor with. Saving it goes through the usual checks; this only reads.

use crate::domain::{Actor, Domain, DomainResult, audit::HistoryOf, authz::statements::Statement};

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyVersion {
    pub event_id: String,
    pub at: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub statements: Vec<Statement>,
}

impl Domain {
    /// The version of the policy that event `event_id` of its history recorded, for whoever
    /// may read the organization's audit log.
    pub async fn policy_version(
        &self,
        actor: &Actor,
        org_id: &str,
        policy_id: &str,
        event_id: &str,
    ) -> DomainResult<PolicyVersion> {
        let event = self.version_of(actor, org_id, HistoryOf::Policy(policy_id), event_id).await?;
        let statements = event.after.as_ref().map(|after| after["statements"].clone()).unwrap_or_default();
        Ok(PolicyVersion {
            name: event.after_text("name"),
            description: event.after_text("description"),
            statements: serde_json::from_value(statements).unwrap_or_default(),
            event_id: event.id,
            at: event.at,
        })
    }
}
