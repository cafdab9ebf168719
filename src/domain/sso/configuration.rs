//! An organization's OpenID Connect provider: what an admin sets, what is shown back (never the
//! client secret), and the rules each field follows.

use serde::{Deserialize, Serialize};
use url::Url;

use super::mapping::MappingMode;
use crate::domain::FieldError;

pub const DEFAULT_SCOPES: [&str; 4] = ["openid", "email", "profile", "groups"];
pub const DEFAULT_GROUPS_CLAIM: &str = "groups";
const MAX_URL_CHARS: usize = 500;
const MAX_CLIENT_ID_CHARS: usize = 255;
const MAX_SECRET_CHARS: usize = 1000;
const MAX_SCOPES: usize = 20;
const MAX_SCOPE_CHARS: usize = 100;
const MAX_CLAIM_CHARS: usize = 200;
const MAX_DOMAINS: usize = 50;

/// The configuration as it is shown: everything but the client secret, of which only whether
/// one is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SsoConfiguration {
    pub org_id: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret_set: bool,
    pub scopes: Vec<String>,
    pub groups_claim: String,
    pub allowed_email_domains: Vec<String>,
    pub jit_provisioning: bool,
    pub mapping_mode: MappingMode,
    pub enabled: bool,
    /// The callback address to register at the provider.
    pub redirect_uri: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A change to the configuration: fields left out keep their value (or take their default when
/// there is no configuration yet). `mapping_mode` stays text so a wrong value gets a field error.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SsoChanges {
    /// The provider's issuer URL (`https`), where its discovery document is found.
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    /// Written only, never shown back. Left out (or empty), the stored one is kept, but only
    /// while the issuer and client id stay the same.
    pub client_secret: Option<String>,
    /// The scopes asked for at sign-in.
    pub scopes: Option<Vec<String>>,
    /// The ID token claim that carries the person's groups.
    pub groups_claim: Option<String>,
    /// The email domains allowed to sign in; none allows any.
    pub allowed_email_domains: Option<Vec<String>>,
    /// Whether the first sign-in of someone without an account creates one (this needs
    /// `allowed_email_domains`).
    pub jit_provisioning: Option<bool>,
    /// `additive` (SSO adds roles, never removes any) or `authoritative` (the roles SSO
    /// derived are exactly what the groups say at each sign-in).
    pub mapping_mode: Option<String>,
    pub enabled: Option<bool>,
    /// When given, the change applies only to this version (409 otherwise).
    pub version: Option<i64>,
}

/// A complete, checked configuration, ready to store. The secret is `None` when the stored one
/// is kept.
#[derive(Clone, PartialEq, Eq)]
pub struct CheckedSso {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub scopes: Vec<String>,
    pub groups_claim: String,
    pub allowed_email_domains: Vec<String>,
    pub jit_provisioning: bool,
    pub mapping_mode: MappingMode,
    pub enabled: bool,
}

// Written by hand so that no log line or panic message can carry the client secret.
impl std::fmt::Debug for SsoChanges {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoChanges")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "(hidden)"))
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for CheckedSso {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckedSso")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "(hidden)"))
            .finish_non_exhaustive()
    }
}

