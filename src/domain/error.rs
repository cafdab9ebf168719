//! The one error type of the domain. Each edge (REST, UI) converts it exactly once.

use serde::{Deserialize, Serialize};

/// One problem with one input value, located by a path into the request
/// (`["body", "email"]`), so the REST edge can point at it and a form can show it beside the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub loc: Vec<String>,
    pub msg: String,
    /// Machine-readable kind, e.g. `too_short` or `value_error.email`.
    pub kind: String,
}

impl FieldError {
    pub fn new(field: &str, kind: &str, msg: impl Into<String>) -> Self {
        Self { loc: vec!["body".to_owned(), field.to_owned()], msg: msg.into(), kind: kind.to_owned() }
    }

    /// A problem with a query-string parameter.
    pub fn query(field: &str, kind: &str, msg: impl Into<String>) -> Self {
        Self { loc: vec!["query".to_owned(), field.to_owned()], msg: msg.into(), kind: kind.to_owned() }
    }

    /// A problem with a field of the body or, given an index, with one item of a list field.
    /// A dotted field (`restriction.permissions`) names a nested one, one `loc` step per part.
    pub fn item(field: &str, index: Option<usize>, kind: &str, msg: impl Into<String>) -> Self {
        let mut loc = vec!["body".to_owned()];
        loc.extend(field.split('.').map(str::to_owned));
        loc.extend(index.map(|i| i.to_string()));
        Self { loc, msg: msg.into(), kind: kind.to_owned() }
    }

    /// The name of the form field this error belongs to: the last element of `loc` that is a
    /// name (an error about one item of a list field belongs to the field).
    pub fn field(&self) -> &str {
        self.loc.iter().rev().find(|step| !step.bytes().all(|b| b.is_ascii_digit())).map_or("", String::as_str)
    }
}

/// A rule of the organization tree that a change would break.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeRule {
    #[error("\"{parent}\" cannot have child organizations")]
    ParentCannotHaveChildren { parent: String },
    #[error("\"{org}\" cannot be moved under \"{target}\", which is inside it")]
    MoveIntoOwnSubtree { org: String, target: String },
    #[error("The root organization cannot be moved")]
    RootCannotMove,
    #[error("The root organization cannot be deleted")]
    RootCannotBeDeleted,
    #[error("You are a member of \"{org}\"; a user cannot delete their own organization")]
    CannotDeleteOwnOrganization { org: String },
    #[error("\"{org}\" has child organizations; move or delete them before turning off child organizations")]
    StillHasChildren { org: String },
    #[error(
        "This would leave the root organization without a Super Admin. Make someone else Super Admin of the root first."
    )]
    LastRootSuperAdmin,
}

impl TreeRule {
    /// A stable name for API clients (`details.rule`).
    pub fn key(&self) -> &'static str {
        match self {
            Self::ParentCannotHaveChildren { .. } => "parent_cannot_have_children",
            Self::MoveIntoOwnSubtree { .. } => "move_into_own_subtree",
            Self::RootCannotMove => "root_cannot_move",
            Self::RootCannotBeDeleted => "root_cannot_be_deleted",
            Self::CannotDeleteOwnOrganization { .. } => "cannot_delete_own_organization",
            Self::StillHasChildren { .. } => "still_has_children",
            Self::LastRootSuperAdmin => "last_root_super_admin",
        }
    }
}

/// A permission that a change would give or take away at an organization without the actor
/// holding it there, unrestricted (see the anti-escalation rule in `authz::change`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingPermission {
    pub permission: String,
    /// `None` where the organization is one the actor may not see (it is not named to them).
    pub org_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("Sign-in required")]
    Unauthenticated,

    /// Deliberately the same for unknown emails, wrong passwords and disabled accounts.
    #[error("Email or password is incorrect")]
    InvalidCredentials,

    #[error("Too many failed sign-in attempts. Try again in {} minutes.", retry_after_secs.div_ceil(60))]
    TooManyAttempts { retry_after_secs: u64 },

    #[error("You don't have permission to perform this action")]
    Forbidden { required_permission: String },

    /// The anti-escalation rule refused a change: it would give or take away what the actor
    /// does not hold, unrestricted, where it applies.
    #[error("{}", not_held(.missing))]
    NotHeld { missing: Vec<MissingPermission> },

    #[error("The requested {resource_type} was not found")]
    NotFound { resource_type: &'static str, resource_id: String },

    #[error("{0}")]
    Conflict(String),

    #[error("{0}")]
    Rule(#[from] TreeRule),

    /// Refused because other things still depend on the target; `details` lists them.
    #[error("{message}")]
    InUse { message: String, details: serde_json::Value },

    #[error("{}", summarize(.0))]
    Invalid(Vec<FieldError>),

    #[cfg(feature = "ssr")]
    #[error("storage error: {0}")]
    Storage(#[from] sqlx::Error),

    #[error("internal error: {0}")]
    Internal(String),
}

fn not_held(missing: &[MissingPermission]) -> String {
    let first = missing.first().map(|m| m.permission.as_str()).unwrap_or("a permission");
    let more = match missing.len() {
        0 | 1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    format!(
        "You can only give or take away permissions you hold yourself, without restriction, where they apply. \
         This change moves {first}{more}, which you do not hold there."
    )
}

fn summarize(errors: &[FieldError]) -> String {
    errors.iter().map(|e| e.msg.as_str()).collect::<Vec<_>>().join("; ")
}

impl DomainError {
    pub fn invalid(field: &str, kind: &str, msg: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, kind, msg)])
    }

    /// True for failures of the machine rather than of the request; these are logged, not shown.
    pub fn is_internal(&self) -> bool {
        match self {
            #[cfg(feature = "ssr")]
            Self::Storage(_) => true,
            Self::Internal(_) => true,
            _ => false,
        }
    }
}

pub type DomainResult<T> = Result<T, DomainError>;

#[cfg(test)]
mod tests {
    use super::FieldError;

    #[test]
    fn an_error_about_one_item_of_a_list_belongs_to_the_list_field() {
        assert_eq!(FieldError::item("add_emails", Some(3), "x", "m").field(), "add_emails");
        assert_eq!(FieldError::item("restriction.permissions", None, "x", "m").field(), "permissions");
        assert_eq!(FieldError::new("name", "x", "m").field(), "name");
    }
}
