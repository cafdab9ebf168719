//! Changing user groups: create, change and delete. Changing needs `member:assign`, and the
//! actor must be able to grant every role the group holds before and after the change (a
//! group is a way of handing out roles, so it obeys the same anti-escalation rule as giving a
//! member a role).

use serde_json::json;

use super::{GroupFields, MAX_GROUP_MEMBERS, MAX_GROUP_ROLES, UserGroup};
use crate::domain::{
    Actor, AuditEvent, Domain, DomainError, DomainResult, FieldError, Mutation, Timestamp,
    authz::{ChangeEffect, cache::Change, permissions::Permission, serialize_checked_changes},
    db, fields,
    ids::new_id,
};

impl Domain {
    pub async fn create_user_group(&self, actor: &Actor, org_id: &str, fields: GroupFields) -> DomainResult<UserGroup> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("member", "assign")).await?;
        let name = fields.name.clone().unwrap_or_default();
        let (user_ids, role_ids) =
            (fields.user_ids.clone().unwrap_or_default(), fields.role_ids.clone().unwrap_or_default());
        self.check_group(&org.id, &name, fields.description.as_deref().unwrap_or_default(), &user_ids, &role_ids)
            .await?;
        if !user_ids.is_empty() {
            self.authorize_group_roles(actor, &org.id, role_ids.iter()).await?;
        }
        let group_id = new_id();
        // Read before the transaction, which holds its connection meanwhile.
        let mut after = self.group_links(&org.id, &user_ids, &role_ids).await?;
        after["description"] = json!(fields.description.as_deref().unwrap_or_default().trim());
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let name = name.trim().to_owned();
        if db::name_taken_in_org(mutation.tx(), "user_groups", &org.id, &name, &group_id).await? {
            return Err(DomainError::Conflict(format!("This organization already has a user group named \"{name}\"")));
        }
        sqlx::query(
            "INSERT INTO user_groups (id, org_id, name, description, version, created_at, updated_at, created_by) \
             VALUES ($1, $2, $3, $4, 1, $5, $5, $6)",
        )
        .bind(&group_id)
        .bind(&org.id)
        .bind(&name)
        .bind(fields.description.as_deref().unwrap_or_default().trim())
        .bind(Timestamp::now().to_rfc3339())
        .bind(actor.user_id().ok().map(str::to_owned))
        .execute(&mut **mutation.tx())
        .await?;
        replace_links(&mut mutation, &group_id, &user_ids, &role_ids).await?;
        let event =
            AuditEvent::new("user_group.created").org(&org.id).target("user_group", &group_id, &name).after(after);
        self.commit_authz_change(mutation, event, &[Change::Memberships(user_ids)]).await?;
        self.stored_group(&org.id, &group_id).await
    }

    pub async fn update_user_group(
        &self,
        actor: &Actor,
        org_id: &str,
        group_id: &str,
        fields: GroupFields,
    ) -> DomainResult<UserGroup> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("member", "assign")).await?;
        let stored = self.stored_group(&org.id, group_id).await?;
        if fields.version.is_some_and(|v| v != stored.version) {
            return Err(DomainError::Conflict(format!(
                "The user group \"{}\" was changed by someone else since you loaded it (version {}). Reload it and apply your change again.",
                stored.name, stored.version
            )));
        }
        let name = fields.name.clone().unwrap_or_else(|| stored.name.clone());
        let description = fields.description.clone().unwrap_or_else(|| stored.description.clone());
        let user_ids = fields.user_ids.clone().unwrap_or_else(|| stored.user_ids.clone());
        let role_ids = fields.role_ids.clone().unwrap_or_else(|| stored.role_ids.clone());
        self.check_group(&org.id, &name, &description, &user_ids, &role_ids).await?;
        // Members who join gain the new roles, members who leave lose the old ones, and those
        // who stay gain what is added and lose what is taken away.
        let joined = user_ids.iter().any(|u| !stored.user_ids.contains(u));
        let left = stored.user_ids.iter().any(|u| !user_ids.contains(u));
        let moved = role_ids
            .iter()
            .filter(|r| joined || !stored.role_ids.contains(r))
            .chain(stored.role_ids.iter().filter(|r| left || !role_ids.contains(r)));
        self.authorize_group_roles(actor, &org.id, moved).await?;
        // Read before the transaction, which holds its connection meanwhile.
        let mut before = self.group_links(&org.id, &stored.user_ids, &stored.role_ids).await?;
        before["name"] = json!(stored.name);
        before["description"] = json!(stored.description);
        let mut after = self.group_links(&org.id, &user_ids, &role_ids).await?;
        after["name"] = json!(name.trim());
        after["description"] = json!(description.trim());
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        serialize_checked_changes(mutation.tx()).await?;
        let name = name.trim().to_owned();
        if db::name_taken_in_org(mutation.tx(), "user_groups", &org.id, &name, &stored.group_id).await? {
            return Err(DomainError::Conflict(format!("This organization already has a user group named \"{name}\"")));
        }
        let updated = sqlx::query(
            "UPDATE user_groups SET name = $1, description = $2, version = version + 1, updated_at = $3 \
             WHERE id = $4 AND version = $5",
        )
        .bind(&name)
        .bind(description.trim())
        .bind(Timestamp::now().to_rfc3339())
        .bind(&stored.group_id)
        .bind(stored.version)
        .execute(&mut **mutation.tx())
        .await?
        .rows_affected();
        if updated == 0 {
            return Err(DomainError::Conflict(format!(
                "The user group \"{}\" was changed meanwhile; reload it.",
                stored.name
            )));
        }
        replace_links(&mut mutation, &stored.group_id, &user_ids, &role_ids).await?;
        self.ensure_root_keeps_a_super_admin(mutation.tx()).await?;
        let affected: Vec<String> = stored.user_ids.iter().chain(&user_ids).cloned().collect();
        let event = AuditEvent::new("user_group.updated")
            .org(&org.id)
            .target("user_group", &stored.group_id, &name)
            .before(before)
            .after(after);
        self.commit_authz_change(mutation, event, &[Change::Memberships(affected)]).await?;
        self.stored_group(&org.id, &stored.group_id).await
    }

    pub async fn delete_user_group(&self, actor: &Actor, org_id: &str, group_id: &str) -> DomainResult<()> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("member", "assign")).await?;
        let stored = self.stored_group(&org.id, group_id).await?;
        if !stored.user_ids.is_empty() {
            self.authorize_group_roles(actor, &org.id, stored.role_ids.iter()).await?;
        }
        let mut before = self.group_links(&org.id, &stored.user_ids, &stored.role_ids).await?;
        before["name"] = json!(stored.name);
        before["description"] = json!(stored.description);
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        serialize_checked_changes(mutation.tx()).await?;
        sqlx::query("DELETE FROM user_groups WHERE id = $1")
            .bind(&stored.group_id)
            .execute(&mut **mutation.tx())
            .await?;
        self.ensure_root_keeps_a_super_admin(mutation.tx()).await?;
        let event = AuditEvent::new("user_group.deleted")
            .org(&org.id)
            .target("user_group", &stored.group_id, &stored.name)
            .before(before);
        self.commit_authz_change(mutation, event, &[Change::Memberships(stored.user_ids)]).await
    }

    /// A group's members and roles as the audit log keeps them: ids, and beside them the
    /// members' emails and the roles' names as they are now.
    async fn group_links(
        &self,
        org_id: &str,
        user_ids: &[String],
        role_ids: &[String],
    ) -> DomainResult<serde_json::Value> {
        Ok(json!({
            "user_ids": user_ids,
            "members": self.user_emails(user_ids).await?,
            "role_ids": role_ids,
            "roles": self.role_names(org_id, role_ids).await?,
        }))
    }

    /// Name and description rules, members of this organization only, its roles only, and no
    /// duplicates.
    async fn check_group(
        &self,
        org_id: &str,
        name: &str,
        description: &str,
        user_ids: &[String],
        role_ids: &[String],
    ) -> DomainResult<()> {
        let mut errors = Vec::new();
        if let Some(msg) = fields::name_problem(name) {
            errors.push(FieldError::item("name", None, "value_error.name", msg));
        }
        if let Some(msg) = fields::description_problem(description) {
            errors.push(FieldError::item("description", None, "too_long", msg));
        }
        let repeated_users = fields::repeated_items("user_ids", user_ids.iter(), MAX_GROUP_MEMBERS)
            .map_err(|e| DomainError::Invalid(vec![e]))?;
        let repeated_roles = fields::repeated_items("role_ids", role_ids.iter(), MAX_GROUP_ROLES)
            .map_err(|e| DomainError::Invalid(vec![e]))?;
        for (index, user_id) in user_ids.iter().enumerate() {
            if repeated_users.contains(&index) {
                errors.push(FieldError::item(
                    "user_ids",
                    Some(index),
                    "duplicate",
                    format!("{user_id} is listed twice"),
                ));
            } else if !self.is_direct_member(user_id, org_id).await? {
                errors.push(FieldError::item(
                    "user_ids",
                    Some(index),
                    "not_a_member",
                    format!("{user_id} is not a member of this organization; only its members can join its groups"),
                ));
            }
        }
        for (index, role_id) in role_ids.iter().enumerate() {
            let exists = sqlx::query("SELECT 1 FROM roles WHERE id = $1 AND org_id = $2")
                .bind(role_id)
                .bind(org_id)
                .fetch_optional(self.db.pool())
                .await?
                .is_some();
            if repeated_roles.contains(&index) {
                errors.push(FieldError::item(
                    "role_ids",
                    Some(index),
                    "duplicate",
                    format!("{role_id} is listed twice"),
                ));
            } else if !exists {
                errors.push(FieldError::item(
                    "role_ids",
                    Some(index),
                    "unknown_role",
                    format!("This organization has no role {role_id}"),
                ));
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(DomainError::Invalid(errors)) }
    }

    /// The anti-escalation rule for roles a group's members gain or lose.
    async fn authorize_group_roles(
        &self,
        actor: &Actor,
        org_id: &str,
        role_ids: impl Iterator<Item = &String>,
    ) -> DomainResult<()> {
        let mut effect = ChangeEffect::new();
        for role_id in role_ids {
            effect = effect.at(org_id, self.role_statements(org_id, role_id).await?.1);
        }
        self.authorize_change(actor, &effect).await
    }
}

async fn replace_links(
    mutation: &mut Mutation<'_>,
    group_id: &str,
    user_ids: &[String],
    role_ids: &[String],
) -> DomainResult<()> {
    sqlx::query("DELETE FROM user_group_members WHERE group_id = $1")
        .bind(group_id)
        .execute(&mut **mutation.tx())
        .await?;
    sqlx::query("DELETE FROM user_group_roles WHERE group_id = $1")
        .bind(group_id)
        .execute(&mut **mutation.tx())
        .await?;
    for user_id in user_ids {
        sqlx::query("INSERT INTO user_group_members (group_id, user_id) VALUES ($1, $2)")
            .bind(group_id)
            .bind(user_id)
            .execute(&mut **mutation.tx())
            .await?;
    }
    for role_id in role_ids {
        sqlx::query("INSERT INTO user_group_roles (group_id, role_id) VALUES ($1, $2)")
            .bind(group_id)
            .bind(role_id)
            .execute(&mut **mutation.tx())
            .await?;
    }
    Ok(())
}
