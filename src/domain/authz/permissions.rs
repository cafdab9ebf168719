//! Permissions: `resource_type:action`, or `resource_type:resource_id:action` for one
//! instance. `*` stands for any type or any action, so Super Admin holds `*:*`.
//!
//! Pure code, compiled for the browser too (the policy editor parses as the admin types).

use std::fmt;

use serde::{Deserialize, Serialize};

pub const WILDCARD: &str = "*";

/// A built-in resource type and its actions: Warden's own objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceType {
    pub key: &'static str,
    pub label: &'static str,
    pub description: &'static str,
    pub actions: &'static [(&'static str, &'static str)],
}

/// The one table of built-in resource types and actions (the schema picker lists these).
pub const BUILTIN_RESOURCE_TYPES: &[ResourceType] = &[
    ResourceType {
        key: "org",
        label: "Organization",
        description: "Organizations, their settings and their place in the tree",
        actions: &[
            ("read", "See the organization"),
            ("create", "Create child organizations"),
            ("update", "Change settings and access flags"),
            ("delete", "Delete child organizations with everything in them"),
            ("move", "Move child organizations elsewhere in the tree"),
        ],
    },
    ResourceType {
        key: "member",
        label: "Member",
        description: "Who belongs to the organization, with which roles",
        actions: &[
            ("read", "See members"),
            ("assign", "Add members and set their roles"),
            ("remove", "Remove members"),
        ],
    },
    ResourceType {
        key: "role",
        label: "Role",
        description: "Named sets of policies",
        actions: &[
            ("read", "See roles"),
            ("create", "Create roles"),
            ("update", "Change roles"),
            ("delete", "Delete roles"),
        ],
    },
    ResourceType {
        key: "policy",
        label: "Policy",
        description: "Named sets of permissions",
        actions: &[
            ("read", "See policies"),
            ("create", "Create policies"),
            ("update", "Change policies"),
            ("delete", "Delete policies"),
        ],
    },
    ResourceType {
        key: "token",
        label: "API token",
        description: "Self-service tokens for the REST API",
        actions: &[("read", "See tokens"), ("create", "Create tokens"), ("revoke", "Revoke tokens")],
    },
    ResourceType {
        key: "sso",
        label: "Single sign-on",
        description: "The organization's OIDC login and group mapping",
        actions: &[("read", "See the SSO configuration"), ("update", "Change the SSO configuration")],
    },
    ResourceType {
        key: "resource",
        label: "Resource catalog",
        description: "The resource instances that applications register, which policies can name one by one",
        actions: &[
            ("read", "See registered resources"),
            ("register", "Register and rename resources"),
            ("remove", "Remove registered resources"),
        ],
    },
    ResourceType {
        key: "audit",
        label: "Audit log",
        description: "The record of every change",
        actions: &[("read", "Read the audit log")],
    },
];

/// A requested permission: what someone wants to do.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Permission {
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub action: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PermissionParseError {
    #[error("expected resource_type:action or resource_type:resource_id:action, got {0:?}")]
    Shape(String),
    #[error("{0:?} is not a valid resource type (lowercase letters, digits and _, starting with a letter, or *)")]
    ResourceType(String),
    #[error("{0:?} is not a valid action (lowercase letters, digits and _, or *)")]
    Action(String),
    #[error("{0:?} is not a valid resource id")]
    ResourceId(String),
}

