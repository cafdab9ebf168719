//! Single sign-on: an organization connects its OpenID Connect provider, its people sign in
//! with it, and the groups the provider sends become roles.
//!
//! - `configuration`: what an admin sets, and its rules; `secret_box`: the client secret sealed
//!   at rest;
//! - `provider`: what the domain asks of an OpenID provider (discovery, the authorization
//!   request, the verified code exchange), implemented by the server; `connection_test`: "test
//!   connection", checked against what the provider publishes;
//! - `claims` and `mapping`: groups out of the ID token, and roles out of the groups (pure);
//! - `read`, `write`: the configuration and its setup page; `preview`: the test bench;
//!   `sign_in`: starting and finishing a sign-in.

pub mod failure;
pub use failure::SsoFailure;

#[cfg(feature = "ssr")]
pub mod claims;
#[cfg(feature = "ssr")]
pub mod configuration;
#[cfg(feature = "ssr")]
pub mod connection_test;
#[cfg(feature = "ssr")]
pub mod mapping;
#[cfg(feature = "ssr")]
pub mod preview;
#[cfg(feature = "ssr")]
pub mod provider;
#[cfg(feature = "ssr")]
mod read;
#[cfg(feature = "ssr")]
pub mod secret_box;
#[cfg(feature = "ssr")]
mod sign_in;
#[cfg(feature = "ssr")]
mod storage;
#[cfg(feature = "ssr")]
mod write;

#[cfg(feature = "ssr")]
pub use {
    configuration::{SsoChanges, SsoConfiguration},
    connection_test::{ConnectionCheck, ConnectionReport},
    mapping::{DerivedRole, MappingMode, RoleSource},
    preview::{SsoPreview, SsoPreviewInput},
    read::{SsoSetupPage, UnmappedGroup, UnmappedGroupPage},
    secret_box::SecretKeys,
    sign_in::{SsoCallback, SsoChoice, SsoSignedIn, SsoStart},
};

#[cfg(feature = "ssr")]
use crate::domain::{DomainError, authz::permissions::Permission};

/// What the server tells the domain about SSO: the callback address providers send people back
/// to, the keys that seal client secrets (`None`: SSO cannot be configured), and the client
/// that talks to providers.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone)]
pub struct SsoSettings {
    pub redirect_uri: String,
    pub keys: Option<SecretKeys>,
    pub provider: std::sync::Arc<dyn provider::OidcProvider>,
}

#[cfg(feature = "ssr")]
impl Default for SsoSettings {
    fn default() -> Self {
        Self { redirect_uri: String::new(), keys: None, provider: std::sync::Arc::new(provider::NoProvider) }
    }
}

#[cfg(feature = "ssr")]
fn sso_permission(action: &str) -> Permission {
    Permission::new("sso", action)
}

#[cfg(feature = "ssr")]
fn not_configured(org_id: &str) -> DomainError {
    DomainError::NotFound { resource_type: "sso_configuration", resource_id: org_id.to_owned() }
}
