//! Roles' capabilities: list, read, create, change and delete an organization's roles.
//!
//! A custom role is a set of the organization's policies; its permissions are their union
//! (deny statements included). Predefined roles are read-only. Nobody can compose a role that
//! allows more than they hold there. A role held by members is deleted only with `unassign`.

use serde::Serialize;
use serde_json::json;
use sqlx::{Row, any::AnyRow};

use super::{
    Actor, AuditEvent, Domain, DomainError, DomainResult, FieldError, Mutation, Timestamp, Transaction,
    authz::{GrantPlace, cache::Change},
    cursor,
    db::{self, flag, to_flag},
    fields,
    ids::new_id,
    permissions::Permission,
    policies::{self, Policy, StoredPolicy},
};

pub const MAX_GROUP_NAME_CHARS: usize = 200;

/// What a role is made of, as a request gives it.
#[derive(Debug, Clone, Default)]
pub struct RoleFields {
    pub name: String,
    pub description: String,
    pub policy_ids: Vec<String>,
    pub is_default: bool,
    pub sso_group_names: Vec<String>,
}

/// A change: each field given replaces the stored one; `version`, when given, must be current.
#[derive(Debug, Clone, Default)]
pub struct RoleChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub policy_ids: Option<Vec<String>>,
    pub is_default: Option<bool>,
    pub sso_group_names: Option<Vec<String>>,
    pub version: Option<i64>,
}

