//! The editor's text view as policy content.
#![cfg(feature = "ssr")]

use crate::{
    domain::{FieldError, policies::PolicyContent},
    ui::error::{UiError, UiErrorKind},
};

/// Reads the statements typed in the text view; a text that is not a JSON list is a field
/// error on `statements`, located at the line and column where reading stopped.
pub fn content(document: &str) -> Result<PolicyContent, UiError> {
    let values: Vec<serde_json::Value> = serde_json::from_str(document).map_err(|e| {
        let msg = format!("The statements are not a valid JSON list: {e}");
        UiError {
            kind: UiErrorKind::Invalid,
            message: msg.clone(),
            fields: vec![FieldError {
                loc: vec!["body".into(), "statements".into()],
                msg,
                kind: "json_invalid".into(),
            }],
            suggestions: Vec::new(),
        }
    })?;
    Ok(PolicyContent { statements: Some(("statements".into(), values)), permissions: None })
}
