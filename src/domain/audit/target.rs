//! What an audit filter's target names. A picker fills in what a person knows an object by (a
//! user's email, a role's or a policy's name, an organization's code); the log records ids, so
//! that an object's events are found by one however often it was renamed.

use super::log::AuditFilter;
use crate::domain::{Domain, DomainError, DomainResult, orgs::Organization};

impl Domain {
    /// `filter` with its target named by id: for a user their email, for a role or a policy of
    /// `org` its name, for an organization its code. Whatever names nothing stays as given
    /// (an object deleted since is named by its id). Nothing is revealed by it: the events it
    /// selects are still only those of the organizations the actor may read.
    pub(super) async fn with_target_by_id(
        &self,
        org: &Organization,
        filter: &AuditFilter,
    ) -> DomainResult<AuditFilter> {
        let given =
            |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        let (Some(target_type), Some(target)) = (given(&filter.target_type), given(&filter.target_id)) else {
            return Ok(filter.clone());
        };
        let found = match target_type.as_str() {
            "user" => self.user_id_named(&target).await?,
            "role" => self.role_id_named(&org.id, &target).await?,
            "policy" => self.policy_id_named(&org.id, &target).await?,
            "organization" => match self.resolve_organization(&target).await {
                Ok(organization) => Some(organization.id),
                Err(DomainError::NotFound { .. }) => None,
                Err(error) => return Err(error),
            },
            _ => None,
        };
        Ok(AuditFilter { target_id: Some(found.unwrap_or(target)), ..filter.clone() })
    }
}
