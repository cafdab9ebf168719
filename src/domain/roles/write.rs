//! Changing roles: create, change and delete an organization's custom roles.
//!
//! A custom role is a set of the organization's policies; its permissions are their union
//! (deny statements included), and its own rules when it was given rules inline (seed 002:
//! a policy the role owns, written in the same transaction). Predefined roles are read-only.
//! Nobody can compose a role that allows more than they hold there. A role held by members is
//! deleted only with `unassign`.

use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use super::{
    MAX_GROUP_NAME_CHARS, MAX_POLICIES, MAX_SSO_GROUPS, Role, RoleChanges, RoleFields, role_permission, storage,
};
use crate::domain::{
    Actor, AuditEvent, Domain, DomainError, DomainResult, FieldError, Mutation, Timestamp,
    audit::HistoryOf,
    authz::{ChangeEffect, cache::Change, statements::Statement},
    db::{self, to_flag},
    fields,
    ids::new_id,
    policies::{OwnRules, StoredPolicy},
};

/// A role's fields, checked: the policies it is made of, and its own rules when given.
struct CheckedRole {
    policies: Vec<StoredPolicy>,
    own_rules: Option<OwnRules>,
}

impl CheckedRole {
    /// Everything the role would say: its policies' statements and its own rules'.
    fn statements(&self) -> Vec<Statement> {
        let own = self.own_rules.iter().flat_map(|rules| rules.statements.iter().cloned());
        self.policies.iter().flat_map(|p| p.statements.iter().cloned()).chain(own).collect()
    }
}

fn json_text(value: &impl Serialize) -> DomainResult<String> {
    serde_json::to_string(value).map_err(|e| DomainError::Internal(e.to_string()))
}

impl Domain {
    /// The policies of `org_id` that `policy_ids` name, in order; a problem in `errors` for each
    /// id that repeats an earlier one or names no policy of the organization.
    /// `role_id` is the role they are for (`None`: a new one): another role's own rules are
    /// refused.
    pub(super) async fn chosen_policies(
        &self,
        org_id: &str,
        role_id: Option<&str>,
        policy_ids: &[String],
        errors: &mut Vec<FieldError>,
    ) -> DomainResult<Vec<StoredPolicy>> {
        let repeated = fields::repeated_items("policy_ids", policy_ids.iter(), MAX_POLICIES)
            .map_err(|e| DomainError::Invalid(vec![e]))?;
        let mut chosen = Vec::with_capacity(policy_ids.len());
        for (index, policy_id) in policy_ids.iter().enumerate() {
            if repeated.contains(&index) {
                errors.push(FieldError::item(
                    "policy_ids",
                    Some(index),
                    "duplicate",
                    format!("{policy_id} is listed twice"),
                ));
                continue;
            }
            match self.stored_policy(org_id, policy_id).await? {
                Some(policy) if policy.owner_role_id.as_deref().is_some_and(|owner| Some(owner) != role_id) => errors
                    .push(FieldError::item(
                        "policy_ids",
                        Some(index),
                        "owned_policy",
                        format!("\"{}\" holds another role's own rules and can be part of that role only", policy.name),
                    )),
                Some(policy) => chosen.push(policy),
                None => errors.push(FieldError::item(
                    "policy_ids",
                    Some(index),
                    "unknown_policy",
                    format!("This organization has no policy {policy_id}"),
                )),
            }
        }
        Ok(chosen)
    }

