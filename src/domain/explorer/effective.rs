//! "What can this user do, where?": the schema's permissions a user holds in each organization
//! at or below their memberships.

use serde::Serialize;
use sqlx::Row;

use crate::domain::{Actor, Domain, DomainResult, authz::permissions::Permission, cursor};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrganizationPermissions {
    pub org_id: String,
    pub org_name: String,
    pub permissions: Vec<String>,
}

/// A page of [`Domain::effective_permissions`].
#[derive(Debug, Clone, Serialize)]
pub struct EffectivePage {
    pub organizations: Vec<OrganizationPermissions>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
}

/// A page reads at most this many candidate organizations (each decided for every permission
/// of the schema), so that a user whose memberships reach 100,000 organizations costs one
/// bounded read per page; a page can then be short while `next_cursor` goes on.
const CANDIDATES_PER_PAGE: usize = 2_000;

impl Domain {
    /// Where a user (id or email) holds anything, and what: the organizations at or below their
    /// memberships that the actor may see members of (or all of them, for yourself), with the
    /// schema's permissions the user holds there; by name, at most `limit` after `cursor`.
    pub async fn effective_permissions(
        &self,
        actor: &Actor,
        user_id: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> DomainResult<EffectivePage> {
        let user = self.visible_user_by_id_or_email(actor, user_id).await?;
        let myself = actor.user_id()? == user.id;
        let (after_name, after_id) = cursor.map(cursor::decode).transpose()?.unwrap_or_default();
        let rows = sqlx::query(
            "SELECT DISTINCT o.id, o.name FROM organization_closure c JOIN memberships m ON m.org_id = c.ancestor_id \
             JOIN organizations o ON o.id = c.descendant_id WHERE m.user_id = $1 \
             AND ($2 = '' OR o.name > $2 OR (o.name = $2 AND o.id > $3)) ORDER BY o.name, o.id LIMIT $4",
        )
        .bind(&user.id)
        .bind(&after_name)
        .bind(&after_id)
        .bind(i64::try_from(CANDIDATES_PER_PAGE + 1).unwrap_or(i64::MAX))
        .fetch_all(self.db.pool())
        .await?;
        // One more than a page's candidates was asked for, to learn whether any are left.
        let (candidates, unread) = (rows.len().min(CANDIDATES_PER_PAGE), rows.len() > CANDIDATES_PER_PAGE);
        let everything = self.schema().await?.concrete_permissions();
        let (mut organizations, mut next_cursor) = (Vec::new(), None);
        for (index, row) in rows.iter().take(candidates).enumerate() {
            let (org_id, org_name): (String, String) = (row.try_get("id")?, row.try_get("name")?);
            if myself || self.may(actor, &org_id, &Permission::new("member", "read")).await? {
                let permissions = self.permissions_held(&user.id, &org_id, &everything).await?;
                if !permissions.is_empty() {
                    organizations.push(OrganizationPermissions {
                        org_id: org_id.clone(),
                        org_name: org_name.clone(),
                        permissions,
                    });
                }
            }
            if organizations.len() == limit || index + 1 == candidates {
                let more = unread || index + 1 < candidates;
                next_cursor = more.then(|| cursor::encode(&org_name, &org_id));
                break;
            }
        }
        Ok(EffectivePage { organizations, has_more: next_cursor.is_some(), next_cursor })
    }
}
