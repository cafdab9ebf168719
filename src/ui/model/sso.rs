//! Single sign-on as its pages show it: the configuration (never the client secret), the
//! roles with their IdP group names, the groups that map to nothing, test connection's report
//! and the test bench's answer.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SsoConfigurationView {
    pub issuer: String,
    pub client_id: String,
    pub client_secret_set: bool,
    pub scopes: String,
    pub groups_claim: String,
    pub allowed_email_domains: String,
    pub jit_provisioning: bool,
    pub mapping_mode: String,
    pub enabled: bool,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGroupsRow {
    pub role_id: String,
    pub name: String,
    pub is_default: bool,
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmappedGroupRow {
    pub group: String,
    pub users: usize,
}

/// `/orgs/:id/sso`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoSetupView {
    pub org_id: String,
    pub org_name: String,
    pub configuration: Option<SsoConfigurationView>,
    pub redirect_uri: String,
    pub roles: Vec<RoleGroupsRow>,
    /// The groups that map to nothing carried by most people.
    pub unmapped_groups: Vec<UnmappedGroupRow>,
    /// How many groups map to nothing in all.
    pub unmapped_total: usize,
    pub may_update: bool,
    pub secrets_available: bool,
    /// Whether the reader may open the organization's audit log (and so this configuration's
    /// history).
    pub may_read_history: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionCheckRow {
    pub check: String,
    pub ok: bool,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionReportView {
    pub ok: bool,
    pub checks: Vec<ConnectionCheckRow>,
}

/// The test bench's answer for one mapping (the saved one, or the edits being tried).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewView {
    pub groups: Vec<String>,
    /// Each role the groups give, with why ("group engineering", "default role").
    pub derived: Vec<(String, String)>,
    pub unmapped_groups: Vec<String>,
    pub resulting_roles: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub permissions: Vec<String>,
}

/// Saved mapping, and the edits being tried when they differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestBenchView {
    pub saved: PreviewView,
    pub draft: Option<PreviewView>,
    pub compared_with: Option<String>,
}

/// An organization to sign in to (several share an email domain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoChoiceRow {
    pub org_id: String,
    pub name: String,
}

#[cfg(feature = "ssr")]
mod from_domain {
    use super::*;
    use crate::domain::sso::{ConnectionReport, SsoConfiguration, SsoPreview};

    impl From<SsoConfiguration> for SsoConfigurationView {
        fn from(c: SsoConfiguration) -> Self {
            Self {
                issuer: c.issuer,
                client_id: c.client_id,
                client_secret_set: c.client_secret_set,
                scopes: c.scopes.join(" "),
                groups_claim: c.groups_claim,
                allowed_email_domains: c.allowed_email_domains.join(", "),
                jit_provisioning: c.jit_provisioning,
                mapping_mode: c.mapping_mode.as_str().to_owned(),
                enabled: c.enabled,
                version: c.version,
            }
        }
    }

    impl From<ConnectionReport> for ConnectionReportView {
        fn from(r: ConnectionReport) -> Self {
            Self {
                ok: r.ok,
                checks: r
                    .checks
                    .into_iter()
                    .map(|c| ConnectionCheckRow { check: c.check.to_owned(), ok: c.ok, message: c.message })
                    .collect(),
            }
        }
    }

    impl From<SsoPreview> for PreviewView {
        fn from(p: SsoPreview) -> Self {
            Self {
                groups: p.groups,
                derived: p
                    .derived
                    .into_iter()
                    .map(|d| {
                        let why = d.group.map(|g| format!("group {g}")).unwrap_or_else(|| "default role".to_owned());
                        (d.name, why)
                    })
                    .collect(),
                unmapped_groups: p.unmapped_groups,
                resulting_roles: p.resulting_roles,
                added: p.added,
                removed: p.removed,
                permissions: p.permissions,
            }
        }
    }
}
