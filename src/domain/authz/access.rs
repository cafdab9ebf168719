//! Asking the decision function: decide, enforce, offer; and resolve-then-authorize.

use super::permissions::Permission;
use crate::domain::{Actor, Domain, DomainError, DomainResult, orgs::Organization};

impl Domain {
    /// Decides whether `user_id` holds `permission` at `org_id`, and why.
    pub async fn decide(&self, user_id: &str, org_id: &str, permission: &Permission) -> DomainResult<super::Decision> {
        self.authz.decide(&self.db, user_id, org_id, permission).await
    }

    /// Succeeds when the actor holds `permission` at `org_id`; otherwise `Forbidden`, naming
    /// the permission.
    pub async fn authorize(&self, actor: &Actor, org_id: &str, permission: &Permission) -> DomainResult<()> {
        let user_id = actor.user_id()?;
        if self.decide(user_id, org_id, permission).await?.allowed {
            Ok(())
        } else {
            Err(DomainError::Forbidden { required_permission: permission.to_string() })
        }
    }

    /// Whether the actor holds `permission` at `org_id` (for offering actions, not enforcing).
    pub async fn may(&self, actor: &Actor, org_id: &str, permission: &Permission) -> DomainResult<bool> {
        match actor.user_id() {
            Ok(user_id) => Ok(self.decide(user_id, org_id, permission).await?.allowed),
            Err(_) => Ok(false),
        }
    }

    /// The organization (by id or code), only when the actor holds `permission` there. One the
    /// actor may not see at all answers exactly like one that does not exist (`NotFound`); one
    /// the actor sees but may not act in, `Forbidden`.
    pub async fn authorized_organization(
        &self,
        actor: &Actor,
        id_or_code: &str,
        permission: &Permission,
    ) -> DomainResult<Organization> {
        let org = self.visible_organization(actor, id_or_code).await?;
        self.authorize(actor, &org.id, permission).await?;
        Ok(org)
    }
}