/// A role as seed 001 shows it, with its policies expanded.
#[derive(Debug, Clone, Serialize)]
pub struct Role {
    pub role_id: String,
    pub org_id: String,
    pub name: String,
    pub description: String,
    pub policy_ids: Vec<String>,
    pub policies: Vec<Policy>,
    pub is_default: bool,
    pub sso_group_names: Vec<String>,
    pub managed: bool,
    /// Members holding the role in its organization.
    pub member_count: i64,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub created_by: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RolePage {
    pub total: i64,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    pub roles: Vec<Role>,
}

/// A role row, before its policies are expanded.
#[derive(Debug, Clone)]
struct StoredRole {
    id: String,
    org_id: String,
    name: String,
    description: String,
    is_default: bool,
    managed: bool,
    sso_group_names: Vec<String>,
    version: i64,
    created_at: String,
    updated_at: String,
    created_by: Option<String>,
}

const COLUMNS: &str =
    "id, org_id, name, description, is_default, managed, sso_group_names, version, created_at, updated_at, created_by";

fn from_row(row: &AnyRow) -> DomainResult<StoredRole> {
    let groups: String = row.try_get("sso_group_names")?;
    Ok(StoredRole {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        is_default: flag(row, "is_default")?,
        managed: flag(row, "managed")?,
        sso_group_names: serde_json::from_str(&groups)
            .map_err(|e| DomainError::Internal(format!("sso_group_names is not valid JSON: {e}")))?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        created_by: row.try_get("created_by")?,
    })
}

fn problem(field: &str, index: Option<usize>, kind: &str, msg: String) -> FieldError {
    let mut loc = vec!["body".to_owned(), field.to_owned()];
    loc.extend(index.map(|i| i.to_string()));
    FieldError { loc, msg, kind: kind.to_owned() }
}

fn role_permission(action: &str) -> Permission {
    Permission::new("role", action)
}

fn not_found(role_id: &str) -> DomainError {
    DomainError::NotFound { resource_type: "role", resource_id: role_id.to_owned() }
}

fn json_text(value: &impl Serialize) -> DomainResult<String> {
    serde_json::to_string(value).map_err(|e| DomainError::Internal(e.to_string()))
}

async fn replace_policies(tx: &mut Transaction, role_id: &str, policies: &[StoredPolicy]) -> DomainResult<()> {
    sqlx::query("DELETE FROM role_policies WHERE role_id = $1").bind(role_id).execute(&mut **tx).await?;
    for policy in policies {
        sqlx::query("INSERT INTO role_policies (role_id, policy_id) VALUES ($1, $2)")
            .bind(role_id)
            .bind(&policy.id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

impl Domain {
    /// Checks the fields of a role of `org_id`; returns its policies.
    async fn checked_role(&self, org_id: &str, fields: &RoleFields) -> DomainResult<Vec<StoredPolicy>> {
        let mut errors = Vec::new();
        if let Some(msg) = fields::name_problem(&fields.name) {
            errors.push(problem("name", None, "value_error.name", msg));
        }
        if let Some(msg) = fields::description_problem(&fields.description) {
            errors.push(problem("description", None, "too_long", msg));
        }
        let mut chosen = Vec::new();
        for (index, policy_id) in fields.policy_ids.iter().enumerate() {
            if fields.policy_ids[..index].contains(policy_id) {
                errors.push(problem("policy_ids", Some(index), "duplicate", format!("{policy_id} is listed twice")));
                continue;
            }
            match policies::find(&self.db, org_id, policy_id).await? {
                Some(policy) => chosen.push(policy),
                None => errors.push(problem(
                    "policy_ids",
                    Some(index),
                    "unknown_policy",
                    format!("This organization has no policy {policy_id}"),
                )),
            }
        }
        for (index, group) in fields.sso_group_names.iter().enumerate() {
            let length = group.trim().chars().count();
            if length == 0 || length > MAX_GROUP_NAME_CHARS {
                errors.push(problem(
                    "sso_group_names",
                    Some(index),
                    "value_error.group",
                    format!("A group name is 1 to {MAX_GROUP_NAME_CHARS} characters"),
                ));
            } else if fields.sso_group_names[..index].iter().any(|g| g.trim() == group.trim()) {
                errors.push(problem(
                    "sso_group_names",
                    Some(index),
                    "duplicate",
                    format!("\"{group}\" is listed twice"),
                ));
            }
        }
        if errors.is_empty() { Ok(chosen) } else { Err(DomainError::Invalid(errors)) }
    }

    async fn stored_role(&self, org_id: &str, role_id: &str) -> DomainResult<StoredRole> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM roles WHERE id = $1 AND org_id = $2"))
            .bind(role_id)
            .bind(org_id)
            .fetch_optional(self.db.pool())
            .await?;
        row.as_ref().map(from_row).transpose()?.ok_or_else(|| not_found(role_id))
    }

    /// Adds the expanded policies and the member count.
    async fn present_role(&self, actor: &Actor, stored: StoredRole) -> DomainResult<Role> {
        let rows = sqlx::query(
            "SELECT rp.policy_id FROM role_policies rp JOIN policies p ON p.id = rp.policy_id \
             WHERE rp.role_id = $1 ORDER BY p.name, p.id",
        )
        .bind(&stored.id)
        .fetch_all(self.db.pool())
        .await?;
        let policy_ids: Vec<String> = rows.iter().map(|r| r.try_get("policy_id")).collect::<Result<_, _>>()?;
        let mut expanded = Vec::with_capacity(policy_ids.len());
        for policy_id in &policy_ids {
            expanded.push(self.policy(actor, &stored.org_id, policy_id).await?);
        }
        let member_count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM membership_roles WHERE role_id = $1")
            .bind(&stored.id)
            .fetch_one(self.db.pool())
            .await?
            .try_get("n")?;
        Ok(Role {
            role_id: stored.id,
            org_id: stored.org_id,
            name: stored.name,
            description: stored.description,
            policy_ids,
            policies: expanded,
            is_default: stored.is_default,
            sso_group_names: stored.sso_group_names,
            managed: stored.managed,
            member_count,
            version: stored.version,
            created_at: stored.created_at,
            updated_at: stored.updated_at,
            created_by: stored.created_by,
        })
    }

    pub async fn list_roles(
        &self,
        actor: &Actor,
        org_id: &str,
        q: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> DomainResult<RolePage> {
        let org = self.resolve_organization(org_id).await?;
        self.authorize(actor, &org.id, &role_permission("read")).await?;
        let pattern = db::search_pattern(q);
        let matches = "org_id = $1 AND ($2 = '' OR LOWER(name) LIKE $2 OR LOWER(description) LIKE $2)";
        let total: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM roles WHERE {matches}"))
            .bind(&org.id)
            .bind(&pattern)
            .fetch_one(self.db.pool())
            .await?
            .try_get("n")?;
        let (after_name, after_id) = after.map(cursor::decode).transpose()?.unwrap_or_default();
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM roles WHERE {matches} AND ($3 = '' OR name > $3 OR (name = $3 AND id > $4)) \
             ORDER BY name, id LIMIT $5"
        ))
        .bind(&org.id)
        .bind(&pattern)
        .bind(&after_name)
        .bind(&after_id)
        .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX))
        .fetch_all(self.db.pool())
        .await?;
        let mut stored = rows.iter().map(from_row).collect::<DomainResult<Vec<_>>>()?;
        let has_more = stored.len() > limit;
        stored.truncate(limit);
        let next_cursor = if has_more { stored.last().map(|r| cursor::encode(&r.name, &r.id)) } else { None };
        let mut roles = Vec::with_capacity(stored.len());
        for role in stored {
            roles.push(self.present_role(actor, role).await?);
        }
        Ok(RolePage { total, has_more, next_cursor, roles })
    }

