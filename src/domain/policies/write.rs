//! Changing policies: create, change and delete an organization's policies.
//!
//! Every write is validated against the permission schema and the resource catalog, checked
//! for escalation (nobody can write a policy that allows more than they hold in that
//! organization), versioned, and audited.

use serde_json::json;

use super::{NewPolicy, Policy, PolicyChanges, PolicyContent, PolicyFields, StoredPolicy, policy_permission, storage};
use crate::domain::{
    Actor, AuditEvent, Domain, DomainError, DomainResult, FieldError, Mutation,
    audit::HistoryOf,
    authz::{ChangeEffect, cache::Change, statements::Statement},
    fields,
};

impl Domain {
    /// Validates content against the schema and the catalog, for a policy of `org_id`.
    /// Returns the statements and the schema version they were checked against.
    pub(super) async fn checked_statements(
        &self,
        org_id: &str,
        content: &PolicyContent,
    ) -> DomainResult<(Vec<Statement>, i64)> {
        // Parsing and validating a large document is CPU work: off the async workers.
        let content = content.clone();
        let draft = tokio::task::spawn_blocking(move || content.draft())
            .await
            .map_err(|e| DomainError::Internal(format!("policy parsing failed: {e}")))??;
        let schema = self.schema().await?;
        let instances = self.instance_statuses(org_id, &draft.instance_refs()).await?;
        let version = schema.version;
        let statements = tokio::task::spawn_blocking(move || draft.validate(&schema, &instances))
            .await
            .map_err(|e| DomainError::Internal(format!("policy validation failed: {e}")))?
            .map_err(DomainError::Invalid)?;
        Ok((statements, version))
    }

    pub(super) fn checked_fields(
        name: &str,
        description: &str,
        statements: Vec<Statement>,
    ) -> DomainResult<PolicyFields> {
        let mut errors = Vec::new();
        if let Some(msg) = fields::name_problem(name) {
            errors.push(FieldError::new("name", "value_error.name", msg));
        }
        if let Some(msg) = fields::description_problem(description) {
            errors.push(FieldError::new("description", "too_long", msg));
        }
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        Ok(PolicyFields { name: name.trim().to_owned(), description: description.trim().to_owned(), statements })
    }

    pub async fn create_policy(&self, actor: &Actor, org_id: &str, new: NewPolicy) -> DomainResult<Policy> {
        let org = self.authorized_organization(actor, org_id, &policy_permission("create")).await?;
        let name_error = fields::name_problem(&new.name);
        let checked = self.checked_statements(&org.id, &new.content).await;
        let (statements, schema_version) = match (checked, name_error) {
            (Ok(checked), _) => checked,
            // Report the name beside the content's problems, not one after the other.
            (Err(DomainError::Invalid(mut errors)), Some(msg)) => {
                errors.insert(0, FieldError::new("name", "value_error.name", msg));
                return Err(DomainError::Invalid(errors));
            }
            (Err(e), _) => return Err(e),
        };
        let fields = Self::checked_fields(&new.name, new.description.as_deref().unwrap_or_default(), statements)?;
        // Nobody writes a policy that moves more than they hold there.
        self.authorize_change(actor, &ChangeEffect::new().at(&org.id, fields.statements.iter().cloned())).await?;
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        self.hold_schema_version(mutation.tx(), schema_version).await?;
        let id = storage::insert(mutation.tx(), &org.id, &fields, None, actor.user_id().ok()).await?;
        let event =
            AuditEvent::new("policy.created").org(&org.id).target("policy", &id, &fields.name).after(fields.snapshot());
        mutation.commit(event).await?;
        self.policy(actor, &org.id, &id).await
    }

