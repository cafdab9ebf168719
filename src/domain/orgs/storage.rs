//! Storage of organizations (the tree's closure table is in [`super::tree`]).

use std::collections::HashMap;

use serde_json::Value;
use sqlx::{Row, any::AnyRow};

use super::{DeletionImpact, Organization, OrganizationLink, OrganizationNode, OrganizationSettings, tree};
use crate::domain::{
    Database, DomainError, DomainResult, Timestamp, Transaction,
    db::{flag, placeholders, to_flag},
    ids::new_id,
};

const COLUMNS: &str = "id, name, code, contact_email, updates_email, parent_id, can_have_child_organizations, \
     parent_has_access, parent_has_access_to_descendants, logo_url, metadata, created_at, updated_at, created_by, version";

fn from_row(row: &AnyRow) -> DomainResult<Organization> {
    let metadata: String = row.try_get("metadata")?;
    Ok(Organization {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        code: row.try_get("code")?,
        contact_email: row.try_get("contact_email")?,
        updates_email: row.try_get("updates_email")?,
        parent_organization_id: row.try_get("parent_id")?,
        can_have_child_organizations: flag(row, "can_have_child_organizations")?,
        parent_has_access: flag(row, "parent_has_access")?,
        parent_has_access_to_descendants: flag(row, "parent_has_access_to_descendants")?,
        logo_url: row.try_get("logo_url")?,
        metadata: serde_json::from_str(&metadata).unwrap_or_else(|_| Value::Object(Default::default())),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        created_by: row.try_get("created_by")?,
        version: row.try_get("version")?,
    })
}

/// Finds an organization by id or, failing that, by code. (Codes can never take the shape
/// of an id, see `organization_rules::code_problem`, so the two cannot be confused.)
pub async fn find(db: &Database, id_or_code: &str) -> DomainResult<Option<Organization>> {
    for column in ["id", "code"] {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM organizations WHERE {column} = $1"))
            .bind(id_or_code)
            .fetch_optional(db.pool())
            .await?;
        if let Some(row) = row {
            return from_row(&row).map(Some);
        }
    }
    Ok(None)
}

pub async fn find_in(tx: &mut Transaction, id: &str) -> DomainResult<Option<Organization>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM organizations WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn find_many(db: &Database, sql_filter: &str, binds: &[&str]) -> DomainResult<Vec<Organization>> {
    let sql = format!("SELECT {COLUMNS} FROM organizations o WHERE {sql_filter}");
    let mut query = sqlx::query(&sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    query.fetch_all(db.pool()).await?.iter().map(from_row).collect()
}

async fn code_taken(tx: &mut Transaction, code: &str, except_id: &str) -> DomainResult<bool> {
    Ok(sqlx::query("SELECT 1 FROM organizations WHERE code = $1 AND id <> $2")
        .bind(code)
        .bind(except_id)
        .fetch_optional(&mut **tx)
        .await?
        .is_some())
}

fn code_conflict(code: &str) -> DomainError {
    DomainError::Conflict(format!("The code \"{code}\" is already used by another organization"))
}

pub async fn insert(
    tx: &mut Transaction,
    parent_id: Option<&str>,
    settings: &OrganizationSettings,
    created_by: Option<&str>,
) -> DomainResult<Organization> {
    let id = new_id();
    if let Some(code) = &settings.code
        && code_taken(tx, code, &id).await?
    {
        return Err(code_conflict(code));
    }
    let now = Timestamp::now().to_rfc3339();
    sqlx::query(
        "INSERT INTO organizations (id, name, code, contact_email, updates_email, parent_id, can_have_child_organizations, \
         parent_has_access, parent_has_access_to_descendants, logo_url, metadata, created_at, updated_at, created_by, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, 1)",
    )
    .bind(&id)
    .bind(&settings.name)
    .bind(settings.code.clone())
    .bind(&settings.contact_email)
    .bind(settings.updates_email.clone())
    .bind(parent_id.map(str::to_owned))
    .bind(to_flag(settings.can_have_child_organizations))
    .bind(to_flag(settings.parent_has_access))
    .bind(to_flag(settings.parent_has_access_to_descendants))
    .bind(settings.logo_url.clone())
    .bind(settings.metadata.to_string())
    .bind(&now)
    .bind(created_by.map(str::to_owned))
    .execute(&mut **tx)
    .await?;
    tree::insert_node(tx, &id, parent_id).await?;
    find_in(tx, &id).await?.ok_or_else(|| DomainError::Internal("inserted organization vanished".into()))
}

/// Stores new settings if the organization is still at `expected_version`.
pub async fn update(
    tx: &mut Transaction,
    id: &str,
    expected_version: i64,
    settings: &OrganizationSettings,
) -> DomainResult<Organization> {
    if let Some(code) = &settings.code
        && code_taken(tx, code, id).await?
    {
        return Err(code_conflict(code));
    }
    let updated = sqlx::query(
        "UPDATE organizations SET name = $1, code = $2, contact_email = $3, updates_email = $4, \
         can_have_child_organizations = $5, parent_has_access = $6, parent_has_access_to_descendants = $7, \
         logo_url = $8, metadata = $9, updated_at = $10, version = version + 1 WHERE id = $11 AND version = $12",
    )
    .bind(&settings.name)
    .bind(settings.code.clone())
    .bind(&settings.contact_email)
    .bind(settings.updates_email.clone())
    .bind(to_flag(settings.can_have_child_organizations))
    .bind(to_flag(settings.parent_has_access))
    .bind(to_flag(settings.parent_has_access_to_descendants))
    .bind(settings.logo_url.clone())
    .bind(settings.metadata.to_string())
    .bind(Timestamp::now().to_rfc3339())
    .bind(id)
    .bind(expected_version)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return Err(stale(id));
    }
    find_in(tx, id).await?.ok_or_else(|| DomainError::Internal("updated organization vanished".into()))
}

