//! "What can this user do, where?": the schema's permissions a user holds in each organization
//! at or below their memberships.

use serde::Serialize;
use sqlx::Row;

use crate::domain::{Actor, Domain, DomainResult, authz::permissions::Permission};

#[derive(Debug, Clone, Serialize)]
pub struct OrganizationPermissions {
    pub org_id: String,
    pub org_name: String,
    pub permissions: Vec<String>,
}

impl Domain {
    /// Where a user (id or email) holds anything, and what: every organization at or below their
    /// memberships that the actor may see members of (or all of them, for yourself), with the
    /// schema's permissions the user holds there.
    pub async fn effective_permissions(
        &self,
        actor: &Actor,
        user_id: &str,
    ) -> DomainResult<Vec<OrganizationPermissions>> {
        let user = self.visible_user_by_id_or_email(actor, user_id).await?;
        let myself = actor.user_id()? == user.id;
        let rows = sqlx::query(
            "SELECT DISTINCT o.id, o.name FROM organization_closure c JOIN memberships m ON m.org_id = c.ancestor_id \
             JOIN organizations o ON o.id = c.descendant_id WHERE m.user_id = $1 ORDER BY o.name, o.id",
        )
        .bind(&user.id)
        .fetch_all(self.db.pool())
        .await?;
        let everything = self.schema().await?.concrete_permissions();
        let mut result = Vec::new();
        for row in rows {
            let org_id: String = row.try_get("id")?;
            if !myself && !self.may(actor, &org_id, &Permission::new("member", "read")).await? {
                continue;
            }
            let mut permissions = Vec::new();
            for permission in &everything {
                if self.decide(&user.id, &org_id, permission).await?.allowed {
                    permissions.push(permission.to_string());
                }
            }
            if !permissions.is_empty() {
                result.push(OrganizationPermissions { org_id, org_name: row.try_get("name")?, permissions });
            }
        }
        Ok(result)
    }
}
