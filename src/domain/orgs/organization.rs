//! The organization: its fields (the names API clients expect), its settings' validation, and
//! the shapes it is shown in (a node of the tree, a link on a path, a deletion's impact).

use serde::Serialize;
use serde_json::Value;

use super::rules;
use crate::domain::{DomainError, DomainResult, FieldError};

pub const MAX_METADATA_BYTES: usize = 16 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    pub contact_email: String,
    pub updates_email: Option<String>,
    pub parent_organization_id: Option<String>,
    pub can_have_child_organizations: bool,
    pub parent_has_access: bool,
    pub parent_has_access_to_descendants: bool,
    pub logo_url: Option<String>,
    pub metadata: Value,
    pub created_at: String,
    pub updated_at: String,
    pub created_by: Option<String>,
    pub version: i64,
}

/// The settings of an organization that its admins edit (everything but its place in the tree).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationSettings {
    pub name: String,
    pub code: Option<String>,
    pub contact_email: String,
    pub updates_email: Option<String>,
    pub can_have_child_organizations: bool,
    pub parent_has_access: bool,
    pub parent_has_access_to_descendants: bool,
    pub logo_url: Option<String>,
    pub metadata: Value,
}

impl OrganizationSettings {
    /// An organization named `name` that may have children and gives its parent access to it
    /// and below, with nothing else set (for tools and tests that build trees).
    pub fn open(name: impl Into<String>, contact_email: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            code: None,
            contact_email: contact_email.into(),
            updates_email: None,
            can_have_child_organizations: true,
            parent_has_access: true,
            parent_has_access_to_descendants: true,
            logo_url: None,
            metadata: Value::Object(serde_json::Map::new()),
        }
    }

    pub fn of(org: &Organization) -> Self {
        Self {
            name: org.name.clone(),
            code: org.code.clone(),
            contact_email: org.contact_email.clone(),
            updates_email: org.updates_email.clone(),
            can_have_child_organizations: org.can_have_child_organizations,
            parent_has_access: org.parent_has_access,
            parent_has_access_to_descendants: org.parent_has_access_to_descendants,
            logo_url: org.logo_url.clone(),
            metadata: org.metadata.clone(),
        }
    }

    /// Trims and checks every field, reporting all problems at once.
    pub fn validated(mut self) -> DomainResult<Self> {
        let mut errors = Vec::new();
        let mut check = |field: &str, kind: &str, problem: Option<String>| {
            if let Some(message) = problem {
                errors.push(FieldError::new(field, kind, message));
            }
        };
        self.name = self.name.trim().to_owned();
        check("name", "value_error.name", rules::name_problem(&self.name));
        self.code = self.code.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        check("code", "pattern", self.code.as_deref().and_then(rules::code_problem));
        self.contact_email = self.contact_email.trim().to_owned();
        check("contact_email", "value_error.email", rules::required_email_problem(&self.contact_email));
        self.updates_email = self.updates_email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty());
        check(
            "updates_email",
            "value_error.email",
            self.updates_email.as_deref().and_then(rules::optional_email_problem),
        );
        self.logo_url = self.logo_url.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty());
        check("logo_url", "url_scheme", self.logo_url.as_deref().and_then(rules::logo_url_problem));
        if !self.metadata.is_object() {
            check("metadata", "type", Some("Metadata must be a JSON object".into()));
        } else if self.metadata.to_string().len() > MAX_METADATA_BYTES {
            check("metadata", "too_large", Some("Metadata must be at most 16 KiB".into()));
        }
        if errors.is_empty() { Ok(self) } else { Err(DomainError::Invalid(errors)) }
    }
}

/// An org as a node of the tree: what whoever may read its parent sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrganizationNode {
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    pub parent_organization_id: Option<String>,
    pub can_have_child_organizations: bool,
    pub child_count: i64,
    pub member_count: i64,
}

/// An organization on a path: enough to name it and link to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganizationLink {
    pub id: String,
    pub name: String,
    pub parent_organization_id: Option<String>,
}

/// What deleting a subtree takes with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeletionImpact {
    pub organizations: i64,
    pub memberships: i64,
    pub roles: i64,
    pub policies: i64,
    /// API tokens restricted to an organization of the subtree: deleted with it.
    pub api_tokens: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> OrganizationSettings {
        OrganizationSettings {
            name: "  Acme  ".into(),
            code: Some("acme-1".into()),
            contact_email: "ops@acme.example".into(),
            updates_email: None,
            can_have_child_organizations: true,
            parent_has_access: true,
            parent_has_access_to_descendants: true,
            logo_url: Some("https://acme.example/logo.png".into()),
            metadata: serde_json::json!({"tier": "gold"}),
        }
    }

    fn fields(result: DomainResult<OrganizationSettings>) -> Vec<String> {
        match result {
            Err(DomainError::Invalid(errors)) => errors.iter().map(|e| e.field().to_owned()).collect(),
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn valid_settings_are_trimmed() {
        let s = settings().validated().expect("valid");
        assert_eq!(s.name, "Acme");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = OrganizationSettings {
            name: "   ".into(),
            code: Some("Not Valid".into()),
            contact_email: "nope".into(),
            updates_email: Some("also nope".into()),
            logo_url: Some("javascript:alert(1)".into()),
            metadata: serde_json::json!([1, 2]),
            ..settings()
        };
        assert_eq!(fields(bad.validated()), ["name", "code", "contact_email", "updates_email", "logo_url", "metadata"]);
    }

    #[test]
    fn limits_name_code_and_metadata_sizes() {
        let long_name = OrganizationSettings { name: "x".repeat(201), ..settings() };
        assert_eq!(fields(long_name.validated()), ["name"]);
        assert!(OrganizationSettings { name: "x".repeat(200), ..settings() }.validated().is_ok());
        for bad_code in ["a", &"a".repeat(65), "UPPER", "under_score"] {
            assert_eq!(
                fields(OrganizationSettings { code: Some(bad_code.into()), ..settings() }.validated()),
                ["code"]
            );
        }
        let big = serde_json::json!({ "blob": "x".repeat(MAX_METADATA_BYTES) });
        assert_eq!(fields(OrganizationSettings { metadata: big, ..settings() }.validated()), ["metadata"]);
        assert_eq!(
            fields(OrganizationSettings { logo_url: Some("ftp://x.example/a".into()), ..settings() }.validated()),
            ["logo_url"]
        );
    }
}
