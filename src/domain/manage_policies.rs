//! Policies' capabilities: list, read, create, change and delete an organization's policies,
//! and preview who gains or loses what before a change is saved.
//!
//! Every write is validated against the permission schema and the resource catalog, checked
//! for escalation (nobody can write a policy that allows more than they hold in that
//! organization), versioned, and audited.

use serde::Serialize;
use serde_json::{Value, json};
use sqlx::Row;

use super::{
    Actor, AuditEvent, Domain, DomainError, DomainResult, FieldError, Mutation,
    authz::{
        GrantPlace,
        cache::{Change, Rewrite},
    },
    cursor, fields,
    impact::{Candidate, PermissionShift},
    manage_schema,
    permissions::Permission,
    policies::{self, Policy, PolicyFields, StoredPolicy},
    policy_document::{Draft, draft_from_permissions, draft_from_statements},
    resources,
    statements::{Statement, allowed_permissions},
};

/// What a request says a policy contains: statements (under `statements` or `definitions`),
/// permission strings, or both (then they must agree).
#[derive(Debug, Clone, Default)]
pub struct PolicyContent {
    /// The body field name and its items.
    pub statements: Option<(String, Vec<Value>)>,
    pub permissions: Option<Vec<Value>>,
}

#[derive(Debug, Clone, Default)]
pub struct NewPolicy {
    pub name: String,
    pub description: Option<String>,
    pub content: PolicyContent,
}

/// A change: each field given replaces the stored one. `version`, when given, must be current.
#[derive(Debug, Clone, Default)]
pub struct PolicyChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub content: Option<PolicyContent>,
    pub version: Option<i64>,
}

/// Which policies to list: matching `q`, after `cursor`, by name (`reverse`: from the end).
#[derive(Debug, Clone, Copy)]
pub struct PolicyQuery<'a> {
    pub q: Option<&'a str>,
    pub cursor: Option<&'a str>,
    pub reverse: bool,
    pub limit: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyPage {
    pub total: i64,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    pub policies: Vec<Policy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleRef {
    pub role_id: String,
    pub name: String,
}

/// What saving a policy would change, computed by the decision function on the real data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyImpact {
    pub roles: Vec<RoleRef>,
    /// Members holding a role that uses the policy.
    pub member_count: usize,
    /// Members for whom at least one permission changes.
    pub affected_member_count: usize,
    pub shifts: Vec<PermissionShift>,
}

fn invalid(errors: Vec<FieldError>) -> DomainError {
    DomainError::Invalid(errors)
}

fn policy_permission(action: &str) -> Permission {
    Permission::new("policy", action)
}

impl PolicyContent {
    /// The draft the content describes (shape problems located in the body).
    pub fn draft(&self) -> DomainResult<Draft> {
        match (&self.statements, &self.permissions) {
            (Some((field, values)), permissions) => {
                let draft = draft_from_statements(field, values).map_err(invalid)?;
                if let Some(permissions) = permissions {
                    let given: Vec<String> =
                        permissions.iter().filter_map(|p| p.as_str().map(str::trim).map(str::to_owned)).collect();
                    let derived: Vec<String> =
                        allowed_permissions(&draft.statements()).iter().map(ToString::to_string).collect();
                    let same = given.len() == derived.len() && given.iter().all(|g| derived.contains(g));
                    if !same {
                        return Err(DomainError::invalid(
                            "permissions",
                            "value_error.mismatch",
                            format!("permissions and {field} disagree; send one of them"),
                        ));
                    }
                }
                Ok(draft)
            }
            (None, Some(permissions)) => draft_from_permissions(permissions).map_err(invalid),
            (None, None) => {
                Err(DomainError::invalid("permissions", "missing", "Give the policy's permissions (or its statements)"))
            }
        }
    }
}

impl Domain {
    /// Adds counts and resource names to stored policies.
    async fn present_policies(&self, stored: Vec<StoredPolicy>) -> DomainResult<Vec<Policy>> {
        let ids: Vec<String> = stored.iter().map(|p| p.id.clone()).collect();
        let counts = policies::dependency_counts(&self.db, &ids).await?;
        let refs: Vec<(String, String)> = stored
            .iter()
            .flat_map(|p| allowed_permissions(&p.statements))
            .filter_map(|p| p.resource_id.clone().map(|id| (p.resource_type.clone(), id)))
            .collect();
        let names = policies::resource_names(&self.db, &refs).await?;
        Ok(stored
            .into_iter()
            .map(|p| {
                let c = counts.get(&p.id).copied().unwrap_or_default();
                policies::present(p, c, &names)
            })
            .collect())
    }