    /// Checks the fields of a role of `org_id` (`role_id`: `None` for a new one); returns its
    /// policies and its own rules, checked.
    async fn checked_role(
        &self,
        org_id: &str,
        role_id: Option<&str>,
        fields: &RoleFields,
    ) -> DomainResult<CheckedRole> {
        let mut errors = Vec::new();
        let own_rules = match &fields.own_rules {
            None => None,
            Some(content) => match self.checked_own_rules(org_id, content).await {
                Ok(rules) => Some(rules),
                Err(DomainError::Invalid(problems)) => {
                    errors.extend(problems);
                    None
                }
                Err(e) => return Err(e),
            },
        };
        if let Some(msg) = fields::name_problem(&fields.name) {
            errors.push(FieldError::item("name", None, "value_error.name", msg));
        }
        if let Some(msg) = fields::description_problem(&fields.description) {
            errors.push(FieldError::item("description", None, "too_long", msg));
        }
        let repeated_groups =
            fields::repeated_items("sso_group_names", fields.sso_group_names.iter().map(|g| g.trim()), MAX_SSO_GROUPS)
                .map_err(|e| DomainError::Invalid(vec![e]))?;
        let policies = self.chosen_policies(org_id, role_id, &fields.policy_ids, &mut errors).await?;
        for (index, group) in fields.sso_group_names.iter().enumerate() {
            let length = group.trim().chars().count();
            if length == 0 || length > MAX_GROUP_NAME_CHARS {
                errors.push(FieldError::item(
                    "sso_group_names",
                    Some(index),
                    "value_error.group",
                    format!("A group name is 1 to {MAX_GROUP_NAME_CHARS} characters"),
                ));
            } else if repeated_groups.contains(&index) {
                errors.push(FieldError::item(
                    "sso_group_names",
                    Some(index),
                    "duplicate",
                    format!("\"{group}\" is listed twice"),
                ));
            }
        }
        if errors.is_empty() { Ok(CheckedRole { policies, own_rules }) } else { Err(DomainError::Invalid(errors)) }
    }

    /// Creates a custom role of `org_id` from policies of the same organization.
    pub async fn create_role(&self, actor: &Actor, org_id: &str, fields: RoleFields) -> DomainResult<Role> {
        let org = self.authorized_organization(actor, org_id, &role_permission("create")).await?;
        let checked = self.checked_role(&org.id, None, &fields).await?;
        // Nobody composes a role that moves more than they hold there.
        self.authorize_change(actor, &ChangeEffect::new().at(&org.id, checked.statements())).await?;
        let CheckedRole { mut policies, own_rules } = checked;

        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let role_id = new_id();
        let name = fields.name.trim().to_owned();
        if db::name_taken_in_org(mutation.tx(), "roles", &org.id, &name, &role_id).await? {
            return Err(DomainError::Conflict(format!("This organization already has a role named \"{name}\"")));
        }
        let groups: Vec<String> = fields.sso_group_names.iter().map(|g| g.trim().to_owned()).collect();
        sqlx::query(
            "INSERT INTO roles (id, org_id, name, description, is_default, managed, sso_group_names, created_at, updated_at, created_by, version) \
             VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $7, $8, 1)",
        )
        .bind(&role_id)
        .bind(&org.id)
        .bind(&name)
        .bind(fields.description.trim())
        .bind(to_flag(fields.is_default))
        .bind(json_text(&groups)?)
        .bind(Timestamp::now().to_rfc3339())
        .bind(actor.user_id().ok().map(str::to_owned))
        .execute(&mut **mutation.tx())
        .await?;
        if let Some(rules) = own_rules {
            policies.push(self.write_own_rules(&mut mutation, &org.id, &role_id, None, rules).await?);
        }
        storage::replace_policies(mutation.tx(), &role_id, &policies).await?;
        let policy_ids: Vec<&str> = policies.iter().map(|p| p.id.as_str()).collect();
        let policy_names: Vec<&str> = policies.iter().map(|p| p.name.as_str()).collect();
        let event = AuditEvent::new("role.created")
            .org(&org.id)
            .target("role", &role_id, &name)
            .after(json!({ "name": name, "description": fields.description.trim(), "policy_ids": policy_ids, "policies": policy_names, "is_default": fields.is_default, "sso_group_names": groups }));
        mutation.commit(event).await?;
        // Shown as made, whether or not the actor may also read roles.
        self.present_role(self.stored_role(&org.id, &role_id).await?).await
    }

