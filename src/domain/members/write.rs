//! Giving members roles, under the anti-escalation rule: nobody can give anyone a role with a
//! permission they do not hold themselves in that organization; and removing members, where
//! the root organization always keeps an active Super Admin.

use sqlx::Row;

use std::collections::HashSet;

use super::{MAX_MEMBER_ROLES, storage};
use crate::domain::{
    Actor, AuditEvent, Domain, DomainError, DomainResult, FieldError, Mutation, Transaction,
    authz::{ChangeEffect, cache::Change, permissions::Permission, serialize_checked_changes},
    fields,
};

impl Domain {
    /// Adds roles of `org_id` to `user_id` (making them a member if they are not one yet).
    pub async fn assign_roles(
        &self,
        actor: &Actor,
        org_id: &str,
        user_id: &str,
        role_ids: &[String],
    ) -> DomainResult<()> {
        let org = self.visible_organization(actor, org_id).await?;
        fields::repeated_items("role_ids", role_ids.iter(), MAX_MEMBER_ROLES)
            .map_err(|e| DomainError::Invalid(vec![e]))?;
        let current = self.member_role_ids(&org.id, user_id).await?;
        let held: HashSet<&String> = current.iter().collect();
        let mut all = current.clone();
        all.extend(role_ids.iter().filter(|r| !held.contains(r)).cloned());
        self.set_member_roles(actor, &org.id, user_id, &all).await
    }