pub fn stale(id: &str) -> DomainError {
    DomainError::Conflict(format!(
        "Organization {id} was changed by someone else since you loaded it. Reload it and apply your change again."
    ))
}

pub async fn touch_version(tx: &mut Transaction, id: &str) -> DomainResult<()> {
    sqlx::query("UPDATE organizations SET version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(Timestamp::now().to_rfc3339())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn insert_root(
    tx: &mut Transaction,
    name: &str,
    contact_email: &str,
    created_by: Option<&str>,
) -> DomainResult<String> {
    let settings = OrganizationSettings {
        name: name.to_owned(),
        code: Some("root".to_owned()),
        contact_email: contact_email.to_owned(),
        updates_email: None,
        can_have_child_organizations: true,
        parent_has_access: true,
        parent_has_access_to_descendants: true,
        logo_url: None,
        metadata: Value::Object(Default::default()),
    };
    Ok(insert(tx, None, &settings, created_by).await?.id)
}

pub async fn root_id(tx: &mut Transaction) -> DomainResult<Option<String>> {
    let row = sqlx::query("SELECT id FROM organizations WHERE parent_id IS NULL").fetch_optional(&mut **tx).await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

const NODE_COLUMNS: &str = "SELECT o.id, o.name, o.code, o.parent_id, o.can_have_child_organizations, \
     (SELECT COUNT(*) FROM organizations c WHERE c.parent_id = o.id) AS child_count, \
     (SELECT COUNT(*) FROM memberships m WHERE m.org_id = o.id) AS member_count";

/// Up to `limit` children of `parent_id` by name (then id), after the (name, id) `after`, with
/// their counts.
pub async fn children(
    db: &Database,
    parent_id: &str,
    after: Option<&(String, String)>,
    limit: usize,
) -> DomainResult<Vec<OrganizationNode>> {
    let (keyset, limit_at) = if after.is_some() { (" AND (o.name, o.id) > ($2, $3)", 4) } else { ("", 2) };
    let sql = format!(
        "{NODE_COLUMNS} FROM organizations o WHERE o.parent_id = $1{keyset} ORDER BY o.name, o.id LIMIT ${limit_at}"
    );
    let mut query = sqlx::query(&sql).bind(parent_id);
    if let Some((name, id)) = after {
        query = query.bind(name).bind(id);
    }
    let rows = query.bind(i64::try_from(limit).unwrap_or(i64::MAX)).fetch_all(db.pool()).await?;
    rows.iter().map(node_from_row).collect()
}

/// The path from the root down to `org_id`, the org itself last, without counts (counting an
/// ancestor's 100,000 members would cost more than the rest of a page).
pub async fn path(db: &Database, org_id: &str) -> DomainResult<Vec<OrganizationLink>> {
    let rows = sqlx::query(
        "SELECT o.id, o.name, o.parent_id FROM organization_closure t JOIN organizations o ON o.id = t.ancestor_id \
         WHERE t.descendant_id = $1 ORDER BY t.depth DESC",
    )
    .bind(org_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OrganizationLink {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                parent_organization_id: row.try_get("parent_id")?,
            })
        })
        .collect()
}