/// A resource type or action key: `[a-z][a-z0-9_]*`.
pub fn is_key(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl Permission {
    pub fn new(resource_type: &str, action: &str) -> Self {
        Self { resource_type: resource_type.to_owned(), resource_id: None, action: action.to_owned() }
    }

    pub fn on_instance(resource_type: &str, resource_id: &str, action: &str) -> Self {
        Self {
            resource_type: resource_type.to_owned(),
            resource_id: Some(resource_id.to_owned()),
            action: action.to_owned(),
        }
    }

    pub fn parse(text: &str) -> Result<Self, PermissionParseError> {
        let parts: Vec<&str> = text.trim().split(':').collect();
        let (resource_type, resource_id, action) = match parts.as_slice() {
            [t, a] => (*t, None, *a),
            [t, id, a] => (*t, Some(*id), *a),
            _ => return Err(PermissionParseError::Shape(text.to_owned())),
        };
        if resource_type != WILDCARD && !is_key(resource_type) {
            return Err(PermissionParseError::ResourceType(resource_type.to_owned()));
        }
        if action != WILDCARD && !is_key(action) {
            return Err(PermissionParseError::Action(action.to_owned()));
        }
        if let Some(id) = resource_id
            && (id.is_empty() || id == WILDCARD || id.len() > 200 || id.chars().any(|c| c.is_whitespace() || c == ':'))
        {
            return Err(PermissionParseError::ResourceId(id.to_owned()));
        }
        if resource_type == WILDCARD && resource_id.is_some() {
            return Err(PermissionParseError::ResourceId(text.to_owned()));
        }
        Ok(Self {
            resource_type: resource_type.to_owned(),
            resource_id: resource_id.map(str::to_owned),
            action: action.to_owned(),
        })
    }

    /// The resource part as a statement writes it: `type` or `type:id`.
    pub fn resource(&self) -> String {
        match &self.resource_id {
            Some(id) => format!("{}:{id}", self.resource_type),
            None => self.resource_type.clone(),
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.resource(), self.action)
    }
}

/// Whether a statement's resource pattern (`*`, `type`, `type:id`) covers a requested
/// permission's resource. A type-wide pattern covers every instance; an instance pattern
/// covers only that instance, never the type as a whole.
pub fn resource_matches(pattern: &str, permission: &Permission) -> bool {
    if pattern == WILDCARD {
        return true;
    }
    match pattern.split_once(':') {
        None => pattern == permission.resource_type,
        Some((pattern_type, pattern_id)) => {
            pattern_type == permission.resource_type && permission.resource_id.as_deref() == Some(pattern_id)
        }
    }
}

pub fn action_matches(pattern: &str, permission: &Permission) -> bool {
    pattern == WILDCARD || pattern == permission.action
}

/// Whether a statement's resource pattern covers any part of what `permission` stands for:
/// like [`resource_matches`], and also an instance of a type-wide permission (`project:p1`
/// overlaps `project`), and anything of a wildcard permission.
pub fn resource_overlaps(pattern: &str, permission: &Permission) -> bool {
    if pattern == WILDCARD || permission.resource_type == WILDCARD {
        return true;
    }
    match (pattern.split_once(':'), &permission.resource_id) {
        (None, _) => pattern == permission.resource_type,
        (Some((pattern_type, _)), None) => pattern_type == permission.resource_type,
        (Some((pattern_type, pattern_id)), Some(id)) => pattern_type == permission.resource_type && pattern_id == id,
    }
}

/// Whether an action pattern covers any part of `permission`'s action.
pub fn action_overlaps(pattern: &str, permission: &Permission) -> bool {
    pattern == WILDCARD || permission.action == WILDCARD || pattern == permission.action
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_type_wide_and_instance_permissions() {
        assert_eq!(Permission::parse("org:read"), Ok(Permission::new("org", "read")));
        assert_eq!(Permission::parse("project:p-1:update"), Ok(Permission::on_instance("project", "p-1", "update")));
        assert_eq!(Permission::parse("*:*"), Ok(Permission::new("*", "*")));
        assert_eq!(Permission::parse("org:*").map(|p| p.to_string()), Ok("org:*".to_owned()));
    }

    #[test]
    fn refuses_malformed_permissions() {
        for bad in [
            "",
            "org",
            "org:read:x:y",
            "Org:read",
            "org:Read",
            "1org:read",
            "org:p 1:read",
            "*:p1:read",
            "org::read",
            "org:*:read",
        ] {
            assert!(Permission::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn round_trips_through_text() {
        for text in ["org:read", "project:p-1:update", "*:*", "member:*"] {
            assert_eq!(Permission::parse(text).map(|p| p.to_string()).as_deref(), Ok(text));
        }
    }

    #[test]
    fn type_patterns_cover_instances_but_not_the_reverse() {
        let on_instance = Permission::on_instance("project", "p1", "read");
        let type_wide = Permission::new("project", "read");
        assert!(resource_matches("project", &on_instance));
        assert!(resource_matches("project", &type_wide));
        assert!(resource_matches("project:p1", &on_instance));
        assert!(!resource_matches("project:p1", &type_wide));
        assert!(!resource_matches("project:p2", &on_instance));
        assert!(resource_matches("*", &on_instance));
        assert!(!resource_matches("org", &type_wide));
    }

    #[test]
    fn the_builtin_table_covers_warden_objects() {
        let keys: Vec<_> = BUILTIN_RESOURCE_TYPES.iter().map(|t| t.key).collect();
        assert_eq!(keys, ["org", "member", "role", "policy", "token", "sso", "resource", "audit"]);
        let org = &BUILTIN_RESOURCE_TYPES[0];
        let actions: Vec<_> = org.actions.iter().map(|(a, _)| *a).collect();
        assert_eq!(actions, ["read", "create", "update", "delete", "move"]);
    }
}
