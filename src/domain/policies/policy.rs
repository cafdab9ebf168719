//! A policy: allow and deny statements an organization's roles are made of, as stored, as
//! requests give it, and as the API shows it.

use serde::Serialize;
use serde_json::{Value, json};

use super::document::{Draft, draft_from_permissions, draft_from_statements};
use crate::domain::{
    DomainError, DomainResult,
    authz::{
        impact::MemberShifts,
        statements::{Statement, allowed_permissions},
    },
};

/// What the actor may do with an organization's policies (or one of them), so that pages offer
/// only what is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PolicyActions {
    pub may_create: bool,
    /// The policy is custom and the actor may change it.
    pub may_update: bool,
    /// The policy is custom and the actor may delete it.
    pub may_delete: bool,
}

/// One permission of `permissions`, spelled out (`resolved_permissions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResolvedPermission {
    pub permission: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    /// The registered instance's current name (for instance permissions).
    pub resource_name: Option<String>,
    pub action: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Policy {
    pub policy_id: String,
    pub org_id: String,
    pub name: String,
    pub description: String,
    /// The allow-only shorthand: every `resource:action` the allow statements grant.
    pub permissions: Vec<String>,
    pub statements: Vec<Statement>,
    pub resolved_permissions: Vec<ResolvedPermission>,
    /// `managed` (predefined, read-only) or `custom`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub managed: bool,
    /// The role whose own rules this policy holds (a role created with inline rules, seed
    /// 002); no other role can be composed of it.
    pub owner_role_id: Option<String>,
    pub roles_dependency_count: i64,
    pub users_dependency_count: i64,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub created_by: Option<String>,
}

/// A policy row before its counts and resolved names are added.
#[derive(Debug, Clone)]
pub struct StoredPolicy {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub description: String,
    pub statements: Vec<Statement>,
    pub managed: bool,
    pub owner_role_id: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub created_by: Option<String>,
}

/// What the audit log keeps of a policy's content, before and after a change (the fields a
/// restore reads back).
fn snapshot(name: &str, description: &str, statements: &[Statement]) -> Value {
    json!({ "name": name, "description": description, "statements": statements })
}

impl StoredPolicy {
    pub(super) fn snapshot(&self) -> Value {
        snapshot(&self.name, &self.description, &self.statements)
    }
}

impl PolicyFields {
    pub(super) fn snapshot(&self) -> Value {
        snapshot(&self.name, &self.description, &self.statements)
    }
}

pub fn parse_statements(text: &str) -> DomainResult<Vec<Statement>> {
    serde_json::from_str(text).map_err(|e| DomainError::Internal(format!("policy statements are not valid JSON: {e}")))
}

/// What a policy says and is called, validated.
#[derive(Debug, Clone)]
pub struct PolicyFields {
    pub name: String,
    pub description: String,
    pub statements: Vec<Statement>,
}

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
    /// The audit event whose version of the policy this change restores (recorded as
    /// `policy.restored`; reading it needs `audit:read`).
    pub restored_from: Option<String>,
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PolicyPage {
    pub total: i64,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    pub policies: Vec<Policy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RoleRef {
    pub role_id: String,
    pub name: String,
}

/// What saving a policy would change, computed by the decision function on the real data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PolicyImpact {
    pub roles: Vec<RoleRef>,
    /// The members holding a role that uses the policy, and what changes for them.
    #[serde(flatten)]
    pub members: MemberShifts,
}

impl PolicyContent {
    /// The draft the content describes (shape problems located in the body).
    pub fn draft(&self) -> DomainResult<Draft> {
        match (&self.statements, &self.permissions) {
            (Some((field, values)), permissions) => {
                let draft = draft_from_statements(field, values).map_err(DomainError::Invalid)?;
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
            (None, Some(permissions)) => draft_from_permissions(permissions).map_err(DomainError::Invalid),
            (None, None) => {
                Err(DomainError::invalid("permissions", "missing", "Give the policy's permissions (or its statements)"))
            }
        }
    }
}
