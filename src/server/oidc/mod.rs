//! The server's OpenID client: the domain's [`OidcProvider`] through the `openidconnect`
//! crate and `reqwest`.

mod capped;
mod client;

use serde_json::Value;

use crate::domain::sso::provider::{
    AuthorizationParams, AuthorizationRequest, Exchange, ExchangeProblem, OidcProvider, ProviderFuture,
    ProviderProblem, VerifiedIdentity,
};

#[derive(Debug, Clone)]
pub struct OpenIdConnectClient {
    http: openidconnect::reqwest::Client,
}

impl OpenIdConnectClient {
    pub fn new() -> Result<Self, openidconnect::reqwest::Error> {
        Ok(Self { http: capped::http_client()? })
    }
}

impl OidcProvider for OpenIdConnectClient {
    fn supported_algorithms(&self) -> &'static [&'static str] {
        &client::SUPPORTED_ALGORITHMS
    }

    fn fetch_json<'a>(&'a self, url: &'a str) -> ProviderFuture<'a, Result<Value, String>> {
        Box::pin(capped::fetch_json(&self.http, url))
    }

    fn check_metadata<'a>(&'a self, issuer: &'a str) -> ProviderFuture<'a, Result<(), ProviderProblem>> {
        Box::pin(async move { client::discover(&self.http, issuer).await.map(|_| ()) })
    }

    fn authorization_request<'a>(
        &'a self,
        params: AuthorizationParams<'a>,
    ) -> ProviderFuture<'a, Result<AuthorizationRequest, ProviderProblem>> {
        Box::pin(async move {
            let metadata = client::discover(&self.http, params.issuer).await?;
            client::authorization_request(metadata, params)
        })
    }

    fn exchange<'a>(&'a self, exchange: Exchange<'a>) -> ProviderFuture<'a, Result<VerifiedIdentity, ExchangeProblem>> {
        Box::pin(async move {
            let metadata = client::discover(&self.http, exchange.issuer).await.map_err(|problem| match problem {
                ProviderProblem::Unreachable(e) | ProviderProblem::Invalid(e) => ExchangeProblem::Unreachable(e),
            })?;
            client::exchange(&self.http, metadata, exchange).await
        })
    }
}
