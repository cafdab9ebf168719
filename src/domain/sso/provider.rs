//! The OpenID provider as the domain sees it: what a sign-in asks of it and what it answers,
//! in plain types. The server supplies the implementation (`server::oidc`, through the
//! `openidconnect` crate), so the domain holds no HTTP client and checks no JWT by hand.

use std::{fmt::Debug, future::Future, pin::Pin};

use serde_json::Value;

/// A provider call on its way (boxed, so the provider can sit behind `dyn`).
pub type ProviderFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub trait OidcProvider: Debug + Send + Sync {
    /// The ID-token signing algorithms this client verifies.
    fn supported_algorithms(&self) -> &'static [&'static str];

    /// Fetches one JSON document (no redirects, short time limits, a capped size), for
    /// "test connection". The error says in plain words what went wrong.
    fn fetch_json<'a>(&'a self, url: &'a str) -> ProviderFuture<'a, Result<Value, String>>;

    /// Discovery as the sign-in itself does it: `Ok` when the metadata is complete and valid.
    fn check_metadata<'a>(&'a self, issuer: &'a str) -> ProviderFuture<'a, Result<(), ProviderProblem>>;

    /// Discovery, then the address to send the browser to (code flow with PKCE, state, nonce).
    fn authorization_request<'a>(
        &'a self,
        request: AuthorizationParams<'a>,
    ) -> ProviderFuture<'a, Result<AuthorizationRequest, ProviderProblem>>;

    /// Discovery, then the code exchange; the ID token comes back only once verified
    /// (signature, issuer, audience, expiry, nonce).
    fn exchange<'a>(&'a self, exchange: Exchange<'a>) -> ProviderFuture<'a, Result<VerifiedIdentity, ExchangeProblem>>;
}

/// Why talking to the provider failed, in words an admin can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderProblem {
    Unreachable(String),
    Invalid(String),
}

/// What an authorization request is built from.
#[derive(Debug, Clone, Copy)]
pub struct AuthorizationParams<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scopes: &'a [String],
    pub login_hint: Option<&'a str>,
}

/// Where to send the browser, and what must be kept to finish the sign-in.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// What finishing a sign-in needs: the configuration's client and what the start kept.
pub struct Exchange<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a str,
    pub redirect_uri: &'a str,
    pub code: String,
    pub pkce_verifier: String,
    pub nonce: String,
}

/// What a verified ID token says about the person.
#[derive(Debug, Clone)]
pub struct VerifiedIdentity {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    /// Every claim, for reading the groups at the configured path.
    pub claims: Value,
}

/// Why the code exchange or the ID token was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExchangeProblem {
    Unreachable(String),
    /// The provider refused the code (used, expired, or not for this client).
    CodeRefused(String),
    /// The ID token failed verification (signature, issuer, audience, expiry, nonce).
    TokenInvalid(String),
}

/// The provider of a server that was given none: single sign-on cannot start.
#[derive(Debug, Default)]
pub struct NoProvider;

const NO_PROVIDER: &str = "this server has no OpenID client configured";

impl OidcProvider for NoProvider {
    fn supported_algorithms(&self) -> &'static [&'static str] {
        &[]
    }

    fn fetch_json<'a>(&'a self, _url: &'a str) -> ProviderFuture<'a, Result<Value, String>> {
        Box::pin(async { Err(NO_PROVIDER.to_owned()) })
    }

    fn check_metadata<'a>(&'a self, _issuer: &'a str) -> ProviderFuture<'a, Result<(), ProviderProblem>> {
        Box::pin(async { Err(ProviderProblem::Unreachable(NO_PROVIDER.to_owned())) })
    }

    fn authorization_request<'a>(
        &'a self,
        _request: AuthorizationParams<'a>,
    ) -> ProviderFuture<'a, Result<AuthorizationRequest, ProviderProblem>> {
        Box::pin(async { Err(ProviderProblem::Unreachable(NO_PROVIDER.to_owned())) })
    }

    fn exchange<'a>(
        &'a self,
        _exchange: Exchange<'a>,
    ) -> ProviderFuture<'a, Result<VerifiedIdentity, ExchangeProblem>> {
        Box::pin(async { Err(ExchangeProblem::Unreachable(NO_PROVIDER.to_owned())) })
    }
}
