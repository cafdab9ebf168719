//! Organizations: the type (seed 003 names), its validation, and its storage.

use serde::Serialize;
use serde_json::Value;
use sqlx::{Row, any::AnyRow};

use super::{
    Database, DomainError, DomainResult, FieldError, Timestamp, Transaction,
    db::{flag, to_flag},
    ids::new_id,
    organization_rules as rules,
};

pub const MAX_METADATA_BYTES: usize = 16 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    pub contact_email: String,
    pub updates_email: Option<String>,
    pub parent_organization_id: Option<String>,
    pub can_have_child_organizations: bool,
    pub parent_has_access: bool,
    pub parent_has_access_to_descendants: bool,
    pub logo_url: Option<String>,
    pub metadata: Value,
    pub created_at: String,
    pub updated_at: String,
    pub created_by: Option<String>,
    pub version: i64,
}

/// The settings of an organization that its admins edit (everything but its place in the tree).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationSettings {
    pub name: String,
    pub code: Option<String>,
    pub contact_email: String,
    pub updates_email: Option<String>,
    pub can_have_child_organizations: bool,
    pub parent_has_access: bool,
    pub parent_has_access_to_descendants: bool,
    pub logo_url: Option<String>,
    pub metadata: Value,
}

impl OrganizationSettings {
    pub fn of(org: &Organization) -> Self {
        Self {
            name: org.name.clone(),
            code: org.code.clone(),
            contact_email: org.contact_email.clone(),
            updates_email: org.updates_email.clone(),
            can_have_child_organizations: org.can_have_child_organizations,
            parent_has_access: org.parent_has_access,
            parent_has_access_to_descendants: org.parent_has_access_to_descendants,
            logo_url: org.logo_url.clone(),
            metadata: org.metadata.clone(),
        }
    }

    /// Trims and checks every field, reporting all problems at once.
    pub fn validated(mut self) -> DomainResult<Self> {
        let mut errors = Vec::new();
        let mut check = |field: &str, kind: &str, problem: Option<String>| {
            if let Some(message) = problem {
                errors.push(FieldError::new(field, kind, message));
            }
        };
        self.name = self.name.trim().to_owned();
        check("name", "value_error.name", rules::name_problem(&self.name));
        self.code = self.code.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        check("code", "pattern", self.code.as_deref().and_then(rules::code_problem));
        self.contact_email = self.contact_email.trim().to_owned();
        check("contact_email", "value_error.email", rules::required_email_problem(&self.contact_email));
        self.updates_email = self.updates_email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty());
        check(
            "updates_email",
            "value_error.email",
            self.updates_email.as_deref().and_then(rules::optional_email_problem),
        );
        self.logo_url = self.logo_url.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty());
        check("logo_url", "url_scheme", self.logo_url.as_deref().and_then(rules::logo_url_problem));
        if !self.metadata.is_object() {
            check("metadata", "type", Some("Metadata must be a JSON object".into()));
        } else if self.metadata.to_string().len() > MAX_METADATA_BYTES {
            check("metadata", "too_large", Some("Metadata must be at most 16 KiB".into()));
        }
        if errors.is_empty() { Ok(self) } else { Err(DomainError::Invalid(errors)) }
    }
}

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
    super::tree::insert_node(tx, &id, parent_id).await?;
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
    let root = insert(tx, None, &settings, created_by).await?;
    super::roles::create_predefined(tx, &root.id, created_by).await?;
    Ok(root.id)
}

pub async fn root_id(tx: &mut Transaction) -> DomainResult<Option<String>> {
    let row = sqlx::query("SELECT id FROM organizations WHERE parent_id IS NULL").fetch_optional(&mut **tx).await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

pub async fn add_membership(tx: &mut Transaction, org_id: &str, user_id: &str) -> DomainResult<()> {
    sqlx::query("INSERT INTO memberships (org_id, user_id, joined_at) VALUES ($1, $2, $3)")
        .bind(org_id)
        .bind(user_id)
        .bind(Timestamp::now().to_rfc3339())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// An org as a node of the tree: what whoever may read its parent sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganizationNode {
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    pub parent_organization_id: Option<String>,
    pub can_have_child_organizations: bool,
    pub child_count: i64,
    pub member_count: i64,
}

const NODE_COLUMNS: &str = "SELECT o.id, o.name, o.code, o.parent_id, o.can_have_child_organizations, \
     (SELECT COUNT(*) FROM organizations c WHERE c.parent_id = o.id) AS child_count, \
     (SELECT COUNT(*) FROM memberships m WHERE m.org_id = o.id) AS member_count";

/// Children of `parent_id` (or the root, for `None`), by name, with their counts.
pub async fn children(db: &Database, parent_id: &str) -> DomainResult<Vec<OrganizationNode>> {
    let rows =
        sqlx::query(&format!("{NODE_COLUMNS} FROM organizations o WHERE o.parent_id = $1 ORDER BY o.name, o.id"))
            .bind(parent_id)
            .fetch_all(db.pool())
            .await?;
    rows.iter().map(node_from_row).collect()
}

/// An organization on a path: enough to name it and link to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgLink {
    pub id: String,
    pub name: String,
    pub parent_organization_id: Option<String>,
}

