//! A role's own rules: the policy holding the rules a role was given inline (seed 002's
//! `POST /v1/iam/roles` and `PUT /v1/iam/roles/{id}`). It belongs to that role alone: no other
//! role may be composed of it, it is written in the role's own transaction (with its own audit
//! event), and it goes when the role goes. The roles module decides when; this one writes it.

use serde_json::json;

use super::{PolicyContent, StoredPolicy, storage};
use crate::domain::{AuditEvent, Domain, DomainResult, Mutation, authz::statements::Statement};

/// Rules given inline, checked: their statements and the schema version they were checked against.
#[derive(Debug, Clone)]
pub struct OwnRules {
    pub statements: Vec<Statement>,
    pub schema_version: i64,
}

/// Named after the role's id, which never changes and cannot collide with a name an admin
/// chose.
fn own_rules_name(role_id: &str) -> String {
    format!("Own rules of role {role_id}")
}

impl Domain {
    /// Checks rules given inline for a role of `org_id`, as any policy's content is checked.
    pub(crate) async fn checked_own_rules(&self, org_id: &str, content: &PolicyContent) -> DomainResult<OwnRules> {
        let (statements, schema_version) = self.checked_statements(org_id, content).await?;
        Ok(OwnRules { statements, schema_version })
    }

    /// The policy holding `role_id`'s own rules, if the role has one.
    pub(crate) async fn own_rules_of(&self, role_id: &str) -> DomainResult<Option<StoredPolicy>> {
        storage::owned_by(self.db.pool(), role_id).await
    }

    /// The same, inside a mutation (read after the role's row is locked, so that a concurrent
    /// change cannot add rules the mutation does not see).
    pub(crate) async fn own_rules_in(
        &self,
        mutation: &mut Mutation<'_>,
        role_id: &str,
    ) -> DomainResult<Option<StoredPolicy>> {
        storage::owned_by(&mut **mutation.tx(), role_id).await
    }

    /// Creates `role_id`'s own rules, or replaces those it has (`existing`), inside the role's
    /// mutation; records the policy's event there. Returns the policy as written.
    pub(crate) async fn write_own_rules(
        &self,
        mutation: &mut Mutation<'_>,
        org_id: &str,
        role_id: &str,
        existing: Option<&StoredPolicy>,
        rules: OwnRules,
    ) -> DomainResult<StoredPolicy> {
        self.hold_schema_version(mutation.tx(), rules.schema_version).await?;
        let description = "The rules given inline with its role; part of that role only.";
        let fields = Self::checked_fields(&own_rules_name(role_id), description, rules.statements)?;
        let (policy_id, event) = match existing {
            Some(stored) => {
                storage::update(mutation.tx(), stored, stored.version, &fields).await?;
                (stored.id.clone(), AuditEvent::new("policy.updated").before(stored.snapshot()))
            }
            None => {
                let created_by = mutation.actor().user_id().ok();
                let id = storage::insert(mutation.tx(), org_id, &fields, Some(role_id), created_by).await?;
                (id, AuditEvent::new("policy.created"))
            }
        };
        let mut after = fields.snapshot();
        after["owner_role_id"] = json!(role_id);
        let event = event.org(org_id).target("policy", &policy_id, &fields.name).after(after);
        mutation.record(&event).await?;
        storage::find(&mut **mutation.tx(), org_id, &policy_id).await?.ok_or_else(|| storage::not_found(&policy_id))
    }

    /// Deletes a role's own rules inside the role's mutation (the role is deleted, or no longer
    /// made of them); records the policy's event there.
    pub(crate) async fn delete_own_rules(
        &self,
        mutation: &mut Mutation<'_>,
        policy: &StoredPolicy,
    ) -> DomainResult<()> {
        storage::delete(mutation.tx(), &policy.id).await?;
        let event =
            AuditEvent::new("policy.deleted").org(&policy.org_id).target("policy", &policy.id, &policy.name).before(
                json!({ "name": policy.name, "statements": policy.statements, "owner_role_id": policy.owner_role_id }),
            );
        mutation.record(&event).await
    }
}
