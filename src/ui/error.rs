//! `UiError`: what a server function reports to a page. Domain errors become this in one
//! place (below); pages show `message`, and `fields` beside the inputs they concern.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

use crate::domain::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UiErrorKind {
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    Invalid,
    TooManyAttempts,
    Unavailable,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct UiError {
    pub kind: UiErrorKind,
    pub message: String,
    pub fields: Vec<FieldError>,
    /// For a field that names something (a picker's) that was not found: what it could have
    /// meant, for the form to offer as choices.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
}

/// What the text `term` typed into `field` could have meant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub field: String,
    pub term: String,
    pub items: Vec<crate::ui::model::PickItem>,
}

impl UiError {
    pub fn new(kind: UiErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), fields: Vec::new(), suggestions: Vec::new() }
    }

    pub fn invalid_field(field: &str, message: &str) -> Self {
        Self {
            kind: UiErrorKind::Invalid,
            message: message.to_owned(),
            fields: vec![FieldError::new(field, "invalid", message)],
            suggestions: Vec::new(),
        }
    }

    /// The message for one form field, if this error concerns it.
    pub fn field(&self, name: &str) -> Option<String> {
        self.fields.iter().find(|f| f.field() == name).map(|f| f.msg.clone())
    }
}

impl FromServerFnError for UiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        match error {
            ServerFnErrorErr::Request(_) => {
                Self::new(UiErrorKind::Unavailable, "Warden could not be reached. Check your connection and try again.")
            }
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                Self::new(UiErrorKind::Invalid, "The form was incomplete. Reload the page and try again.")
            }
            other => Self::new(UiErrorKind::Internal, format!("Something went wrong: {other}")),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::domain::DomainError> for UiError {
    fn from(error: crate::domain::DomainError) -> Self {
        use crate::domain::DomainError as E;
        if error.is_internal() {
            tracing::error!(error = ?error, "server function failed");
            return Self::new(UiErrorKind::Internal, "Something went wrong on our side. The error was logged.");
        }
        let kind = match &error {
            E::Unauthenticated => UiErrorKind::Unauthenticated,
            E::InvalidCredentials => UiErrorKind::Unauthenticated,
            E::TooManyAttempts { .. } => UiErrorKind::TooManyAttempts,
            E::Forbidden { .. } | E::NotHeld { .. } => UiErrorKind::Forbidden,
            E::NotFound { .. } => UiErrorKind::NotFound,
            E::Conflict(_) | E::Rule(_) | E::InUse { .. } => UiErrorKind::Conflict,
            E::Invalid(_) => UiErrorKind::Invalid,
            E::Storage(_) | E::Internal(_) => UiErrorKind::Internal,
        };
        let message = match &error {
            E::Unauthenticated => "Your session has ended. Sign in again.".to_owned(),
            other => other.to_string(),
        };
        let fields = match error {
            E::Invalid(fields) => fields,
            _ => Vec::new(),
        };
        Self { kind, message, fields, suggestions: Vec::new() }
    }
}

/// The answer to a lookup of what a form field names (a role, a user): when nothing the caller
/// may see answers to it, the error is the field's own, `message`, so the form shows it under
/// the field with the typing kept. Any other failure stays what it was.
#[cfg(feature = "ssr")]
pub fn named_in_field<T>(
    lookup: crate::domain::DomainResult<T>,
    field: &str,
    message: impl FnOnce() -> String,
) -> Result<T, UiError> {
    use crate::domain::{DomainError, FieldError};
    match lookup {
        Ok(found) => Ok(found),
        Err(DomainError::NotFound { .. } | DomainError::Forbidden { .. }) => {
            let message = message();
            Err(UiError {
                kind: UiErrorKind::NotFound,
                fields: vec![FieldError::new(field, "not_found", &message)],
                message,
                suggestions: Vec::new(),
            })
        }
        Err(error) => Err(error.into()),
    }
}
