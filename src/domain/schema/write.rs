//! Replacing the permission schema's application part, as a whole versioned document; only a
//! Super Admin of the root may, and nothing that policies still use can be removed.

use serde::Serialize;
use serde_json::json;

use super::{PermissionSchema, SchemaType, read::load, validate_application_types};
use crate::domain::{
    Actor, AuditEvent, Domain, DomainError, DomainResult, Mutation, Timestamp, authz::statements::Statement,
};

/// A use of a schema entry by a policy, which a schema change would break.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
struct SchemaUse {
    policy_id: String,
    org_id: String,
    name: String,
    uses: Vec<String>,
}

/// What the policy uses of `old` that `new` takes away: removed types, removed actions, and
/// instances of a type that stopped being listable.
fn broken_uses(statements: &[Statement], old: &PermissionSchema, new: &PermissionSchema) -> Vec<String> {
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
    /// Replaces the application resource types. Only a Super Admin of the root (`*:*` there)
    /// may; `version` must be the current one; types and actions that policies still use
    /// cannot be removed. Removing a type forgets its registered instances.
    pub async fn replace_permission_schema(
        &self,
        actor: &Actor,
        application_types: Vec<SchemaType>,
        expected_version: Option<i64>,
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
        if let Some(version) = expected_version
            && old.version != version
        {
            return Err(DomainError::Conflict(format!(
                "The schema is at version {}, not {version}: someone changed it since you loaded it. Reload and apply your change again.",
                old.version
            )));
        }
        let new = PermissionSchema::new(old.version + 1, application_types);
        let mut broken = Vec::new();
        for policy in self.all_policies(mutation.tx()).await? {
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
        .bind(old.version)
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
