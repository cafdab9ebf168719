//! A body as a GET answered it may be sent back to PUT (read, change a field, write it back):
//! its read-only fields are taken out before the body is read as a change. One that still says
//! what the server holds is dropped; one that says something else is refused by name (422
//! `read_only`), never dropped unseen, since the client meant to change it. Fields the server
//! keeps up to date itself (timestamps, counts) are dropped whatever they say: a value read a
//! moment ago may be stale without anyone having meant to change it.

use serde::Serialize;
use serde_json::{Map, Value};

use super::error::{ApiError, ApiResult};
use crate::domain::{DomainError, FieldError};

/// The read-only fields of one object as its GET shows it.
pub struct ReadOnly {
    /// Accepted only with the value the object has.
    pub fixed: &'static [&'static str],
    /// Accepted with any value, and dropped.
    pub kept_by_server: &'static [&'static str],
    /// Fields computed from others (`derived.0` from `derived.1`, such as a role's `policies`
    /// from its `policy_ids`): checked like [`Self::fixed`] when none of the others is sent,
    /// dropped when one is (they are then the old value, read before the change).
    pub derived: (&'static [&'static str], &'static [&'static str]),
}

impl ReadOnly {
    /// Whether `body` holds any of these fields (only then is the object read to check them, so
    /// that a change needs no more than the right to make it).
    pub fn mentioned_in(&self, body: &Map<String, Value>) -> bool {
        let (derived, _) = self.derived;
        self.fixed.iter().chain(self.kept_by_server).chain(derived).any(|field| body.contains_key(*field))
    }
}

/// Takes the read-only fields out of `body`, checking each of [`ReadOnly::fixed`] against
/// `current` (the object as GET would show it now); `prefix` names where the body sits in the
/// request (`sso_configuration.`), for the error.
pub fn take_read_only(
    body: &mut Map<String, Value>,
    current: &impl Serialize,
    fields: &ReadOnly,
    prefix: &str,
) -> ApiResult<()> {
    let current = serde_json::to_value(current).map_err(|_| ApiError::internal())?;
    let (derived, from) = fields.derived;
    let recomputed = from.iter().any(|field| body.contains_key(*field));
    let (checked, dropped) = if recomputed { (&[][..], derived) } else { (derived, &[][..]) };
    let mut problems = Vec::new();
    for field in fields.fixed.iter().chain(checked) {
        if let Some(sent) = body.remove(*field) {
            let held = current.get(*field).unwrap_or(&Value::Null);
            if sent != *held {
                let msg = format!("{field} cannot be changed here (it is read-only): it is {held}, not {sent}");
                problems.push(FieldError::item(&format!("{prefix}{field}"), None, "read_only", msg));
            }
        }
    }
    for field in fields.kept_by_server.iter().chain(dropped) {
        body.remove(*field);
    }
    if problems.is_empty() { Ok(()) } else { Err(DomainError::Invalid(problems).into()) }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{ReadOnly, take_read_only};

    const FIELDS: ReadOnly =
        ReadOnly { fixed: &["id"], kept_by_server: &["updated_at"], derived: (&["total"], &["items"]) };

    fn body(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_body_as_read_is_taken_back_and_a_changed_read_only_field_is_named() {
        let current = json!({ "id": "o1", "name": "Old", "updated_at": "2026-01-01" });
        let mut sent = body(json!({ "id": "o1", "name": "New", "updated_at": "1999-01-01" }));
        assert!(take_read_only(&mut sent, &current, &FIELDS, "").is_ok());
        assert_eq!(sent, body(json!({ "name": "New" })), "read-only fields are taken out, the rest stays");

        let mut changed = body(json!({ "id": "o2", "name": "New" }));
        let refused = take_read_only(&mut changed, &current, &FIELDS, "sub.").map(|_| ()).map_err(|e| format!("{e:?}"));
        let refused = refused.expect_err("a changed id is refused");
        assert!(refused.contains("sub") && refused.contains("read_only"), "{refused}");

        let current = json!({ "id": "o1", "items": [1], "total": 1 });
        let mut stale = body(json!({ "items": [1, 2], "total": 1 }));
        assert!(take_read_only(&mut stale, &current, &FIELDS, "").is_ok(), "a derived field beside what it follows");
        assert_eq!(stale, body(json!({ "items": [1, 2] })));
        let mut alone = body(json!({ "total": 2 }));
        assert!(take_read_only(&mut alone, &current, &FIELDS, "").is_err(), "a derived field changed on its own");
    }
}