impl SsoChanges {
    /// Applies the change over `current` (or the defaults) and checks every field; each bad
    /// field gets its own error.
    pub fn check(self, current: Option<&SsoConfiguration>) -> Result<CheckedSso, Vec<FieldError>> {
        let mut errors = Vec::new();
        let issuer = self.issuer.or_else(|| current.map(|c| c.issuer.clone())).unwrap_or_default();
        let issuer = check_issuer(&issuer).map_err(|e| errors.push(e)).unwrap_or_default();
        let client_id = self.client_id.or_else(|| current.map(|c| c.client_id.clone())).unwrap_or_default();
        let client_id = client_id.trim().to_owned();
        if client_id.is_empty() || client_id.chars().count() > MAX_CLIENT_ID_CHARS || has_control(&client_id) {
            errors.push(FieldError::new(
                "client_id",
                "value_error.client_id",
                format!("Enter the client id the provider gave you (1 to {MAX_CLIENT_ID_CHARS} characters)"),
            ));
        }
        // The stored secret is kept only for the same provider and client: pointed elsewhere, it
        // would be sent to whoever answers there.
        let same_client =
            current.is_some_and(|c| c.client_secret_set && c.issuer == issuer && c.client_id == client_id);
        let client_secret = match self.client_secret.map(|s| s.trim().to_owned()) {
            Some(secret)
                if !secret.is_empty() && secret.chars().count() <= MAX_SECRET_CHARS && !has_control(&secret) =>
            {
                Some(secret)
            }
            Some(secret) if secret.is_empty() && same_client => None,
            None if same_client => None,
            _ if current.is_some_and(|c| c.client_secret_set) => {
                errors.push(FieldError::new(
                    "client_secret",
                    "value_error.client_secret",
                    "Enter the client secret again: the issuer or client id changed",
                ));
                None
            }
            _ => {
                errors.push(FieldError::new(
                    "client_secret",
                    "value_error.client_secret",
                    format!("Enter the client secret the provider gave you (1 to {MAX_SECRET_CHARS} characters)"),
                ));
                None
            }
        };
        let scopes = self
            .scopes
            .or_else(|| current.map(|c| c.scopes.clone()))
            .unwrap_or_else(|| DEFAULT_SCOPES.map(str::to_owned).to_vec());
        check_scopes(&scopes, &mut errors);
        let groups_claim = self
            .groups_claim
            .or_else(|| current.map(|c| c.groups_claim.clone()))
            .unwrap_or(DEFAULT_GROUPS_CLAIM.into());
        let groups_claim = groups_claim.trim().to_owned();
        if groups_claim.is_empty()
            || groups_claim.chars().count() > MAX_CLAIM_CHARS
            || groups_claim.split('.').any(|step| step.is_empty() || step.chars().any(char::is_whitespace))
        {
            errors.push(FieldError::new(
                "groups_claim",
                "value_error.claim",
                "Name the claim that carries groups, like groups or realm_access.roles",
            ));
        }
        let domains =
            self.allowed_email_domains.or_else(|| current.map(|c| c.allowed_email_domains.clone())).unwrap_or_default();
        let allowed_email_domains = check_domains(&domains, &mut errors);
        let jit_provisioning = self.jit_provisioning.or(current.map(|c| c.jit_provisioning)).unwrap_or(false);
        if jit_provisioning
            && allowed_email_domains.is_empty()
            && !errors.iter().any(|e| e.field() == "allowed_email_domains")
        {
            errors.push(FieldError::new(
                "allowed_email_domains",
                "value_error.domains_required",
                "List the email domains whose people may get an account at first sign-in",
            ));
        }
        let mapping_mode = match self.mapping_mode {
            Some(text) => MappingMode::parse(text.trim()).unwrap_or_else(|| {
                errors.push(FieldError::new(
                    "mapping_mode",
                    "value_error.mapping_mode",
                    "The mapping mode is additive or authoritative",
                ));
                MappingMode::default()
            }),
            None => current.map(|c| c.mapping_mode).unwrap_or_default(),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CheckedSso {
            issuer,
            client_id,
            client_secret,
            scopes,
            groups_claim,
            allowed_email_domains,
            jit_provisioning,
            mapping_mode,
            enabled: self.enabled.or(current.map(|c| c.enabled)).unwrap_or(true),
        })
    }
}

fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// Whether `host` is this machine, where plain HTTP is allowed (test and development providers).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn check_issuer(input: &str) -> Result<String, FieldError> {
    let issuer = input.trim();
    let invalid = |msg: &str| FieldError::new("issuer", "value_error.url", msg);
    if issuer.is_empty() {
        return Err(FieldError::new(
            "issuer",
            "missing",
            "Enter the provider's issuer URL, like https://login.example.com",
        ));
    }
    if issuer.chars().count() > MAX_URL_CHARS {
        return Err(invalid(&format!("The issuer URL is at most {MAX_URL_CHARS} characters")));
    }
    let url = Url::parse(issuer).map_err(|_| invalid("Enter a full URL, like https://login.example.com"))?;
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("An issuer URL has no query, fragment or credentials"));
    }
    match url.scheme() {
        "https" => Ok(issuer.to_owned()),
        "http" if is_loopback(&url) => Ok(issuer.to_owned()),
        "http" => Err(invalid("The issuer must use HTTPS (plain HTTP only on this machine, for testing)")),
        _ => Err(invalid("Enter an https:// URL")),
    }
}

fn check_scopes(scopes: &[String], errors: &mut Vec<FieldError>) {
    if scopes.len() > MAX_SCOPES {
        errors.push(FieldError::item("scopes", None, "too_long", format!("At most {MAX_SCOPES} scopes")));
        return;
    }
    for (index, scope) in scopes.iter().enumerate() {
        let fine = !scope.is_empty()
            && scope.len() <= MAX_SCOPE_CHARS
            && scope.chars().all(|c| c.is_ascii_graphic() && c != '"' && c != '\\');
        if !fine {
            errors.push(FieldError::item(
                "scopes",
                Some(index),
                "value_error.scope",
                "A scope is one word, like email",
            ));
        } else if scopes[..index].contains(scope) {
            errors.push(FieldError::item("scopes", Some(index), "duplicate", format!("\"{scope}\" is listed twice")));
        }
    }
    if !scopes.iter().any(|s| s == "openid") {
        errors.push(FieldError::new("scopes", "value_error.openid", "The scopes must include openid"));
    }
}

