//! What an audit filter's target names. A picker fills in what a person knows an object by (a
//! user's email, a role's or a policy's name, an organization's code); the log records ids, so
//! that an object's events are found by one however often it was renamed.

use super::log::{AuditFilter, given};
use crate::domain::{Actor, Domain, DomainError, DomainResult, orgs::Organization};

impl Domain {
    /// `filter` with its target named by id: for a user their email, for a role or a policy of
    /// `org` its name, for an organization its code. Only what the actor may see is looked up
    /// (a user or an organization of another tenant answers like one that does not exist);
    /// whatever names nothing stays as given (an object deleted since is named by its id), and
    /// selects only events of the organizations the actor may read, like any filter.
    pub(super) async fn with_target_by_id(
        &self,
        actor: &Actor,
        org: &Organization,
        filter: &AuditFilter,
    ) -> DomainResult<AuditFilter> {
        let (Some(target_type), Some(target)) = (given(&filter.target_type), given(&filter.target_id)) else {
            return Ok(filter.clone());
        };
        let unless_unseen = |found: DomainResult<String>| match found {
            Ok(id) => Ok(Some(id)),
            Err(DomainError::NotFound { .. }) => Ok(None),
            Err(error) => Err(error),
        };
        let found = match target_type.as_str() {
            "user" => unless_unseen(self.visible_user_by_id_or_email(actor, &target).await.map(|user| user.id))?,
            "organization" => unless_unseen(self.visible_organization(actor, &target).await.map(|org| org.id))?,
            // The roles and policies of the organization whose log is read.
            "role" => self.role_id_named(&org.id, &target).await?,
            "policy" => self.policy_id_named(&org.id, &target).await?,
            _ => None,
        };
        Ok(AuditFilter { target_id: Some(found.unwrap_or(target)), ..filter.clone() })
    }
}