/// The path from the root down to `org_id`, the org itself last, without counts (counting an
/// ancestor's 100,000 members would cost more than the rest of a page).
pub async fn path(db: &Database, org_id: &str) -> DomainResult<Vec<OrgLink>> {
    let rows = sqlx::query(
        "SELECT o.id, o.name, o.parent_id FROM organization_closure t JOIN organizations o ON o.id = t.ancestor_id \
         WHERE t.descendant_id = $1 ORDER BY t.depth DESC",
    )
    .bind(org_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OrgLink {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                parent_organization_id: row.try_get("parent_id")?,
            })
        })
        .collect()
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

/// What deleting a subtree takes with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeletionImpact {
    pub organizations: i64,
    pub memberships: i64,
    pub roles: i64,
    pub policies: i64,
}

pub async fn deletion_impact(db: &Database, org_id: &str) -> DomainResult<DeletionImpact> {
    let row = sqlx::query(
        "SELECT \
           (SELECT COUNT(*) FROM organization_closure WHERE ancestor_id = $1) AS organizations, \
           (SELECT COUNT(*) FROM memberships WHERE org_id IN (SELECT descendant_id FROM organization_closure WHERE ancestor_id = $1)) AS memberships, \
           (SELECT COUNT(*) FROM roles WHERE org_id IN (SELECT descendant_id FROM organization_closure WHERE ancestor_id = $1)) AS roles, \
           (SELECT COUNT(*) FROM policies WHERE org_id IN (SELECT descendant_id FROM organization_closure WHERE ancestor_id = $1)) AS policies",
    )
    .bind(org_id)
    .fetch_one(db.pool())
    .await?;
    Ok(DeletionImpact {
        organizations: row.try_get("organizations")?,
        memberships: row.try_get("memberships")?,
        roles: row.try_get("roles")?,
        policies: row.try_get("policies")?,
    })
}

/// Deletes the subtree rooted at `org_id`; memberships, roles, policies and closure rows go
/// with it through `ON DELETE CASCADE`.
pub async fn delete_subtree(tx: &mut Transaction, org_id: &str) -> DomainResult<Vec<String>> {
    let ids = super::tree::subtree_ids(tx, org_id).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> OrganizationSettings {
        OrganizationSettings {
            name: "  Acme  ".into(),
            code: Some("acme-1".into()),
            contact_email: "ops@acme.example".into(),
            updates_email: None,
            can_have_child_organizations: true,
            parent_has_access: true,
            parent_has_access_to_descendants: true,
            logo_url: Some("https://acme.example/logo.png".into()),
            metadata: serde_json::json!({"tier": "gold"}),
        }
    }

    fn fields(result: DomainResult<OrganizationSettings>) -> Vec<String> {
        match result {
            Err(DomainError::Invalid(errors)) => errors.iter().map(|e| e.field().to_owned()).collect(),
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn valid_settings_are_trimmed() {
        let s = settings().validated().expect("valid");
        assert_eq!(s.name, "Acme");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = OrganizationSettings {
            name: "   ".into(),
            code: Some("Not Valid".into()),
            contact_email: "nope".into(),
            updates_email: Some("also nope".into()),
            logo_url: Some("javascript:alert(1)".into()),
            metadata: serde_json::json!([1, 2]),
            ..settings()
        };
        assert_eq!(fields(bad.validated()), ["name", "code", "contact_email", "updates_email", "logo_url", "metadata"]);
    }

    #[test]
    fn limits_name_code_and_metadata_sizes() {
        let long_name = OrganizationSettings { name: "x".repeat(201), ..settings() };
        assert_eq!(fields(long_name.validated()), ["name"]);
        assert!(OrganizationSettings { name: "x".repeat(200), ..settings() }.validated().is_ok());
        for bad_code in ["a", &"a".repeat(65), "UPPER", "under_score"] {
            assert_eq!(
                fields(OrganizationSettings { code: Some(bad_code.into()), ..settings() }.validated()),
                ["code"]
            );
        }
        let big = serde_json::json!({ "blob": "x".repeat(MAX_METADATA_BYTES) });
        assert_eq!(fields(OrganizationSettings { metadata: big, ..settings() }.validated()), ["metadata"]);
        assert_eq!(
            fields(OrganizationSettings { logo_url: Some("ftp://x.example/a".into()), ..settings() }.validated()),
            ["logo_url"]
        );
    }
}
