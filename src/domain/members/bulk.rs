//! Adding a role to, or taking it from, many members at once: the ones ticked, or every
//! member matching a search (which may be far more than one page). One transaction, one audit
//! event, the same rules as for one member: `member:assign`, and only a role the actor could
//! grant (so a bulk change cannot escalate, nor strip a role above the actor's own).

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{MemberSelection, storage::ensure_root_keeps_a_super_admin};
use crate::domain::{
    Actor, AuditEvent, Domain, DomainResult, Mutation,
    authz::{ChangeEffect, cache::Change, permissions::Permission, serialize_checked_changes},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BulkRoleChange {
    Add,
    Remove,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BulkPreview {
    pub role_id: String,
    pub role_name: String,
    /// Members the selection covers.
    pub selected: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BulkOutcome {
    pub role_name: String,
    pub selected: i64,
    /// Members whose roles actually changed (the others already had, or lacked, the role).
    pub changed: u64,
}

impl Domain {
    /// What a bulk change would touch, for the confirmation: checked like the change itself.
    pub async fn preview_bulk_role_change(
        &self,
        actor: &Actor,
        org_id: &str,
        role_id: &str,
        selection: MemberSelection<'_>,
    ) -> DomainResult<BulkPreview> {
        let org = self.visible_organization(actor, org_id).await?;
        let role_name = self.authorize_bulk(actor, &org.id, role_id).await?;
        selection.check()?;
        let (rows_sql, values) = selection.in_memberships(&org.id);
        let sql = format!("SELECT COUNT(*) AS n {rows_sql}");
        let mut count = sqlx::query(&sql);
        for value in &values {
            count = count.bind(value);
        }
        let selected: i64 = count.fetch_one(self.db.pool()).await?.try_get("n")?;
        Ok(BulkPreview { role_id: role_id.to_owned(), role_name, selected })
    }

    pub async fn bulk_role_change(
        &self,
        actor: &Actor,
        org_id: &str,
        change: BulkRoleChange,
        role_id: &str,
        selection: MemberSelection<'_>,
    ) -> DomainResult<BulkOutcome> {
        let org = self.visible_organization(actor, org_id).await?;
        let role_name = self.authorize_bulk(actor, &org.id, role_id).await?;
        selection.check()?;
        let (rows_sql, values) = selection.in_memberships(&org.id);
        let role_param = values.len() + 1;
        // Read before the transaction, which holds its connection meanwhile.
        let summary = self.selection_summary(&org.id, &selection).await?;
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        serialize_checked_changes(mutation.tx()).await?;
        // Who is selected: their grants are the only ones this changes.
        let selected_sql = format!("SELECT m.user_id AS user_id {rows_sql}");
        let mut selected_users = sqlx::query(&selected_sql);
        for value in &values {
            selected_users = selected_users.bind(value);
        }
        let selected_ids: Vec<String> = selected_users
            .fetch_all(&mut **mutation.tx())
            .await?
            .iter()
            .map(|row| row.try_get("user_id"))
            .collect::<Result<_, _>>()?;
        let selected = selected_ids.len() as i64;
        // The members it changes, recorded before the change: those lacking the role it adds,
        // or holding the one it removes.
        let holds = format!(
            "EXISTS (SELECT 1 FROM membership_roles x \
             WHERE x.org_id = m.org_id AND x.user_id = m.user_id AND x.role_id = ${role_param})"
        );
        let changing = match change {
            BulkRoleChange::Add => format!("SELECT m.user_id AS user_id {rows_sql} AND NOT {holds}"),
            BulkRoleChange::Remove => format!("SELECT m.user_id AS user_id {rows_sql} AND {holds}"),
        };
        let event_id = crate::domain::ids::new_id();
        let with_role: Vec<String> = values.iter().cloned().chain([role_id.to_owned()]).collect();
        mutation.record_subjects(&event_id, &changing, &with_role).await?;
        let sql = match change {
            BulkRoleChange::Add => format!(
                "INSERT INTO membership_roles (org_id, user_id, role_id) SELECT m.org_id, m.user_id, ${role_param} \
                 {rows_sql} AND NOT {holds}"
            ),
            BulkRoleChange::Remove => format!(
                "DELETE FROM membership_roles WHERE org_id = $1 AND role_id = ${role_param} \
                 AND user_id IN (SELECT m.user_id {rows_sql})"
            ),
        };
        let mut statement = sqlx::query(&sql);
        for value in &values {
            statement = statement.bind(value);
        }
        let changed = statement.bind(role_id).execute(&mut **mutation.tx()).await?.rows_affected();
        ensure_root_keeps_a_super_admin(mutation.tx()).await?;
        let action = match change {
            BulkRoleChange::Add => "member.roles_bulk_added",
            BulkRoleChange::Remove => "member.roles_bulk_removed",
        };
        let mut event =
            AuditEvent::new(action).org(&org.id).target("role", role_id, &role_name).after(serde_json::json!({
                "selection": summary,
                "selected": selected,
                "changed": changed,
            }));
        event.id = Some(event_id);
        self.commit_authz_change(mutation, event, &[Change::Memberships(selected_ids)]).await?;
        Ok(BulkOutcome { role_name, selected, changed })
    }

    /// `member:assign` here, and the role is one the actor could grant; returns its name.
    async fn authorize_bulk(&self, actor: &Actor, org_id: &str, role_id: &str) -> DomainResult<String> {
        self.authorize(actor, org_id, &Permission::new("member", "assign")).await?;
        let (role_name, statements) = self.role_statements(org_id, role_id).await?;
        self.authorize_change(actor, &ChangeEffect::new().at(org_id, statements)).await?;
        Ok(role_name)
    }
}

impl Domain {
    /// Who a bulk change chose, as the audit log keeps it: the users' ids with their emails, or
    /// the filter with the name of the role it filtered by.
    async fn selection_summary(
        &self,
        org_id: &str,
        selection: &MemberSelection<'_>,
    ) -> DomainResult<serde_json::Value> {
        Ok(match selection {
            MemberSelection::Users(ids) => {
                serde_json::json!({ "user_ids": ids, "members": self.user_emails(ids).await? })
            }
            MemberSelection::Matching { q, role_id, status } => {
                let role = match role_id {
                    Some(id) => self.role_names(org_id, &[(*id).to_owned()]).await?.pop(),
                    None => None,
                };
                serde_json::json!({ "all_matching": { "q": q, "role_id": role_id, "role": role, "status": status } })
            }
        })
    }
}
