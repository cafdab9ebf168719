//! Storage of roles: the rows, their policies, and the predefined roles of a new organization.

use sqlx::{Row, any::AnyRow};

use super::Predefined;
use crate::domain::{DomainError, DomainResult, Timestamp, Transaction, db::flag, ids::new_id, policies::StoredPolicy};

/// A role row, before its policies are expanded.
#[derive(Debug, Clone)]
pub(super) struct StoredRole {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub description: String,
    pub is_default: bool,
    pub managed: bool,
    pub sso_group_names: Vec<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub created_by: Option<String>,
}

pub(super) const COLUMNS: &str =
    "id, org_id, name, description, is_default, managed, sso_group_names, version, created_at, updated_at, created_by";

pub(super) fn from_row(row: &AnyRow) -> DomainResult<StoredRole> {
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

pub async fn replace_policies(tx: &mut Transaction, role_id: &str, policies: &[StoredPolicy]) -> DomainResult<()> {
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

/// Creates the predefined policies and roles of a new organization; returns the role ids in
/// the order of [`Predefined::ALL`].
pub async fn create_predefined(
    tx: &mut Transaction,
    org_id: &str,
    created_by: Option<&str>,
) -> DomainResult<[String; 3]> {
    let now = Timestamp::now().to_rfc3339();
    let mut role_ids: [String; 3] = Default::default();
    for (slot, predefined) in role_ids.iter_mut().zip(Predefined::ALL) {
        let policy_id = new_id();
        let statements = serde_json::to_string(&predefined.statements()).unwrap_or_else(|_| "[]".to_owned());
        sqlx::query(
            "INSERT INTO policies (id, org_id, name, description, statements, managed, slug, created_at, updated_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $7, $8)",
        )
        .bind(&policy_id)
        .bind(org_id)
        .bind(predefined.name())
        .bind(predefined.description())
        .bind(statements)
        .bind(predefined.slug())
        .bind(&now)
        .bind(created_by.map(str::to_owned))
        .execute(&mut **tx)
        .await?;
        let role_id = new_id();
        sqlx::query(
            "INSERT INTO roles (id, org_id, name, description, is_default, managed, slug, created_at, updated_at, created_by) \
             VALUES ($1, $2, $3, $4, 0, 1, $5, $6, $6, $7)",
        )
        .bind(&role_id)
        .bind(org_id)
        .bind(predefined.name())
        .bind(predefined.description())
        .bind(predefined.slug())
        .bind(&now)
        .bind(created_by.map(str::to_owned))
        .execute(&mut **tx)
        .await?;
        sqlx::query("INSERT INTO role_policies (role_id, policy_id) VALUES ($1, $2)")
            .bind(&role_id)
            .bind(&policy_id)
            .execute(&mut **tx)
            .await?;
        *slot = role_id;
    }
    Ok(role_ids)
}

pub async fn predefined_role_id(tx: &mut Transaction, org_id: &str, role: Predefined) -> DomainResult<Option<String>> {
    use sqlx::Row;
    let row = sqlx::query("SELECT id FROM roles WHERE org_id = $1 AND slug = $2")
        .bind(org_id)
        .bind(role.slug())
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}
