//! The permission schema's capabilities: reading it (as seen from an organization) and, for a
//! Super Admin of the root, replacing its application part as a whole, versioned document.

use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use super::{
    Actor, AuditEvent, Domain, DomainError, DomainResult, Mutation, Timestamp, Transaction, organizations,
    permissions::Permission,
    policies,
    schema::{PermissionSchema, SchemaType, validate_application_types},
};

/// A resource type as seen from one organization: with how many instances it registered.
#[derive(Debug, Clone, Serialize)]
pub struct SchemaTypeView {
    #[serde(flatten)]
    pub resource_type: SchemaType,
    /// For listable types: the instances registered in this organization.
    pub resource_count: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SchemaView {
    pub org_id: String,
    pub version: i64,
    pub resource_types: Vec<SchemaTypeView>,
}

async fn load(executor: impl sqlx::Executor<'_, Database = sqlx::Any>) -> DomainResult<PermissionSchema> {
    let row = sqlx::query("SELECT document, version FROM permission_schema WHERE id = 1").fetch_one(executor).await?;
    let document: String = row.try_get("document")?;
    let types: Vec<SchemaType> = serde_json::from_str(&document)
        .map_err(|e| DomainError::Internal(format!("the permission schema is not valid JSON: {e}")))?;
    Ok(PermissionSchema::new(row.try_get("version")?, types))
}

/// Inside a transaction that writes policies: fails if the schema moved past `version` (the
/// one the policy was validated against), and holds the schema row until commit so that a
/// concurrent schema change waits (PostgreSQL) or is serialized (SQLite).
pub async fn hold_version(tx: &mut Transaction, version: i64) -> DomainResult<()> {
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

/// A use of a schema entry by a policy, which a schema change would break.
#[derive(Debug, Clone, Serialize)]
struct SchemaUse {
    policy_id: String,
    org_id: String,
    name: String,
    uses: Vec<String>,
}

/// What the policy uses of `old` that `new` takes away: removed types, removed actions, and
/// instances of a type that stopped being listable.
fn broken_uses(
    statements: &[super::statements::Statement],
    old: &PermissionSchema,
    new: &PermissionSchema,
) -> Vec<String> {
    let mut uses = Vec::new();
    for statement in statements {
        for resource in &statement.resources {
            let (type_key, id) = match resource.split_once(':') {
                Some((t, id)) => (t, Some(id)),
                None => (resource.as_str(), None),
            };
            let Some(before) = old.resource_type(type_key) else { continue };
            let entry = match new.resource_type(type_key) {
                None => Some(format!("resource type {type_key}")),
                Some(after) if id.is_some() && before.listable && !after.listable => {
                    Some(format!("{resource} (no longer listable)"))
                }
                Some(after) => {
                    for action in &statement.actions {
                        if before.has_action(action) && !after.has_action(action) {
                            let text = format!("{type_key}:{action}");
                            if !uses.contains(&text) {
                                uses.push(text);
                            }
                        }
                    }
                    None
                }
            };
            if let Some(entry) = entry
                && !uses.contains(&entry)
            {
                uses.push(entry);
            }
        }
    }
    uses
}

impl Domain {
    /// The whole schema (no authorization: for validation inside other capabilities).
    pub async fn schema(&self) -> DomainResult<PermissionSchema> {
        load(self.db.pool()).await
    }

    /// Only a Super Admin of the root (`*:*` there) may change the schema.
    async fn authorize_schema_change(&self, actor: &Actor, tx: &mut Transaction) -> DomainResult<()> {
        let root = organizations::root_id(tx)
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
        let org = self.resolve_organization(org_id).await?;
        self.authorize(actor, &org.id, &Permission::new("policy", "read")).await?;
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
            resource_types.push(SchemaTypeView { resource_type, resource_count });
        }
        Ok(SchemaView { org_id: org.id, version: schema.version, resource_types })
    }

    /// Replaces the application resource types. Only a Super Admin of the root (`*:*` there)
    /// may; `version` must be the current one; types and actions that policies still use
    /// cannot be removed. Removing a type forgets its registered instances.
    pub async fn replace_permission_schema(
        &self,
        actor: &Actor,
        application_types: Vec<SchemaType>,
        version: i64,
    ) -> DomainResult<PermissionSchema> {
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        self.authorize_schema_change(actor, mutation.tx()).await?;
        validate_application_types(&application_types).map_err(DomainError::Invalid)?;
        // Take the schema row first: policy saves hold it too, so none can slip in a use of
        // what is being removed while the policies are checked.
        sqlx::query("UPDATE permission_schema SET version = version WHERE id = 1")
            .execute(&mut **mutation.tx())
            .await?;
        let old = load(&mut **mutation.tx()).await?;
        if old.version != version {
            return Err(DomainError::Conflict(format!(
                "The schema is at version {}, not {version}: someone changed it since you loaded it. Reload and apply your change again.",
                old.version
            )));
        }
        let new = PermissionSchema::new(version + 1, application_types);
        let mut broken = Vec::new();
        for policy in policies::all(mutation.tx()).await? {
            let uses = broken_uses(&policy.statements, &old, &new);
            if !uses.is_empty() {
                broken.push(SchemaUse { policy_id: policy.id, org_id: policy.org_id, name: policy.name, uses });
            }
        }
        if !broken.is_empty() {
            let names: Vec<&str> = broken.iter().map(|b| b.name.as_str()).collect();
            return Err(DomainError::InUse {
                message: format!(
                    "Policies still use what this change removes: {}. Change those policies first.",
                    names.join(", ")
                ),
                details: json!({ "policies": broken }),
            });
        }
        let updated = sqlx::query(
            "UPDATE permission_schema SET document = $1, version = version + 1, updated_at = $2, updated_by = $3 \
             WHERE id = 1 AND version = $4",
        )
        .bind(serde_json::to_string(&new.application_types()).map_err(|e| DomainError::Internal(e.to_string()))?)
        .bind(Timestamp::now().to_rfc3339())
        .bind(actor.user_id().ok().map(str::to_owned))
        .bind(version)
        .execute(&mut **mutation.tx())
        .await?
        .rows_affected();
        if updated == 0 {
            return Err(DomainError::Conflict(
                "The schema changed while this was being saved. Reload and try again.".into(),
            ));
        }
        for removed in old.application_types().iter().filter(|t| new.resource_type(&t.key).is_none()) {
            sqlx::query("DELETE FROM iam_resources WHERE resource_type = $1")
                .bind(&removed.key)
                .execute(&mut **mutation.tx())
                .await?;
        }
        let event = AuditEvent::new("permission_schema.replaced")
            .target("permission_schema", "1", format!("version {}", new.version))
            .before(json!({ "version": old.version, "resource_types": old.application_types() }))
            .after(json!({ "version": new.version, "resource_types": new.application_types() }));
        mutation.commit(event).await?;
        Ok(new)
    }
}
