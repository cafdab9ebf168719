//! Anti-escalation: nobody can hand out more than they hold.

use super::statements::{Effect, Statement};
use crate::domain::{Actor, Domain, DomainError, DomainResult};

/// Where a grant takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantPlace<'a> {
    In(&'a str),
    /// In an organization being created under this parent, as its first admin.
    InNewChildOf(&'a str),
}

impl Domain {
    /// Succeeds only when the actor holds, at the place, everything the allow statements grant
    /// (each pattern and every permission of the schema under it, so that the actor's own
    /// denies count).
    pub async fn authorize_grant_of(
        &self,
        actor: &Actor,
        place: GrantPlace<'_>,
        statements: &[Statement],
    ) -> DomainResult<()> {
        let user_id = actor.user_id()?;
        let schema = self.schema().await?;
        for statement in statements.iter().filter(|s| s.effect == Effect::Allow) {
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