    pub async fn update_policy(
        &self,
        actor: &Actor,
        org_id: &str,
        policy_id: &str,
        changes: PolicyChanges,
    ) -> DomainResult<Policy> {
        let org = self.authorized_organization(actor, org_id, &policy_permission("update")).await?;
        let stored = self.existing_policy(&org.id, policy_id).await?;
        if stored.managed {
            return Err(DomainError::Conflict(format!(
                "\"{}\" is a predefined policy and cannot be changed. Create a custom policy instead.",
                stored.name
            )));
        }
        let version = changes.version.unwrap_or(stored.version);
        if version != stored.version {
            return Err(stale(&stored));
        }
        if let Some(event_id) = &changes.restored_from {
            self.restorable_version(actor, &org.id, HistoryOf::Policy(&stored.id), event_id).await?;
        }
        let (statements, schema_version) = match &changes.content {
            Some(content) => self.checked_statements(&org.id, content).await?,
            None => (stored.statements.clone(), self.schema().await?.version),
        };
        let fields = Self::checked_fields(
            changes.name.as_deref().unwrap_or(&stored.name),
            changes.description.as_deref().unwrap_or(&stored.description),
            statements,
        )?;
        let effect = ChangeEffect::new().rewrite(&org.id, &stored.statements, &fields.statements);
        self.authorize_change(actor, &effect).await?;
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        if changes.content.is_some() {
            self.hold_schema_version(mutation.tx(), schema_version).await?;
        }
        storage::update(mutation.tx(), &stored, version, &fields).await?;
        let event = AuditEvent::new("policy.updated")
            .org(&org.id)
            .target("policy", &stored.id, &fields.name)
            .before(stored.snapshot())
            .after(fields.snapshot())
            .restoring(changes.restored_from.as_deref(), "policy.restored");
        self.commit_authz_change(mutation, event, &[Change::Policies(vec![stored.id.clone()])]).await?;
        self.policy(actor, &org.id, &stored.id).await
    }

    /// Deletes a custom policy. While roles use it, refused unless `detach`, which takes it out
    /// of those roles in the same transaction.
    pub async fn delete_policy(&self, actor: &Actor, org_id: &str, policy_id: &str, detach: bool) -> DomainResult<()> {
        let org = self.authorized_organization(actor, org_id, &policy_permission("delete")).await?;
        let stored = self.existing_policy(&org.id, policy_id).await?;
        if stored.managed {
            return Err(DomainError::Conflict(format!(
                "\"{}\" is a predefined policy and cannot be deleted.",
                stored.name
            )));
        }
        // Deleting (and so detaching) takes what the policy says from whoever holds a role using it.
        let held = self.held_roles(std::slice::from_ref(&org.id)).await?;
        if held.iter().any(|g| g.policies.iter().any(|p| p.policy_id == stored.id)) {
            self.authorize_change(actor, &ChangeEffect::new().at(&org.id, stored.statements.iter().cloned())).await?;
        }
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let roles = storage::roles_using(mutation.tx(), &stored.id).await?;
        if !roles.is_empty() && !detach {
            let names: Vec<&str> = roles.iter().map(|(_, n)| n.as_str()).collect();
            return Err(DomainError::InUse {
                message: format!(
                    "{} role(s) use this policy: {}. Take it out of them first, or delete with detach.",
                    roles.len(),
                    names.join(", ")
                ),
                details: json!({
                    "roles_dependency_count": roles.len(),
                    "roles": roles.iter().map(|(id, name)| json!({ "role_id": id, "name": name })).collect::<Vec<_>>(),
                }),
            });
        }
        storage::delete(mutation.tx(), &stored.id).await?;
        let event = AuditEvent::new("policy.deleted")
            .org(&org.id)
            .target("policy", &stored.id, &stored.name)
            .before(json!({ "name": stored.name, "statements": stored.statements }))
            .after(json!({ "detached_from_roles": roles.iter().map(|(_, n)| n).collect::<Vec<_>>() }));
        self.commit_authz_change(mutation, event, &[Change::Policies(vec![stored.id.clone()])]).await
    }
}

fn stale(stored: &StoredPolicy) -> DomainError {
    DomainError::Conflict(format!(
        "The policy \"{}\" was changed by someone else since you loaded it (version {}). Reload it and apply your change again.",
        stored.name, stored.version
    ))
}