    async fn stored_policy(&self, org_id: &str, policy_id: &str) -> DomainResult<StoredPolicy> {
        policies::find(&self.db, org_id, policy_id).await?.ok_or_else(|| policies::not_found(policy_id))
    }

    pub async fn list_policies(
        &self,
        actor: &Actor,
        org_id: &str,
        query: &PolicyQuery<'_>,
    ) -> DomainResult<PolicyPage> {
        let PolicyQuery { q, cursor, reverse, limit } = *query;
        let org = self.resolve_organization(org_id).await?;
        self.authorize(actor, &org.id, &policy_permission("read")).await?;
        let after = cursor.map(cursor::decode).transpose()?;
        let after = after.as_ref().map(|(n, i)| (n.as_str(), i.as_str()));
        let (total, mut stored) = policies::page(&self.db, &org.id, q, after, reverse, limit + 1).await?;
        let has_more = stored.len() > limit;
        stored.truncate(limit);
        let next_cursor = if has_more { stored.last().map(|p| cursor::encode(&p.name, &p.id)) } else { None };
        Ok(PolicyPage { total, has_more, next_cursor, policies: self.present_policies(stored).await? })
    }

    pub async fn policy(&self, actor: &Actor, org_id: &str, policy_id: &str) -> DomainResult<Policy> {
        let org = self.resolve_organization(org_id).await?;
        self.authorize(actor, &org.id, &policy_permission("read")).await?;
        let stored = self.stored_policy(&org.id, policy_id).await?;
        let mut presented = self.present_policies(vec![stored]).await?;
        presented.pop().ok_or_else(|| policies::not_found(policy_id))
    }

    /// Validates content against the schema and the catalog, for a policy of `org_id`.
    /// Returns the statements and the schema version they were checked against.
    async fn checked_statements(&self, org_id: &str, content: &PolicyContent) -> DomainResult<(Vec<Statement>, i64)> {
        let draft = content.draft()?;
        let schema = self.schema().await?;
        let instances = resources::instance_statuses(&self.db, org_id, &draft.instance_refs()).await?;
        let statements = draft.validate(&schema, &instances).map_err(invalid)?;
        Ok((statements, schema.version))
    }

    fn checked_fields(name: &str, description: &str, statements: Vec<Statement>) -> DomainResult<PolicyFields> {
        let mut errors = Vec::new();
        if let Some(msg) = fields::name_problem(name) {
            errors.push(FieldError::new("name", "value_error.name", msg));
        }
        if let Some(msg) = fields::description_problem(description) {
            errors.push(FieldError::new("description", "too_long", msg));
        }
        if !errors.is_empty() {
            return Err(invalid(errors));
        }
        Ok(PolicyFields { name: name.trim().to_owned(), description: description.trim().to_owned(), statements })
    }

    pub async fn create_policy(&self, actor: &Actor, org_id: &str, new: NewPolicy) -> DomainResult<Policy> {
        let org = self.resolve_organization(org_id).await?;
        self.authorize(actor, &org.id, &policy_permission("create")).await?;
        let name_error = fields::name_problem(&new.name);
        let checked = self.checked_statements(&org.id, &new.content).await;
        let (statements, schema_version) = match (checked, name_error) {
            (Ok(checked), _) => checked,
            // Report the name beside the content's problems, not one after the other.
            (Err(DomainError::Invalid(mut errors)), Some(msg)) => {
                errors.insert(0, FieldError::new("name", "value_error.name", msg));
                return Err(invalid(errors));
            }
            (Err(e), _) => return Err(e),
        };
        let fields = Self::checked_fields(&new.name, new.description.as_deref().unwrap_or_default(), statements)?;
        self.authorize_grant_of(actor, GrantPlace::In(&org.id), &fields.statements).await?;
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        manage_schema::hold_version(mutation.tx(), schema_version).await?;
        let id = policies::insert(mutation.tx(), &org.id, &fields, actor.user_id().ok()).await?;
        let event = AuditEvent::new("policy.created")
            .org(&org.id)
            .target("policy", &id, &fields.name)
            .after(json!({ "name": fields.name, "description": fields.description, "statements": fields.statements }));
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
        let org = self.resolve_organization(org_id).await?;
        self.authorize(actor, &org.id, &policy_permission("update")).await?;
        let stored = self.stored_policy(&org.id, policy_id).await?;
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
        let (statements, schema_version) = match &changes.content {
            Some(content) => self.checked_statements(&org.id, content).await?,
            None => (stored.statements.clone(), self.schema().await?.version),
        };
        let fields = Self::checked_fields(
            changes.name.as_deref().unwrap_or(&stored.name),
            changes.description.as_deref().unwrap_or(&stored.description),
            statements,
        )?;
        self.authorize_grant_of(actor, GrantPlace::In(&org.id), &fields.statements).await?;
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        if changes.content.is_some() {
            manage_schema::hold_version(mutation.tx(), schema_version).await?;
        }
        policies::update(mutation.tx(), &stored, version, &fields).await?;
        let event = AuditEvent::new("policy.updated")
            .org(&org.id)
            .target("policy", &stored.id, &fields.name)
            .before(json!({ "name": stored.name, "description": stored.description, "statements": stored.statements }))
            .after(json!({ "name": fields.name, "description": fields.description, "statements": fields.statements }));
        self.commit_authz_change(mutation, event, &[Change::RolesOrPolicies]).await?;
        self.policy(actor, &org.id, &stored.id).await
    }

