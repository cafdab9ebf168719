//! Reading the permission schema (as seen from an organization), and holding its version
//! while a policy written against it is saved.

use serde::Serialize;
use sqlx::Row;

use super::{PermissionSchema, SchemaAction, SchemaType};
use crate::domain::{Actor, Domain, DomainError, DomainResult, Transaction, authz::permissions::Permission};

/// A resource type as seen from one organization: with how many instances it registered.
/// Its fields are listed, not flattened from [`SchemaType`]: that one refuses unknown fields
/// (it is what PUT takes), so a document combining both would refuse `resource_count`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SchemaTypeView {
    pub key: String,
    pub label: String,
    pub description: String,
    pub listable: bool,
    /// Warden's own types cannot be changed.
    pub builtin: bool,
    pub actions: Vec<SchemaAction>,
    /// For listable types: the instances registered in this organization.
    pub resource_count: Option<i64>,
}

impl SchemaTypeView {
    fn new(resource_type: SchemaType, resource_count: Option<i64>) -> Self {
        let SchemaType { key, label, description, listable, builtin, actions } = resource_type;
        Self { key, label, description, listable, builtin, actions, resource_count }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SchemaView {
    pub org_id: String,
    pub version: i64,
    pub resource_types: Vec<SchemaTypeView>,
}

pub(super) async fn load(executor: impl sqlx::Executor<'_, Database = sqlx::Any>) -> DomainResult<PermissionSchema> {
    let row = sqlx::query("SELECT document, version FROM permission_schema WHERE id = 1").fetch_one(executor).await?;
    let document: String = row.try_get("document")?;
    let types: Vec<SchemaType> = serde_json::from_str(&document)
        .map_err(|e| DomainError::Internal(format!("the permission schema is not valid JSON: {e}")))?;
    Ok(PermissionSchema::new(row.try_get("version")?, types))
}

/// Inside a transaction that writes policies: fails if the schema moved past `version` (the
/// one the policy was validated against), and holds the schema row until commit so that a
/// concurrent schema change waits (PostgreSQL) or is serialized (SQLite).
async fn hold_version(tx: &mut Transaction, version: i64) -> DomainResult<()> {
    let held = sqlx::query("UPDATE permission_schema SET version = version WHERE id = 1 AND version = $1")
        .bind(version)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if held == 0 {
        return Err(DomainError::Conflict(
            "The permission schema changed while this was being saved. Reload and try again.".into(),
        ));
    }
    Ok(())
}

impl Domain {
    /// The whole schema (no authorization: for validation inside other capabilities).
    pub async fn schema(&self) -> DomainResult<PermissionSchema> {
        load(self.db.pool()).await
    }

    /// Up to `limit` permissions (`type:action`) whose key or labels hold `q`, ignoring case,
    /// with how a person reads them ("Organization: Update"): what a permission picker offers.
    /// The schema is no secret to anyone signed in.
    pub async fn find_permissions(&self, q: &str, limit: usize) -> DomainResult<Vec<(String, String)>> {
        let term = q.trim().to_lowercase();
        let schema = self.schema().await?;
        let found = schema.resource_types.iter().flat_map(|resource_type| {
            resource_type.actions.iter().map(move |action| {
                (format!("{}:{}", resource_type.key, action.key), format!("{}: {}", resource_type.label, action.label))
            })
        });
        Ok(found
            .filter(|(key, label)| key.to_lowercase().contains(&term) || label.to_lowercase().contains(&term))
            .take(limit)
            .collect())
    }

    /// Only a Super Admin of the root (`*:*` there) may change the schema.
    pub(super) async fn authorize_schema_change(&self, actor: &Actor, tx: &mut Transaction) -> DomainResult<()> {
        let root = self
            .root_organization_id(tx)
            .await?
            .ok_or_else(|| DomainError::Internal("there is no root organization".into()))?;
        self.authorize(actor, &root, &Permission::new("*", "*")).await
    }

    /// Whether the actor may change the schema (for offering it).
    pub async fn may_change_schema(&self, actor: &Actor) -> DomainResult<bool> {
        let mut tx = self.db.begin().await?;
        match self.authorize_schema_change(actor, &mut tx).await {
            Ok(()) => Ok(true),
            Err(DomainError::Forbidden { .. } | DomainError::Unauthenticated) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// The schema as seen from an organization: every type, and for listable ones how many
    /// instances the organization registered.
    pub async fn permission_schema(&self, actor: &Actor, org_id: &str) -> DomainResult<SchemaView> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("policy", "read")).await?;
        let schema = self.schema().await?;
        let mut resource_types = Vec::with_capacity(schema.resource_types.len());
        for resource_type in schema.resource_types {
            let resource_count = if resource_type.listable {
                Some(
                    sqlx::query("SELECT COUNT(*) AS n FROM iam_resources WHERE org_id = $1 AND resource_type = $2")
                        .bind(&org.id)
                        .bind(&resource_type.key)
                        .fetch_one(self.db.pool())
                        .await?
                        .try_get("n")?,
                )
            } else {
                None
            };
            resource_types.push(SchemaTypeView::new(resource_type, resource_count));
        }
        Ok(SchemaView { org_id: org.id, version: schema.version, resource_types })
    }
}

impl Domain {
    /// Holds the schema at `version` until the caller's transaction ends (see [`hold_version`]).
    pub(crate) async fn hold_schema_version(&self, tx: &mut Transaction, version: i64) -> DomainResult<()> {
        hold_version(tx, version).await
    }
}