    pub async fn role(&self, actor: &Actor, org_id: &str, role_id: &str) -> DomainResult<Role> {
        let org = self.resolve_organization(org_id).await?;
        self.authorize(actor, &org.id, &role_permission("read")).await?;
        let stored = self.stored_role(&org.id, role_id).await?;
        self.present_role(actor, stored).await
    }

    /// Creates a custom role of `org_id` from policies of the same organization.
    pub async fn create_role(&self, actor: &Actor, org_id: &str, fields: RoleFields) -> DomainResult<Role> {
        let org = self.resolve_organization(org_id).await?;
        self.authorize(actor, &org.id, &role_permission("create")).await?;
        let chosen = self.checked_role(&org.id, &fields).await?;
        let statements: Vec<_> = chosen.iter().flat_map(|p| p.statements.clone()).collect();
        self.authorize_grant_of(actor, GrantPlace::In(&org.id), &statements).await?;

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
        replace_policies(mutation.tx(), &role_id, &chosen).await?;
        let policy_ids: Vec<&str> = chosen.iter().map(|p| p.id.as_str()).collect();
        let event = AuditEvent::new("role.created")
            .org(&org.id)
            .target("role", &role_id, &name)
            .after(json!({ "name": name, "policy_ids": policy_ids, "is_default": fields.is_default, "sso_group_names": groups }));
        mutation.commit(event).await?;
        self.role(actor, &org.id, &role_id).await
    }

    /// Changes a custom role. Its new composition is checked for escalation like a new one.
    pub async fn update_role(
        &self,
        actor: &Actor,
        org_id: &str,
        role_id: &str,
        changes: RoleChanges,
    ) -> DomainResult<Role> {
        let org = self.resolve_organization(org_id).await?;
        self.authorize(actor, &org.id, &role_permission("update")).await?;
        let stored = self.stored_role(&org.id, role_id).await?;
        if stored.managed {
            return Err(DomainError::Conflict(format!(
                "\"{}\" is a predefined role and cannot be changed. Create a custom role instead.",
                stored.name
            )));
        }
        let version = changes.version.unwrap_or(stored.version);
        let current = self.present_role(actor, stored.clone()).await?;
        let fields = RoleFields {
            name: changes.name.unwrap_or(stored.name.clone()),
            description: changes.description.unwrap_or(stored.description.clone()),
            policy_ids: changes.policy_ids.unwrap_or(current.policy_ids.clone()),
            is_default: changes.is_default.unwrap_or(stored.is_default),
            sso_group_names: changes.sso_group_names.unwrap_or(stored.sso_group_names.clone()),
        };
        let chosen = self.checked_role(&org.id, &fields).await?;
        let statements: Vec<_> = chosen.iter().flat_map(|p| p.statements.clone()).collect();
        self.authorize_grant_of(actor, GrantPlace::In(&org.id), &statements).await?;

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
        replace_policies(mutation.tx(), &stored.id, &chosen).await?;
        let policy_ids: Vec<&str> = chosen.iter().map(|p| p.id.as_str()).collect();
        let event = AuditEvent::new("role.updated")
            .org(&org.id)
            .target("role", &stored.id, &name)
            .before(json!({ "name": current.name, "policy_ids": current.policy_ids, "is_default": current.is_default, "sso_group_names": current.sso_group_names }))
            .after(json!({ "name": name, "policy_ids": policy_ids, "is_default": fields.is_default, "sso_group_names": groups }));
        self.commit_authz_change(mutation, event, &[Change::RolesOrPolicies]).await?;
        self.role(actor, &org.id, &stored.id).await
    }

    /// Deletes a custom role. While members hold it, refused (409, with the count) unless
    /// `unassign`, which takes it from them in the same transaction.
    pub async fn delete_role(&self, actor: &Actor, org_id: &str, role_id: &str, unassign: bool) -> DomainResult<()> {
        let org = self.resolve_organization(org_id).await?;
        self.authorize(actor, &org.id, &role_permission("delete")).await?;
        let stored = self.stored_role(&org.id, role_id).await?;
        if stored.managed {
            return Err(DomainError::Conflict(format!(
                "\"{}\" is a predefined role and cannot be deleted.",
                stored.name
            )));
        }
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
        let event = AuditEvent::new("role.deleted")
            .org(&org.id)
            .target("role", &stored.id, &stored.name)
            .after(json!({ "unassigned_members": holders.len() }));
        // User groups holding the role lose it too (by cascade), so every cached user may change.
        self.commit_authz_change(mutation, event, &[Change::RolesOrPolicies]).await
    }
}