    /// Changes a custom role. Its new composition is checked for escalation like a new one.
    pub async fn update_role(
        &self,
        actor: &Actor,
        org_id: &str,
        role_id: &str,
        changes: RoleChanges,
    ) -> DomainResult<Role> {
        let org = self.authorized_organization(actor, org_id, &role_permission("update")).await?;
        let stored = self.stored_role(&org.id, role_id).await?;
        if stored.managed {
            return Err(DomainError::Conflict(format!(
                "\"{}\" is a predefined role and cannot be changed. Create a custom role instead.",
                stored.name
            )));
        }
        let version = changes.version.unwrap_or(stored.version);
        if let Some(event_id) = &changes.restored_from {
            self.restorable_version(actor, &org.id, HistoryOf::Role(&stored.id), event_id).await?;
        }
        let current = self.present_role(stored.clone()).await?;
        // The role's own rules are not one of its chosen policies: they stay as they are, or new
        // ones take their place (the console does not offer them as a choice).
        let own_before = self.own_rules_of(&stored.id).await?;
        let mut policy_ids = changes.policy_ids.unwrap_or(current.policy_ids.clone());
        policy_ids.retain(|id| own_before.as_ref().is_none_or(|own| &own.id != id));
        let fields = RoleFields {
            name: changes.name.unwrap_or(stored.name.clone()),
            description: changes.description.unwrap_or(stored.description.clone()),
            policy_ids,
            is_default: changes.is_default.unwrap_or(stored.is_default),
            sso_group_names: changes.sso_group_names.unwrap_or(stored.sso_group_names.clone()),
            own_rules: changes.own_rules,
        };
        let mut checked = self.checked_role(&org.id, Some(&stored.id), &fields).await?;
        if checked.own_rules.is_none()
            && let Some(own) = &own_before
        {
            checked.policies.push(own.clone());
        }
        let (_, before) = self.role_statements(&org.id, &stored.id).await?;
        let after = checked.statements();
        let CheckedRole { mut policies, own_rules } = checked;
        // Holders gain and lose what the new composition adds and takes away; new SSO group
        // names hand the whole role to whoever signs in with them.
        // So does becoming a default role: SSO gives it to whoever's groups map to nothing.
        let hands_out = fields.sso_group_names.iter().any(|g| !stored.sso_group_names.contains(g))
            || (fields.is_default && !stored.is_default);
        let effect = if hands_out {
            ChangeEffect::new().rewrite(&org.id, &before, &after).at(&org.id, after.clone())
        } else {
            ChangeEffect::new().rewrite(&org.id, &before, &after)
        };
        self.authorize_change(actor, &effect).await?;

        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let name = fields.name.trim().to_owned();
        if db::name_taken_in_org(mutation.tx(), "roles", &org.id, &name, &stored.id).await? {
            return Err(DomainError::Conflict(format!("This organization already has a role named \"{name}\"")));
        }
        let groups: Vec<String> = fields.sso_group_names.iter().map(|g| g.trim().to_owned()).collect();
        let updated = sqlx::query(
            "UPDATE roles SET name = $1, description = $2, is_default = $3, sso_group_names = $4, updated_at = $5, \
             version = version + 1 WHERE id = $6 AND version = $7 AND managed = 0",
        )
        .bind(&name)
        .bind(fields.description.trim())
        .bind(to_flag(fields.is_default))
        .bind(json_text(&groups)?)
        .bind(Timestamp::now().to_rfc3339())
        .bind(&stored.id)
        .bind(version)
        .execute(&mut **mutation.tx())
        .await?
        .rows_affected();
        if updated == 0 {
            return Err(DomainError::Conflict(format!(
                "The role \"{}\" was changed by someone else since you loaded it. Reload it and apply your change again.",
                stored.name
            )));
        }
        let mut changed = vec![Change::Roles(vec![stored.id.clone()])];
        if let Some(rules) = own_rules {
            let own = self.write_own_rules(&mut mutation, &org.id, &stored.id, own_before.as_ref(), rules).await?;
            changed.push(Change::Policies(vec![own.id.clone()]));
            policies.push(own);
        }
        storage::replace_policies(mutation.tx(), &stored.id, &policies).await?;
        let policy_ids: Vec<&str> = policies.iter().map(|p| p.id.as_str()).collect();
        // Names as they are at this moment, beside the ids: a renamed or deleted policy still
        // reads as it was in the log.
        let (policies_before, policy_names): (Vec<&str>, Vec<&str>) = (
            current.policies.iter().map(|p| p.name.as_str()).collect(),
            policies.iter().map(|p| p.name.as_str()).collect(),
        );
        let event = AuditEvent::new("role.updated")
            .org(&org.id)
            .target("role", &stored.id, &name)
            .before(json!({ "name": current.name, "description": current.description, "policy_ids": current.policy_ids, "policies": policies_before, "is_default": current.is_default, "sso_group_names": current.sso_group_names }))
            .after(json!({ "name": name, "description": fields.description.trim(), "policy_ids": policy_ids, "policies": policy_names, "is_default": fields.is_default, "sso_group_names": groups }))
            .restoring(changes.restored_from.as_deref(), "role.restored");
        self.commit_authz_change(mutation, event, &changed).await?;
        self.present_role(self.stored_role(&org.id, &stored.id).await?).await
    }

