//! Storage of policies.

use std::collections::HashMap;

use sqlx::{Row, any::AnyRow};

use super::{Policy, PolicyFields, ResolvedPermission, StoredPolicy, parse_statements};
use crate::domain::{
    Database, DomainError, DomainResult, Timestamp, Transaction,
    authz::statements::{Statement, allowed_permissions},
    db::{self, flag, to_flag},
    ids::new_id,
    named,
};

const COLUMNS: &str =
    "id, org_id, name, description, statements, managed, owner_role_id, version, created_at, updated_at, created_by";

fn from_row(row: &AnyRow) -> DomainResult<StoredPolicy> {
    Ok(StoredPolicy {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        statements: parse_statements(&row.try_get::<String, _>("statements")?)?,
        managed: flag(row, "managed")?,
        owner_role_id: row.try_get("owner_role_id")?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        created_by: row.try_get("created_by")?,
    })
}

/// A policy of the organization, read from the pool or inside a transaction (a policy it
/// just wrote).
pub async fn find<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    org_id: &str,
    policy_id: &str,
) -> DomainResult<Option<StoredPolicy>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM policies WHERE id = $1 AND org_id = $2"))
        .bind(policy_id)
        .bind(org_id)
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The policy of the organization that `id_or_name` names, a role's own rules aside: its id,
/// else its exact name, else a name that matches ignoring case when only one does.
pub async fn named(db: &Database, org_id: &str, id_or_name: &str) -> DomainResult<Option<StoredPolicy>> {
    let term = id_or_name.trim();
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM policies WHERE org_id = $1 AND owner_role_id IS NULL AND {}",
        named::CANDIDATES
    ))
    .bind(org_id)
    .bind(term)
    .fetch_all(db.pool())
    .await?;
    let candidates = rows.iter().map(from_row).collect::<DomainResult<Vec<_>>>()?;
    Ok(named::the_one_named(candidates, term, |policy| (&policy.id, &policy.name)))
}

/// Up to `limit` policies of the organization a role may be composed of (a role's own rules
/// are not), whose name or description holds `q`, by name: `(name, description)`.
pub async fn choices(db: &Database, org_id: &str, q: &str, limit: usize) -> DomainResult<Vec<(String, String)>> {
    named::choices(db, "policies", "owner_role_id IS NULL", org_id, q, limit).await
}

/// The policy holding a role's own rules, if it has one.
pub async fn owned_by<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    role_id: &str,
) -> DomainResult<Option<StoredPolicy>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM policies WHERE owner_role_id = $1"))
        .bind(role_id)
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub fn not_found(policy_id: &str) -> DomainError {
    DomainError::NotFound { resource_type: "policy", resource_id: policy_id.to_owned() }
}

/// A page of an organization's policies by name (then id), optionally matching `q`; with
/// `reverse`, from the end (then `after` is the last item served, from that end too).
pub async fn page(
    db: &Database,
    org_id: &str,
    q: Option<&str>,
    after: Option<(&str, &str)>,
    reverse: bool,
    limit: usize,
) -> DomainResult<(i64, Vec<StoredPolicy>)> {
    let pattern = db::search_pattern(q);
    let matches = "org_id = $1 AND ($2 = '' OR LOWER(name) LIKE $2 OR LOWER(description) LIKE $2)";
    let total: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM policies WHERE {matches}"))
        .bind(org_id)
        .bind(&pattern)
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    let (after_name, after_id) = after.unwrap_or(("", ""));
    let (beyond, order) = if reverse { ("<", "DESC") } else { (">", "ASC") };
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM policies WHERE {matches} AND ($3 = '' OR name {beyond} $3 OR (name = $3 AND id {beyond} $4)) \
         ORDER BY name {order}, id {order} LIMIT $5"
    ))
    .bind(org_id)
    .bind(&pattern)
    .bind(after_name)
    .bind(after_id)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(db.pool())
    .await?;
    let policies = rows.iter().map(from_row).collect::<DomainResult<Vec<_>>>()?;
    Ok((total, policies))
}

/// How many roles use each policy, and how many distinct users hold those roles.
pub async fn dependency_counts(db: &Database, policy_ids: &[String]) -> DomainResult<HashMap<String, (i64, i64)>> {
    let mut counts = HashMap::new();
    for id in policy_ids {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM role_policies WHERE policy_id = $1) AS roles, \
             (SELECT COUNT(DISTINCT mr.user_id) FROM role_policies rp JOIN membership_roles mr ON mr.role_id = rp.role_id \
              WHERE rp.policy_id = $1) AS users",
        )
        .bind(id)
        .fetch_one(db.pool())
        .await?;
        counts.insert(id.clone(), (row.try_get("roles")?, row.try_get("users")?));
    }
    Ok(counts)
}