/// The organizations of `ids` as nodes, with their counts, in no particular order.
pub async fn nodes(db: &Database, ids: &[String]) -> DomainResult<Vec<OrganizationNode>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("{NODE_COLUMNS} FROM organizations o WHERE o.id IN ({})", placeholders(1, ids.len()));
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(id);
    }
    query.fetch_all(db.pool()).await?.iter().map(node_from_row).collect()
}

/// [`path`] of each of `ids`, in one query.
pub async fn paths(db: &Database, ids: &[String]) -> DomainResult<HashMap<String, Vec<OrganizationLink>>> {
    let mut paths: HashMap<String, Vec<OrganizationLink>> = HashMap::new();
    if ids.is_empty() {
        return Ok(paths);
    }
    let sql = format!(
        "SELECT t.descendant_id, o.id, o.name, o.parent_id FROM organization_closure t \
         JOIN organizations o ON o.id = t.ancestor_id WHERE t.descendant_id IN ({}) ORDER BY t.descendant_id, t.depth DESC",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(id);
    }
    for row in query.fetch_all(db.pool()).await? {
        let link = OrganizationLink {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            parent_organization_id: row.try_get("parent_id")?,
        };
        paths.entry(row.try_get("descendant_id")?).or_default().push(link);
    }
    Ok(paths)
}

/// One organization as a node, with its counts.
pub async fn node(db: &Database, org_id: &str) -> DomainResult<Option<OrganizationNode>> {
    let row = sqlx::query(&format!("{NODE_COLUMNS} FROM organizations o WHERE o.id = $1"))
        .bind(org_id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(node_from_row).transpose()
}

fn node_from_row(row: &AnyRow) -> DomainResult<OrganizationNode> {
    Ok(OrganizationNode {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        code: row.try_get("code")?,
        parent_organization_id: row.try_get("parent_id")?,
        can_have_child_organizations: flag(row, "can_have_child_organizations")?,
        child_count: row.try_get("child_count")?,
        member_count: row.try_get("member_count")?,
    })
}
/// The ids of the subtree rooted at `org_id`, itself included.
pub async fn subtree_ids(db: &Database, org_id: &str) -> DomainResult<Vec<String>> {
    let rows = sqlx::query("SELECT descendant_id FROM organization_closure WHERE ancestor_id = $1")
        .bind(org_id)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(|r| Ok(r.try_get("descendant_id")?)).collect()
}

pub async fn deletion_impact(db: &Database, org_id: &str) -> DomainResult<DeletionImpact> {
    let row = sqlx::query(
        "SELECT \
           (SELECT COUNT(*) FROM organization_closure WHERE ancestor_id = $1) AS organizations, \
           (SELECT COUNT(*) FROM memberships WHERE org_id IN (SELECT descendant_id FROM organization_closure WHERE ancestor_id = $1)) AS memberships, \
           (SELECT COUNT(*) FROM roles WHERE org_id IN (SELECT descendant_id FROM organization_closure WHERE ancestor_id = $1)) AS roles, \
           (SELECT COUNT(*) FROM policies WHERE org_id IN (SELECT descendant_id FROM organization_closure WHERE ancestor_id = $1)) AS policies, \
           (SELECT COUNT(*) FROM api_tokens WHERE restricted_org_id IN (SELECT descendant_id FROM organization_closure WHERE ancestor_id = $1)) AS api_tokens",
    )
    .bind(org_id)
    .fetch_one(db.pool())
    .await?;
    Ok(DeletionImpact {
        organizations: row.try_get("organizations")?,
        memberships: row.try_get("memberships")?,
        roles: row.try_get("roles")?,
        policies: row.try_get("policies")?,
        api_tokens: row.try_get("api_tokens")?,
    })
}

/// Deletes the subtree rooted at `org_id`; memberships, roles, policies, closure rows and the
/// API tokens restricted to it go with it through `ON DELETE CASCADE`.
pub async fn delete_subtree(tx: &mut Transaction, org_id: &str) -> DomainResult<Vec<String>> {
    let ids = tree::subtree_ids(tx, org_id).await?;
    // Deepest first, so that no row ever points at a deleted parent.
    let rows = sqlx::query("SELECT descendant_id FROM organization_closure WHERE ancestor_id = $1 ORDER BY depth DESC")
        .bind(org_id)
        .fetch_all(&mut **tx)
        .await?;
    for row in &rows {
        let id: String = row.try_get("descendant_id")?;
        sqlx::query("DELETE FROM organizations WHERE id = $1").bind(id).execute(&mut **tx).await?;
    }
    Ok(ids)
}
