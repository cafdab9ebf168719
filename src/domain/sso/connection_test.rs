//! "Test connection": fetches the provider's discovery document and keys and says in plain
//! words what is wrong, one finding per check, before anyone tries to sign in.

use serde::Serialize;
use serde_json::Value;
use url::Url;

use super::{
    configuration::is_loopback,
    provider::{OidcProvider, ProviderProblem},
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ConnectionCheck {
    /// `https`, `reachable`, `issuer`, `authorization_code`, `signing_keys`, `algorithms`, `metadata`.
    pub check: &'static str,
    pub ok: bool,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ConnectionReport {
    pub ok: bool,
    pub checks: Vec<ConnectionCheck>,
}

impl ConnectionReport {
    fn pass(&mut self, check: &'static str, message: impl Into<String>) {
        self.checks.push(ConnectionCheck { check, ok: true, message: message.into() });
    }

    fn fail(mut self, check: &'static str, message: impl Into<String>) -> Self {
        self.checks.push(ConnectionCheck { check, ok: false, message: message.into() });
        self.ok = false;
        self
    }
}

/// Runs every check in order; the first failing one ends the test (later ones depend on it).
pub async fn test_connection(provider: &dyn OidcProvider, issuer: &str) -> ConnectionReport {
    let mut report = ConnectionReport { ok: true, checks: Vec::new() };
    let Ok(url) = Url::parse(issuer) else {
        return report.fail("https", format!("\"{issuer}\" is not a URL."));
    };
    if url.scheme() != "https" && !is_loopback(&url) {
        return report.fail("https", "The issuer does not use HTTPS. Plain HTTP is allowed only on this machine.");
    }
    report.pass("https", "The issuer uses HTTPS (or is on this machine).");
    let discovery_url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
    let document = match provider.fetch_json(&discovery_url).await {
        Ok(document) => document,
        Err(problem) => return report.fail("reachable", problem),
    };
    report.pass("reachable", format!("Fetched {discovery_url}."));

    let said = document.get("issuer").and_then(Value::as_str).unwrap_or("(none)");
    if said != issuer {
        return report.fail(
            "issuer",
            format!("Issuer mismatch: the provider calls itself \"{said}\", but the configuration says \"{issuer}\". Use exactly the provider's value."),
        );
    }
    report.pass("issuer", "The provider's issuer matches.");

    let listed = |field: &str| -> Option<Vec<String>> {
        document
            .get(field)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
    };
    // Without grant_types_supported the default is authorization_code and implicit.
    let code_grant = listed("grant_types_supported").is_none_or(|g| g.iter().any(|g| g == "authorization_code"));
    let code_response = listed("response_types_supported").is_some_and(|r| r.iter().any(|r| r == "code"));
    if !code_grant || !code_response {
        return report.fail(
            "authorization_code",
            "The provider does not support the authorization code flow, which Warden uses.",
        );
    }
    report.pass("authorization_code", "The authorization code flow is supported.");

    let algorithms = listed("id_token_signing_alg_values_supported").unwrap_or_default();
    let supported = provider.supported_algorithms();
    let usable: Vec<&String> = algorithms.iter().filter(|a| supported.contains(&a.as_str())).collect();
    if usable.is_empty() {
        return report.fail(
            "algorithms",
            format!(
                "Unsupported algorithm: the provider signs ID tokens with {} and Warden verifies {}.",
                if algorithms.is_empty() { "nothing it names".to_owned() } else { algorithms.join(", ") },
                supported.join(", ")
            ),
        );
    }
    report.pass(
        "algorithms",
        format!("ID tokens are signed with {}.", usable.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", ")),
    );

    let Some(jwks_uri) = document.get("jwks_uri").and_then(Value::as_str) else {
        return report.fail("signing_keys", "The discovery document names no jwks_uri, so there are no signing keys.");
    };
    let keys = match provider.fetch_json(jwks_uri).await {
        Ok(set) => set.get("keys").and_then(Value::as_array).cloned().unwrap_or_default(),
        Err(problem) => {
            return report.fail("signing_keys", format!("The signing keys could not be fetched: {problem}"));
        }
    };
    let signing = keys.iter().filter(|k| k.get("use").and_then(Value::as_str).is_none_or(|u| u == "sig")).count();
    if signing == 0 {
        return report.fail("signing_keys", "The provider publishes no signing keys.");
    }
    report.pass("signing_keys", format!("{signing} signing key(s) published."));

    // Last, the library that signs users in must accept the metadata as a whole.
    match provider.check_metadata(issuer).await {
        Ok(_) => report.pass("metadata", "The provider's metadata is complete and valid."),
        Err(ProviderProblem::Unreachable(e) | ProviderProblem::Invalid(e)) => {
            return report.fail("metadata", format!("The provider's metadata was refused: {e}"));
        }
    }
    report
}
