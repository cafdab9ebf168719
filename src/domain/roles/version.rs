//! A role as an event of its history recorded it: what "restore this version" fills the role
//! composer with. Saving it goes through the usual checks; this only reads.

use crate::domain::{Actor, Domain, DomainResult, audit::HistoryOf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleVersion {
    pub event_id: String,
    pub at: String,
    pub name: Option<String>,
    /// As recorded (events written before descriptions were recorded have none).
    pub description: Option<String>,
    /// Its policies that the organization still has, in order.
    pub policy_ids: Vec<String>,
    /// Its policies deleted since.
    pub missing_policy_ids: Vec<String>,
    pub is_default: Option<bool>,
    pub sso_group_names: Vec<String>,
}

impl Domain {
    /// The version of the role that event `event_id` of its history recorded, for whoever may
    /// read the organization's audit log.
    pub async fn role_version(
        &self,
        actor: &Actor,
        org_id: &str,
        role_id: &str,
        event_id: &str,
    ) -> DomainResult<RoleVersion> {
        let event = self.version_of(actor, org_id, HistoryOf::Role(role_id), event_id).await?;
        let org_id = event.org_id.clone().unwrap_or_default();
        let mut version = RoleVersion {
            name: event.after_text("name"),
            description: event.after_text("description"),
            policy_ids: Vec::new(),
            missing_policy_ids: Vec::new(),
            is_default: event.after.as_ref().and_then(|after| after["is_default"].as_bool()),
            sso_group_names: event.after_texts("sso_group_names"),
            event_id: event.id.clone(),
            at: event.at.clone(),
        };
        for policy_id in event.after_texts("policy_ids") {
            match self.stored_policy(&org_id, &policy_id).await? {
                Some(_) => version.policy_ids.push(policy_id),
                None => version.missing_policy_ids.push(policy_id),
            }
        }
        Ok(version)
    }
}
