//! Reading user groups (needs `member:read`).

use sqlx::{Row, any::AnyRow};

use super::{GroupPage, UserGroup, not_found};
use crate::domain::{Actor, Domain, DomainResult, authz::permissions::Permission, cursor};

const COLUMNS: &str = "id, org_id, name, description, version, created_at, updated_at, created_by";

impl Domain {
    /// A page of the organization's groups by name (then id): at most `limit` after `cursor`.
    pub async fn list_user_groups(
        &self,
        actor: &Actor,
        org_id: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> DomainResult<GroupPage> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("member", "read")).await?;
        let (after_name, after_id) = cursor.map(cursor::decode).transpose()?.unwrap_or_default();
        let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM user_groups WHERE org_id = $1")
            .bind(&org.id)
            .fetch_one(self.db.pool())
            .await?
            .try_get("n")?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM user_groups WHERE org_id = $1 \
             AND ($2 = '' OR name > $2 OR (name = $2 AND id > $3)) ORDER BY name, id LIMIT $4"
        ))
        .bind(&org.id)
        .bind(&after_name)
        .bind(&after_id)
        .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX))
        .fetch_all(self.db.pool())
        .await?;
        let mut groups = Vec::with_capacity(rows.len());
        for row in &rows {
            groups.push(self.group_from_row(row).await?);
        }
        let next_cursor = cursor::page_end(&mut groups, limit, |group| (&group.name, &group.group_id));
        Ok(GroupPage { total, has_more: next_cursor.is_some(), next_cursor, groups })
    }

    pub async fn user_group(&self, actor: &Actor, org_id: &str, group_id: &str) -> DomainResult<UserGroup> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("member", "read")).await?;
        self.stored_group(&org.id, group_id).await
    }

    /// The names of roles that groups of `org_id` hold, in the order of `role_ids`: whoever
    /// may read the groups may read what they hold, without `role:read`.
    pub async fn held_role_names(&self, actor: &Actor, org_id: &str, role_ids: &[String]) -> DomainResult<Vec<String>> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("member", "read")).await?;
        self.role_names(&org.id, role_ids).await
    }

    pub(super) async fn stored_group(&self, org_id: &str, group_id: &str) -> DomainResult<UserGroup> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM user_groups WHERE id = $1 AND org_id = $2"))
            .bind(group_id)
            .bind(org_id)
            .fetch_optional(self.db.pool())
            .await?
            .ok_or_else(|| not_found(group_id))?;
        self.group_from_row(&row).await
    }

    pub(super) async fn group_from_row(&self, row: &AnyRow) -> DomainResult<UserGroup> {
        let group_id: String = row.try_get("id")?;
        let ids = |sql: &'static str| {
            let group_id = group_id.clone();
            async move {
                let rows = sqlx::query(sql).bind(&group_id).fetch_all(self.db.pool()).await?;
                rows.iter().map(|r| Ok(r.try_get::<String, _>("id")?)).collect::<DomainResult<Vec<String>>>()
            }
        };
        Ok(UserGroup {
            user_ids: ids("SELECT user_id AS id FROM user_group_members WHERE group_id = $1 ORDER BY user_id").await?,
            role_ids: ids("SELECT role_id AS id FROM user_group_roles WHERE group_id = $1 ORDER BY role_id").await?,
            org_id: row.try_get("org_id")?,
            name: row.try_get("name")?,
            description: row.try_get("description")?,
            version: row.try_get("version")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            created_by: row.try_get("created_by")?,
            group_id,
        })
    }
}