/// The current names of resources registered in `org_id`, by `(type, id)`.
pub async fn resource_names(
    db: &Database,
    org_id: &str,
    refs: &[(String, String)],
) -> DomainResult<HashMap<(String, String), String>> {
    let mut names = HashMap::new();
    for (resource_type, resource_id) in refs {
        let row =
            sqlx::query("SELECT name FROM iam_resources WHERE org_id = $1 AND resource_type = $2 AND resource_id = $3")
                .bind(org_id)
                .bind(resource_type)
                .bind(resource_id)
                .fetch_optional(db.pool())
                .await?;
        if let Some(row) = row {
            names.insert((resource_type.clone(), resource_id.clone()), row.try_get("name")?);
        }
    }
    Ok(names)
}

/// Adds what the API shows beside the stored policy: the permission strings, their resolved
/// form, the managed/custom kind and the dependency counts.
pub fn present(stored: StoredPolicy, counts: (i64, i64), names: &HashMap<(String, String), String>) -> Policy {
    let allowed = allowed_permissions(&stored.statements);
    let resolved_permissions = allowed
        .iter()
        .map(|p| ResolvedPermission {
            permission: p.to_string(),
            resource_type: p.resource_type.clone(),
            resource_id: p.resource_id.clone(),
            resource_name: p
                .resource_id
                .as_ref()
                .and_then(|id| names.get(&(p.resource_type.clone(), id.clone())).cloned()),
            action: p.action.clone(),
        })
        .collect();
    Policy {
        policy_id: stored.id,
        org_id: stored.org_id,
        name: stored.name,
        description: stored.description,
        permissions: allowed.iter().map(ToString::to_string).collect(),
        statements: stored.statements,
        resolved_permissions,
        kind: if stored.managed { "managed" } else { "custom" },
        managed: stored.managed,
        owner_role_id: stored.owner_role_id,
        roles_dependency_count: counts.0,
        users_dependency_count: counts.1,
        version: stored.version,
        created_at: stored.created_at,
        updated_at: stored.updated_at,
        created_by: stored.created_by,
    }
}

fn name_conflict(name: &str) -> DomainError {
    DomainError::Conflict(format!("This organization already has a policy named \"{name}\""))
}

fn statements_json(statements: &[Statement]) -> DomainResult<String> {
    serde_json::to_string(statements).map_err(|e| DomainError::Internal(e.to_string()))
}

/// Stores a new custom policy; `owner_role_id` for one that holds a role's own rules.
pub async fn insert(
    tx: &mut Transaction,
    org_id: &str,
    fields: &PolicyFields,
    owner_role_id: Option<&str>,
    created_by: Option<&str>,
) -> DomainResult<String> {
    let id = new_id();
    if db::name_taken_in_org(tx, "policies", org_id, &fields.name, &id).await? {
        return Err(name_conflict(&fields.name));
    }
    let now = Timestamp::now().to_rfc3339();
    sqlx::query(
        "INSERT INTO policies (id, org_id, name, description, statements, managed, owner_role_id, created_at, updated_at, created_by, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, 1)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(&fields.name)
    .bind(&fields.description)
    .bind(statements_json(&fields.statements)?)
    .bind(to_flag(false))
    .bind(owner_role_id.map(str::to_owned))
    .bind(&now)
    .bind(created_by.map(str::to_owned))
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Stores new fields if the policy is still at `expected_version`.
pub async fn update(
    tx: &mut Transaction,
    stored: &StoredPolicy,
    expected_version: i64,
    fields: &PolicyFields,
) -> DomainResult<()> {
    if db::name_taken_in_org(tx, "policies", &stored.org_id, &fields.name, &stored.id).await? {
        return Err(name_conflict(&fields.name));
    }
    let updated = sqlx::query(
        "UPDATE policies SET name = $1, description = $2, statements = $3, updated_at = $4, version = version + 1 \
         WHERE id = $5 AND version = $6 AND managed = 0",
    )
    .bind(&fields.name)
    .bind(&fields.description)
    .bind(statements_json(&fields.statements)?)
    .bind(Timestamp::now().to_rfc3339())
    .bind(&stored.id)
    .bind(expected_version)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return Err(DomainError::Conflict(format!(
            "The policy \"{}\" was changed by someone else since you loaded it. Reload it and apply your change again.",
            stored.name
        )));
    }
    Ok(())
}

/// The roles that use a policy: `(id, name)`, by name.
pub async fn roles_using(tx: &mut Transaction, policy_id: &str) -> DomainResult<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT r.id, r.name FROM role_policies rp JOIN roles r ON r.id = rp.role_id WHERE rp.policy_id = $1 ORDER BY r.name",
    )
    .bind(policy_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("name")?))).collect()
}

pub async fn delete(tx: &mut Transaction, policy_id: &str) -> DomainResult<()> {
    sqlx::query("DELETE FROM role_policies WHERE policy_id = $1").bind(policy_id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM policies WHERE id = $1").bind(policy_id).execute(&mut **tx).await?;
    Ok(())
}

/// Every policy of every organization, for checks that span the tree (schema changes).
pub async fn all(tx: &mut Transaction) -> DomainResult<Vec<StoredPolicy>> {
    let rows =
        sqlx::query(&format!("SELECT {COLUMNS} FROM policies ORDER BY org_id, name")).fetch_all(&mut **tx).await?;
    rows.iter().map(from_row).collect()
}