    /// Sets a member's roles in an organization to exactly `role_ids`, adding the membership if
    /// it is new (with the organization's default roles too). The actor must be able to grant
    /// every role added and every role taken away, so nobody can strip a role above their own.
    pub async fn set_member_roles(
        &self,
        actor: &Actor,
        org_id: &str,
        user_id: &str,
        role_ids: &[String],
    ) -> DomainResult<()> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("member", "assign")).await?;
        let repeated = fields::repeated_items("role_ids", role_ids.iter(), MAX_MEMBER_ROLES)
            .map_err(|e| DomainError::Invalid(vec![e]))?;
        if let Some(index) = repeated.iter().min() {
            return Err(DomainError::Invalid(vec![FieldError::item(
                "role_ids",
                Some(*index),
                "duplicate",
                format!("{} is listed twice", role_ids[*index]),
            )]));
        }
        let user = self.visible_user(actor, user_id).await?;
        let current = self.member_role_ids(&org.id, &user.id).await?;
        // Someone joining gets the organization's default roles as well.
        let mut role_ids = role_ids.to_vec();
        if !self.is_direct_member(&user.id, &org.id).await? {
            let asked: HashSet<String> = role_ids.iter().cloned().collect();
            role_ids.extend(self.default_role_ids(&org.id).await?.into_iter().filter(|d| !asked.contains(d)));
        }
        let role_ids = role_ids.as_slice();
        let (now, before): (HashSet<&String>, HashSet<&String>) = (role_ids.iter().collect(), current.iter().collect());
        let added = role_ids.iter().filter(|r| !before.contains(r));
        let taken_away = current.iter().filter(|r| !now.contains(r));
        let mut effect = ChangeEffect::new();
        for role_id in added.chain(taken_away) {
            let (_, statements) = self.role_statements(&org.id, role_id).await?;
            effect = effect.at(&org.id, statements);
        }
        self.authorize_change(actor, &effect).await?;
        // Read before the transaction, which holds its connection meanwhile.
        let (names_before, names_after) =
            (self.role_names(&org.id, &current).await?, self.role_names(&org.id, role_ids).await?);
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        serialize_checked_changes(mutation.tx()).await?;
        if !storage::is_member(mutation.tx(), &org.id, &user.id).await? {
            storage::add_membership(mutation.tx(), &org.id, &user.id).await?;
        }
        for role_id in current.iter().filter(|r| !now.contains(r)) {
            sqlx::query("DELETE FROM membership_roles WHERE org_id = $1 AND user_id = $2 AND role_id = $3")
                .bind(&org.id)
                .bind(&user.id)
                .bind(role_id)
                .execute(&mut **mutation.tx())
                .await?;
        }
        for role_id in role_ids {
            storage::grant_role(mutation.tx(), &org.id, &user.id, role_id).await?;
        }
        storage::ensure_root_keeps_a_super_admin(mutation.tx()).await?;
        let event = AuditEvent::new("member.roles_set")
            .org(&org.id)
            .target("user", &user.id, &user.email)
            .before(serde_json::json!({ "role_ids": current, "roles": names_before }))
            .after(serde_json::json!({ "role_ids": role_ids, "roles": names_after }));
        self.commit_authz_change(mutation, event, &[Change::Memberships(vec![user.id.clone()])]).await
    }

    async fn member_role_ids(&self, org_id: &str, user_id: &str) -> DomainResult<Vec<String>> {
        let rows =
            sqlx::query("SELECT role_id FROM membership_roles WHERE org_id = $1 AND user_id = $2 ORDER BY role_id")
                .bind(org_id)
                .bind(user_id)
                .fetch_all(self.db.pool())
                .await?;
        rows.iter().map(|r| Ok(r.try_get("role_id")?)).collect()
    }

    /// Removes a member, with their roles, from an organization. The root organization always
    /// keeps at least one active Super Admin.
    pub async fn remove_member(&self, actor: &Actor, org_id: &str, user_id: &str) -> DomainResult<()> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("member", "remove")).await?;
        let user = self.visible_user(actor, user_id).await?;
        // Leaving takes every role held here, directly or through the organization's groups.
        let held = self.authz.grants_of(&self.db, &user.id).await?;
        self.authorize_change(actor, &ChangeEffect::new().roles(held.iter().filter(|g| g.org_id == org.id))).await?;
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        serialize_checked_changes(mutation.tx()).await?;
        let removed = sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(&org.id)
            .bind(&user.id)
            .execute(&mut **mutation.tx())
            .await?
            .rows_affected();
        if removed == 0 {
            return Err(DomainError::NotFound { resource_type: "member", resource_id: user.id });
        }
        // Only members belong to an organization's user groups.
        sqlx::query(
            "DELETE FROM user_group_members WHERE user_id = $1 \
             AND group_id IN (SELECT id FROM user_groups WHERE org_id = $2)",
        )
        .bind(&user.id)
        .bind(&org.id)
        .execute(&mut **mutation.tx())
        .await?;
        storage::ensure_root_keeps_a_super_admin(mutation.tx()).await?;
        let direct = held.iter().filter(|g| g.org_id == org.id && g.via_group.is_none());
        let (role_ids, roles): (Vec<&str>, Vec<&str>) =
            direct.map(|g| (g.role_id.as_str(), g.role_name.as_str())).unzip();
        let event = AuditEvent::new("member.removed")
            .org(&org.id)
            .target("user", &user.id, &user.email)
            .before(serde_json::json!({ "role_ids": role_ids, "roles": roles }));
        self.commit_authz_change(mutation, event, &[Change::Memberships(vec![user.id.clone()])]).await
    }

    /// Makes `user_id` a member of `org_id` holding `role_ids`, inside the caller's transaction
    /// (no authorization: the caller has authorized the whole change).
    pub(crate) async fn join_organization(
        &self,
        tx: &mut Transaction,
        org_id: &str,
        user_id: &str,
        role_ids: &[String],
    ) -> DomainResult<()> {
        if !storage::is_member(tx, org_id, user_id).await? {
            storage::add_membership(tx, org_id, user_id).await?;
        }
        for role_id in role_ids {
            storage::grant_role(tx, org_id, user_id, role_id).await?;
        }
        Ok(())
    }

    /// Refuses, inside the caller's transaction, a change that would leave the root without an
    /// active Super Admin.
    pub(crate) async fn ensure_root_keeps_a_super_admin(&self, tx: &mut Transaction) -> DomainResult<()> {
        storage::ensure_root_keeps_a_super_admin(tx).await
    }
}