/// Lower-cased, without a leading `@`; each must look like a domain name.
fn check_domains(domains: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    if domains.len() > MAX_DOMAINS {
        errors.push(FieldError::item(
            "allowed_email_domains",
            None,
            "too_long",
            format!("At most {MAX_DOMAINS} domains"),
        ));
        return Vec::new();
    }
    let mut checked: Vec<String> = Vec::new();
    for (index, domain) in domains.iter().enumerate() {
        let domain = domain.trim().trim_start_matches('@').to_lowercase();
        let labels_fine = domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
        if domain.len() > 253 || !domain.contains('.') || !labels_fine {
            errors.push(FieldError::item(
                "allowed_email_domains",
                Some(index),
                "value_error.domain",
                "Enter a domain like example.com",
            ));
        } else if checked.contains(&domain) {
            errors.push(FieldError::item(
                "allowed_email_domains",
                Some(index),
                "duplicate",
                format!("\"{domain}\" is listed twice"),
            ));
        } else {
            checked.push(domain);
        }
    }
    checked
}

/// The part of an email address after the `@`, lower-cased.
pub fn email_domain(email: &str) -> Option<String> {
    email.trim().rsplit_once('@').map(|(_, domain)| domain.to_lowercase()).filter(|d| !d.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: &[FieldError]) -> Vec<String> {
        errors.iter().map(|e| e.loc.join(".")).collect()
    }

    fn valid() -> SsoChanges {
        SsoChanges {
            issuer: Some("https://login.example.com".into()),
            client_id: Some("warden".into()),
            client_secret: Some("s3cret".into()),
            ..SsoChanges::default()
        }
    }

    #[test]
    fn defaults_fill_what_is_left_out() {
        let checked = valid().check(None).expect("valid");
        assert_eq!(checked.scopes, ["openid", "email", "profile", "groups"]);
        assert_eq!(checked.groups_claim, "groups");
        assert_eq!(checked.mapping_mode, MappingMode::Additive);
        assert!(checked.enabled && !checked.jit_provisioning);
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = SsoChanges {
            issuer: Some("http://login.example.com".into()),
            client_id: Some(" ".into()),
            client_secret: None,
            scopes: Some(vec!["email".into(), "email".into()]),
            groups_claim: Some("a..b".into()),
            allowed_email_domains: Some(vec!["acme.com".into(), "not a domain".into()]),
            mapping_mode: Some("sometimes".into()),
            ..SsoChanges::default()
        };
        let errors = bad.check(None).expect_err("invalid");
        let mut named = fields(&errors);
        named.sort();
        let mut expected = [
            "body.allowed_email_domains.1",
            "body.client_id",
            "body.client_secret",
            "body.groups_claim",
            "body.issuer",
            "body.mapping_mode",
            "body.scopes",
            "body.scopes.1",
        ];
        expected.sort();
        assert_eq!(named, expected);
    }

    #[test]
    fn http_only_on_loopback_and_the_secret_is_kept_when_left_out() {
        let local = SsoChanges { issuer: Some("http://127.0.0.1:4000".into()), ..valid() };
        assert!(local.check(None).is_ok());
        let current = SsoConfiguration {
            org_id: "o".into(),
            issuer: "https://login.example.com".into(),
            client_id: "warden".into(),
            client_secret_set: true,
            scopes: vec!["openid".into()],
            groups_claim: "groups".into(),
            allowed_email_domains: vec!["acme.com".into()],
            jit_provisioning: true,
            mapping_mode: MappingMode::Authoritative,
            enabled: true,
            redirect_uri: String::new(),
            version: 1,
            created_at: String::new(),
            updated_at: String::new(),
        };
        let kept = SsoChanges { enabled: Some(false), ..SsoChanges::default() }.check(Some(&current)).expect("valid");
        assert_eq!(kept.client_secret, None, "the stored secret is kept");
        assert_eq!(kept.mapping_mode, MappingMode::Authoritative);
        assert!(!kept.enabled && kept.jit_provisioning);
        assert_eq!(email_domain("Ann@ACME.com").as_deref(), Some("acme.com"));

        let elsewhere = SsoChanges { issuer: Some("https://evil.example.com".into()), ..SsoChanges::default() };
        let errors = elsewhere.check(Some(&current)).expect_err("the secret must come again");
        assert_eq!(fields(&errors), ["body.client_secret"]);
        let debug = format!("{:?}", valid());
        assert!(!debug.contains("s3cret"), "{debug}");
        let jit = SsoChanges { jit_provisioning: Some(true), ..valid() };
        assert_eq!(fields(&jit.check(None).expect_err("domains needed")), ["body.allowed_email_domains"]);
    }
}
