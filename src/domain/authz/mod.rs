//! Authorization: the one place where "may this user do this here?" is answered.
//!
//! [`Domain::decide`] serves decisions from [`cache::AuthzCache`]: the tree (parents and
//! access flags) and each user's roles with their compiled statements, kept in memory and
//! invalidated by every change that can alter a decision.

pub mod cache;
pub mod decision;

pub use decision::{Decision, Reason};

use super::{Actor, Domain, DomainError, DomainResult, permissions::Permission, statements::Statement};

/// Where a grant takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantPlace<'a> {
    In(&'a str),
    /// In an organization being created under this parent, as its first admin.
    InNewChildOf(&'a str),
}

impl Domain {
    /// Decides whether `user_id` holds `permission` at `org_id`, and why.
    pub async fn decide(&self, user_id: &str, org_id: &str, permission: &Permission) -> DomainResult<Decision> {
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

    /// Anti-escalation: succeeds only when the actor holds, at `org_id`, everything the allow
    /// statements grant (each pattern and every permission of the schema under it, so that the
    /// actor's own denies count), so that nobody can hand out more than they have.
    pub async fn authorize_grant_of(
        &self,
        actor: &Actor,
        place: GrantPlace<'_>,
        statements: &[Statement],
    ) -> DomainResult<()> {
        let user_id = actor.user_id()?;
        let schema = self.schema().await?;
        for statement in statements.iter().filter(|s| s.effect == super::statements::Effect::Allow) {
            for resource in &statement.resources {
                for action in &statement.actions {
                    for permission in schema.granted_permissions(resource, action) {
                        let decision = match place {
                            GrantPlace::In(org_id) => self.decide(user_id, org_id, &permission).await?,
                            GrantPlace::InNewChildOf(parent_id) => {
                                self.authz.decide_in_new_child(&self.db, user_id, parent_id, &permission).await?
                            }
                        };
                        if !decision.allowed {
                            return Err(DomainError::Forbidden { required_permission: permission.to_string() });
                        }
                    }
                }
            }
        }
        Ok(())
    }
}
