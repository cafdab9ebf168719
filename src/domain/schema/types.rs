//! The permission schema: every resource type with its actions, Warden's built-in ones (from
//! [`BUILTIN_RESOURCE_TYPES`]) followed by the types the platform's applications register.
//! Policies are validated against it and the policy editor draws its matrix from it.
//!
//! Pure code, compiled for the browser too.

use serde::{Deserialize, Serialize};

use crate::domain::{
    FieldError,
    authz::permissions::{BUILTIN_RESOURCE_TYPES, Permission, WILDCARD, is_key},
};

pub const MAX_KEY_CHARS: usize = 64;
pub const MAX_LABEL_CHARS: usize = 100;
pub const MAX_DESCRIPTION_CHARS: usize = 500;
pub const MAX_TYPES: usize = 200;
pub const MAX_ACTIONS: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SchemaAction {
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SchemaType {
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub description: String,
    /// Whether applications register instances of this type, so policies can name them one by one.
    #[serde(default)]
    pub listable: bool,
    /// Warden's own types cannot be changed.
    #[serde(default)]
    pub builtin: bool,
    pub actions: Vec<SchemaAction>,
}

impl SchemaType {
    pub fn has_action(&self, action: &str) -> bool {
        self.actions.iter().any(|a| a.key == action)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PermissionSchema {
    pub version: i64,
    pub resource_types: Vec<SchemaType>,
}

pub fn builtin_types() -> Vec<SchemaType> {
    BUILTIN_RESOURCE_TYPES
        .iter()
        .map(|t| SchemaType {
            key: t.key.to_owned(),
            label: t.label.to_owned(),
            description: t.description.to_owned(),
            listable: false,
            builtin: true,
            actions: t
                .actions
                .iter()
                .map(|(key, label)| SchemaAction {
                    key: (*key).to_owned(),
                    label: capitalize(key),
                    description: (*label).to_owned(),
                })
                .collect(),
        })
        .collect()
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

impl PermissionSchema {
    /// The built-in types followed by the application types.
    pub fn new(version: i64, application_types: Vec<SchemaType>) -> Self {
        let mut resource_types = builtin_types();
        resource_types.extend(application_types.into_iter().map(|t| SchemaType { builtin: false, ..t }));
        Self { version, resource_types }
    }

    pub fn resource_type(&self, key: &str) -> Option<&SchemaType> {
        self.resource_types.iter().find(|t| t.key == key)
    }

    pub fn application_types(&self) -> Vec<SchemaType> {
        self.resource_types.iter().filter(|t| !t.builtin).cloned().collect()
    }

    /// Whether some type has this action (for actions on the `*` resource).
    pub fn any_type_has_action(&self, action: &str) -> bool {
        self.resource_types.iter().any(|t| t.has_action(action))
    }

    /// Every type x action of the schema, without wildcards: what "everything someone may do"
    /// is made of.
    pub fn concrete_permissions(&self) -> Vec<Permission> {
        self.granted_permissions(WILDCARD, WILDCARD)
            .into_iter()
            .filter(|p| p.resource_type != WILDCARD && p.action != WILDCARD)
            .collect()
    }

    /// Whether `permission` (a pattern or not) covers at least one type x action of the schema.
    pub fn covers_any(&self, permission: &Permission) -> bool {
        self.resource_types
            .iter()
            .filter(|t| permission.resource_type == WILDCARD || t.key == permission.resource_type)
            .any(|t| permission.action == WILDCARD || t.has_action(&permission.action))
    }

    /// What granting `resource:action` hands out, as far as it can be listed: the pattern
    /// itself and every type x action of the schema it covers. Anti-escalation checks each
    /// of these, so that a deny the granter is under (say `org:delete`) also blocks granting
    /// a wildcard (`org:*`).
    pub fn granted_permissions(&self, resource: &str, action: &str) -> Vec<Permission> {
        let (resource_type, resource_id) = match resource.split_once(':') {
            Some((t, id)) => (t, Some(id)),
            None => (resource, None),
        };
        // The pattern itself first, then each schema permission under it (the schema has no
        // duplicates, and none of them is a wildcard, so the pattern is the only one to skip).
        let pattern = Permission::parse(&format!("{resource}:{action}")).ok();
        let mut permissions: Vec<Permission> = pattern.iter().cloned().collect();
        for schema_type in self.resource_types.iter().filter(|t| resource_type == WILDCARD || t.key == resource_type) {
            for schema_action in schema_type.actions.iter().filter(|a| action == WILDCARD || a.key == action) {
                let permission = Permission {
                    resource_type: schema_type.key.clone(),
                    resource_id: resource_id.map(str::to_owned),
                    action: schema_action.key.clone(),
                };
                if pattern.as_ref() != Some(&permission) {
                    permissions.push(permission);
                }
            }
        }
        permissions
    }
}

fn problem(loc: &[&str], index: Option<usize>, tail: &[&str], kind: &str, msg: String) -> FieldError {
    let mut path: Vec<String> = loc.iter().map(|s| (*s).to_owned()).collect();
    path.extend(index.map(|i| i.to_string()));
    path.extend(tail.iter().map(|s| (*s).to_owned()));
    FieldError { loc: path, msg, kind: kind.to_owned() }
}

fn text_problem(text: &str, what: &str, max: usize, required: bool) -> Option<(&'static str, String)> {
    let length = text.trim().chars().count();
    if required && length == 0 {
        Some(("missing", format!("{what} is required")))
    } else if length > max {
        Some(("too_long", format!("{what} must be at most {max} characters")))
    } else {
        None
    }
}

fn key_problem(key: &str, what: &str) -> Option<(&'static str, String)> {
    if !is_key(key) || key.len() > MAX_KEY_CHARS {
        Some((
            "value_error.key",
            format!(
                "{what} \"{key}\" must be lowercase letters, digits and _, starting with a letter (at most {MAX_KEY_CHARS})"
            ),
        ))
    } else {
        None
    }
}

/// Checks the application part of a schema document (`resource_types` of
/// `PUT /v1/iam/permissions/schema`); every problem is located in the body.
pub fn validate_application_types(types: &[SchemaType]) -> Result<(), Vec<FieldError>> {
    let base = ["body", "resource_types"];
    let mut errors = Vec::new();
    if types.len() > MAX_TYPES {
        errors.push(problem(&base, None, &[], "too_long", format!("At most {MAX_TYPES} resource types")));
    }
    let builtins = builtin_types();
    for (i, t) in types.iter().enumerate() {
        let at = |tail: &[&str], (kind, msg): (&str, String)| problem(&base, Some(i), tail, kind, msg);
        if let Some(p) = key_problem(&t.key, "Resource type") {
            errors.push(at(&["key"], p));
        } else if builtins.iter().any(|b| b.key == t.key) {
            errors.push(at(
                &["key"],
                ("reserved", format!("\"{}\" is one of Warden's built-in types and cannot be changed", t.key)),
            ));
        } else if types[..i].iter().any(|earlier| earlier.key == t.key) {
            errors.push(at(&["key"], ("duplicate", format!("The resource type \"{}\" is listed twice", t.key))));
        }
        if let Some(p) = text_problem(&t.label, "Label", MAX_LABEL_CHARS, true) {
            errors.push(at(&["label"], p));
        }
        if let Some(p) = text_problem(&t.description, "Description", MAX_DESCRIPTION_CHARS, false) {
            errors.push(at(&["description"], p));
        }
        if t.actions.is_empty() {
            errors.push(at(&["actions"], ("empty", format!("\"{}\" needs at least one action", t.key))));
        } else if t.actions.len() > MAX_ACTIONS {
            errors.push(at(&["actions"], ("too_long", format!("At most {MAX_ACTIONS} actions per type"))));
        }
        for (j, a) in t.actions.iter().enumerate() {
            let index = j.to_string();
            let at_action = |field: &str, p| at(&["actions", &index, field], p);
            if let Some(p) = key_problem(&a.key, "Action") {
                errors.push(at_action("key", p));
            } else if t.actions[..j].iter().any(|earlier| earlier.key == a.key) {
                errors.push(at_action("key", ("duplicate", format!("The action \"{}\" is listed twice", a.key))));
            }
            if let Some(p) = text_problem(&a.label, "Label", MAX_LABEL_CHARS, true) {
                errors.push(at_action("label", p));
            }
            if let Some(p) = text_problem(&a.description, "Description", MAX_DESCRIPTION_CHARS, false) {
                errors.push(at_action("description", p));
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app_type(key: &str, actions: &[&str]) -> SchemaType {
        SchemaType {
            key: key.into(),
            label: key.to_uppercase(),
            description: String::new(),
            listable: true,
            builtin: false,
            actions: actions
                .iter()
                .map(|a| SchemaAction { key: (*a).into(), label: a.to_uppercase(), description: String::new() })
                .collect(),
        }
    }

    fn locs(result: Result<(), Vec<FieldError>>) -> Vec<(String, String)> {
        result.err().unwrap_or_default().into_iter().map(|e| (e.loc.join("."), e.kind)).collect()
    }

    #[test]
    fn a_good_document_passes() {
        assert_eq!(
            validate_application_types(&[app_type("project", &["read", "deploy"]), app_type("dataset", &["read"])]),
            Ok(())
        );
        assert_eq!(validate_application_types(&[]), Ok(()));
    }

    #[test]
    fn bad_documents_name_each_problem() {
        let mut unlabeled = app_type("report", &["read"]);
        unlabeled.label = " ".into();
        unlabeled.actions[0].label = String::new();
        let found = locs(validate_application_types(&[
            app_type("Project", &["read"]),
            app_type("org", &["read"]),
            app_type("dataset", &[]),
            app_type("dataset", &["read", "read", "Bad-Key"]),
            unlabeled,
        ]));
        assert_eq!(
            found,
            [
                ("body.resource_types.0.key".to_owned(), "value_error.key".to_owned()),
                ("body.resource_types.1.key".to_owned(), "reserved".to_owned()),
                ("body.resource_types.2.actions".to_owned(), "empty".to_owned()),
                ("body.resource_types.3.key".to_owned(), "duplicate".to_owned()),
                ("body.resource_types.3.actions.1.key".to_owned(), "duplicate".to_owned()),
                ("body.resource_types.3.actions.2.key".to_owned(), "value_error.key".to_owned()),
                ("body.resource_types.4.label".to_owned(), "missing".to_owned()),
                ("body.resource_types.4.actions.0.label".to_owned(), "missing".to_owned()),
            ]
        );
    }

    #[test]
    fn builtins_come_first_and_application_types_follow() {
        let schema = PermissionSchema::new(3, vec![app_type("project", &["read"])]);
        assert!(schema.resource_type("org").is_some_and(|t| t.builtin && t.has_action("move")));
        assert!(schema.resource_type("project").is_some_and(|t| !t.builtin && t.listable));
        assert_eq!(schema.application_types().len(), 1);
        assert!(schema.any_type_has_action("read"));
        assert!(!schema.any_type_has_action("fly"));
    }

    #[test]
    fn a_granted_wildcard_covers_every_permission_of_the_schema_under_it() {
        let schema = PermissionSchema::new(1, vec![app_type("project", &["read", "deploy"])]);
        let texts = |ps: Vec<Permission>| ps.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(texts(schema.granted_permissions("org", "read")), ["org:read"]);
        let org_all = texts(schema.granted_permissions("org", "*"));
        assert_eq!(org_all, ["org:*", "org:read", "org:create", "org:update", "org:delete", "org:move"]);
        let everything = schema.granted_permissions("*", "*");
        assert!(everything.iter().any(|p| p.to_string() == "*:*"));
        assert!(everything.iter().any(|p| p.to_string() == "audit:read"));
        assert!(everything.iter().any(|p| p.to_string() == "project:deploy"));
        let total: usize = schema.resource_types.iter().map(|t| t.actions.len()).sum();
        assert_eq!(everything.len(), 1 + total);
        assert_eq!(texts(schema.granted_permissions("project", "*")), ["project:*", "project:read", "project:deploy"]);
        assert_eq!(texts(schema.granted_permissions("project:p1", "deploy")), ["project:p1:deploy"]);
        for known in ["org:read", "org:*", "*:read", "project:p1:deploy", "*:*"] {
            assert!(schema.covers_any(&Permission::parse(known).unwrap()), "{known}");
        }
        for unknown in ["nothing:such", "org:deploy", "*:fly"] {
            assert!(!schema.covers_any(&Permission::parse(unknown).unwrap()), "{unknown}");
        }
    }
}