    /// Deletes a custom policy. While roles use it, refused unless `detach`, which takes it out
    /// of those roles in the same transaction.
    pub async fn delete_policy(&self, actor: &Actor, org_id: &str, policy_id: &str, detach: bool) -> DomainResult<()> {
        let org = self.resolve_organization(org_id).await?;
        self.authorize(actor, &org.id, &policy_permission("delete")).await?;
        let stored = self.stored_policy(&org.id, policy_id).await?;
        if stored.managed {
            return Err(DomainError::Conflict(format!(
                "\"{}\" is a predefined policy and cannot be deleted.",
                stored.name
            )));
        }
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let roles = policies::roles_using(mutation.tx(), &stored.id).await?;
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
        policies::delete(mutation.tx(), &stored.id).await?;
        let event = AuditEvent::new("policy.deleted")
            .org(&org.id)
            .target("policy", &stored.id, &stored.name)
            .before(json!({ "name": stored.name, "statements": stored.statements }))
            .after(json!({ "detached_from_roles": roles.iter().map(|(_, n)| n).collect::<Vec<_>>() }));
        self.commit_authz_change(mutation, event, &[Change::RolesOrPolicies]).await
    }

    /// Who would gain or lose what if the policy (`None`: a new one) said `content`: every
    /// member holding a role that uses it, decided before and after by the decision function.
    pub async fn policy_impact(
        &self,
        actor: &Actor,
        org_id: &str,
        policy_id: Option<&str>,
        content: &PolicyContent,
    ) -> DomainResult<PolicyImpact> {
        let org = self.resolve_organization(org_id).await?;
        self.authorize(actor, &org.id, &policy_permission("read")).await?;
        let (new_statements, _) = self.checked_statements(&org.id, content).await?;
        let Some(policy_id) = policy_id else {
            return Ok(PolicyImpact {
                roles: Vec::new(),
                member_count: 0,
                affected_member_count: 0,
                shifts: Vec::new(),
            });
        };
        let stored = self.stored_policy(&org.id, policy_id).await?;
        let may_see_members = self.may(actor, &org.id, &Permission::new("member", "read")).await?;
        let mut tx = self.db.begin().await?;
        let roles = policies::roles_using(&mut tx, &stored.id).await?;
        let members = sqlx::query(
            "SELECT DISTINCT u.id, u.full_name FROM role_policies rp \
             JOIN membership_roles mr ON mr.role_id = rp.role_id JOIN users u ON u.id = mr.user_id \
             WHERE rp.policy_id = $1 ORDER BY u.full_name, u.id",
        )
        .bind(&stored.id)
        .fetch_all(&mut *tx)
        .await?;
        drop(tx);
        let members = members
            .iter()
            .map(|row| Ok((row.try_get("id")?, row.try_get("full_name")?)))
            .collect::<DomainResult<Vec<Candidate>>>()?;
        let statements: Vec<&Statement> = stored.statements.iter().chain(&new_statements).collect();
        let rewrite = Rewrite::Policy { policy_id: &stored.id, statements: &new_statements };
        let shifts = self.member_shifts(&org.id, &members, &statements, &rewrite, may_see_members).await?;
        Ok(PolicyImpact {
            roles: roles.into_iter().map(|(role_id, name)| RoleRef { role_id, name }).collect(),
            member_count: shifts.member_count,
            affected_member_count: shifts.affected_member_count,
            shifts: shifts.shifts,
        })
    }
}

fn stale(stored: &StoredPolicy) -> DomainError {
    DomainError::Conflict(format!(
        "The policy \"{}\" was changed by someone else since you loaded it (version {}). Reload it and apply your change again.",
        stored.name, stored.version
    ))
}
