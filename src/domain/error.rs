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

    /// The last element of `loc`: the name of the form field this error belongs to.
    pub fn field(&self) -> &str {
        self.loc.last().map(String::as_str).unwrap_or_default()
    }
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

    #[error("The requested {resource_type} was not found")]
    NotFound { resource_type: &'static str, resource_id: String },

    #[error("{0}")]
    Conflict(String),

    #[error("{}", summarize(.0))]
    Invalid(Vec<FieldError>),

    #[cfg(feature = "ssr")]
    #[error("storage error: {0}")]
    Storage(#[from] sqlx::Error),

    #[error("internal error: {0}")]
    Internal(String),
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