    /// Deletes a custom role. While members hold it, refused (409, with the count) unless
    /// `unassign`, which takes it from them in the same transaction.
    pub async fn delete_role(&self, actor: &Actor, org_id: &str, role_id: &str, unassign: bool) -> DomainResult<()> {
        let org = self.authorized_organization(actor, org_id, &role_permission("delete")).await?;
        let stored = self.stored_role(&org.id, role_id).await?;
        if stored.managed {
            return Err(DomainError::Conflict(format!(
                "\"{}\" is a predefined role and cannot be deleted.",
                stored.name
            )));
        }
        // Deleting takes the role from every member and group holding it.
        let held = self.held_roles(std::slice::from_ref(&org.id)).await?;
        self.authorize_change(actor, &ChangeEffect::new().roles(held.iter().filter(|g| g.role_id == stored.id)))
            .await?;
        let current = self.present_role(stored.clone()).await?;
        let policies: Vec<&str> = current.policies.iter().map(|p| p.name.as_str()).collect();
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let holders: Vec<String> = sqlx::query("SELECT user_id FROM membership_roles WHERE role_id = $1")
            .bind(&stored.id)
            .fetch_all(&mut **mutation.tx())
            .await?
            .iter()
            .map(|r| r.try_get("user_id"))
            .collect::<Result<_, _>>()?;
        if !holders.is_empty() && !unassign {
            return Err(DomainError::InUse {
                message: format!(
                    "{} member(s) hold the role \"{}\". Take it from them first, or delete with unassign.",
                    holders.len(),
                    stored.name
                ),
                details: json!({ "member_count": holders.len() }),
            });
        }
        sqlx::query("DELETE FROM membership_roles WHERE role_id = $1")
            .bind(&stored.id)
            .execute(&mut **mutation.tx())
            .await?;
        sqlx::query("DELETE FROM role_policies WHERE role_id = $1")
            .bind(&stored.id)
            .execute(&mut **mutation.tx())
            .await?;
        sqlx::query("DELETE FROM roles WHERE id = $1").bind(&stored.id).execute(&mut **mutation.tx()).await?;
        // Read once the role's row is gone: rules a concurrent change gave it have committed.
        let own_rules = self.own_rules_in(&mut mutation, &stored.id).await?;
        if let Some(own) = &own_rules {
            self.delete_own_rules(&mut mutation, own).await?;
        }
        let event = AuditEvent::new("role.deleted")
            .org(&org.id)
            .target("role", &stored.id, &stored.name)
            .before(json!({ "name": stored.name, "policy_ids": current.policy_ids, "policies": policies }))
            .after(json!({ "unassigned_members": holders.len() }));
        // Its holders lose it, members and user groups' members alike (groups by cascade).
        let mut changed = vec![Change::Roles(vec![stored.id.clone()])];
        changed.extend(own_rules.map(|own| Change::Policies(vec![own.id])));
        self.commit_authz_change(mutation, event, &changed).await
    }
}
