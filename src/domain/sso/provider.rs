//! Talking to an OpenID provider, through the `openidconnect` crate: discovery, the
//! authorization request (code flow with PKCE, state and nonce), and the code exchange whose ID
//! token the crate verifies (signature, issuer, audience, expiry, nonce). Warden checks no JWT
//! by hand.

use std::time::Duration;

use openidconnect::{
    AdditionalClaims, AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, StandardErrorResponse, StandardTokenResponse,
    TokenResponse as _,
    core::{
        CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
        CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreProviderMetadata, CoreResponseType,
        CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
    },
    reqwest,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Every claim of the ID token beyond the standard ones, kept whole: the groups claim is
/// configurable (a dotted path), so it is read from here after verification.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OtherClaims {
    #[serde(flatten)]
    pub claims: serde_json::Map<String, Value>,
}
impl AdditionalClaims for OtherClaims {}

type IdTokenWithClaims = IdTokenFields<
    OtherClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type ProviderClient = openidconnect::Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    StandardTokenResponse<IdTokenWithClaims, CoreTokenType>,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The signing algorithms the crate verifies.
pub const SUPPORTED_ALGORITHMS: [&str; 9] =
    ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"];

/// The most a provider's answer (discovery, keys, token response) may weigh.
pub const MAX_ANSWER_BYTES: usize = 512 * 1024;

/// The HTTP client for providers: no redirects (they would open the server to request forgery)
/// and short time limits, so a slow provider cannot hold a request for long.
pub fn http_client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))
}

/// Why a capped request failed.
#[derive(Debug, thiserror::Error)]
pub enum CappedError {
    #[error("{0}")]
    Request(#[from] reqwest::Error),
    #[error("the answer is larger than {MAX_ANSWER_BYTES} bytes")]
    TooLarge,
    #[error("{0}")]
    Http(#[from] openidconnect::http::Error),
}

/// Reads an answer's body, refusing it as soon as it passes [`MAX_ANSWER_BYTES`] (a provider
/// cannot make the server buffer an endless answer).
pub async fn capped_body(mut response: reqwest::Response) -> Result<Vec<u8>, CappedError> {
    if response.content_length().is_some_and(|n| n > MAX_ANSWER_BYTES as u64) {
        return Err(CappedError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(CappedError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// One request for the `openidconnect` crate, through [`capped_body`].
async fn capped_call(
    http: reqwest::Client,
    request: openidconnect::HttpRequest,
) -> Result<openidconnect::HttpResponse, CappedError> {
    let response = http.execute(request.try_into()?).await?;
    let mut answer = openidconnect::http::Response::builder().status(response.status());
    for (name, value) in response.headers() {
        answer = answer.header(name, value);
    }
    Ok(answer.body(capped_body(response).await?)?)
}

/// Why talking to the provider failed, in words an admin can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderProblem {
    Unreachable(String),
    Invalid(String),
}

/// The provider's metadata and keys, fetched by discovery and checked by the crate.
pub async fn discover(http: &reqwest::Client, issuer: &str) -> Result<CoreProviderMetadata, ProviderProblem> {
    let issuer_url = IssuerUrl::new(issuer.to_owned()).map_err(|e| ProviderProblem::Invalid(e.to_string()))?;
    let capped = |request| capped_call(http.clone(), request);
    CoreProviderMetadata::discover_async(issuer_url, &capped).await.map_err(|error| match error {
        openidconnect::DiscoveryError::Request(e) => ProviderProblem::Unreachable(e.to_string()),
        other => ProviderProblem::Invalid(other.to_string()),
    })
}

fn client(
    metadata: CoreProviderMetadata,
    client_id: &str,
    secret: &str,
    redirect_uri: &str,
) -> Result<ProviderClient, ProviderProblem> {
    let redirect = RedirectUrl::new(redirect_uri.to_owned()).map_err(|e| ProviderProblem::Invalid(e.to_string()))?;
    Ok(ProviderClient::from_provider_metadata(
        metadata,
        ClientId::new(client_id.to_owned()),
        Some(ClientSecret::new(secret.to_owned())),
    )
    .set_redirect_uri(redirect))
}

/// Where to send the browser, and what must be kept to finish the sign-in.
pub struct AuthorizationRequest {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

pub fn authorization_request(
    metadata: CoreProviderMetadata,
    client_id: &str,
    redirect_uri: &str,
    scopes: &[String],
    login_hint: Option<&str>,
) -> Result<AuthorizationRequest, ProviderProblem> {
    // The secret is not needed to build the address.
    let client = client(metadata, client_id, "", redirect_uri)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    for scope in scopes.iter().filter(|s| s.as_str() != "openid") {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    if let Some(hint) = login_hint {
        request = request.add_extra_param("login_hint", hint.to_owned());
    }
    let (url, state, nonce) = request.url();
    Ok(AuthorizationRequest {
        url: url.to_string(),
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
    })
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

pub struct Exchange<'a> {
    pub client_id: &'a str,
    pub client_secret: &'a str,
    pub redirect_uri: &'a str,
    pub code: String,
    pub pkce_verifier: String,
    pub nonce: String,
}

pub async fn exchange(
    http: &reqwest::Client,
    metadata: CoreProviderMetadata,
    exchange: Exchange<'_>,
) -> Result<VerifiedIdentity, ExchangeProblem> {
    let client = client(metadata, exchange.client_id, exchange.client_secret, exchange.redirect_uri)
        .map_err(|e| ExchangeProblem::TokenInvalid(format!("{e:?}")))?;
    let request = client
        .exchange_code(AuthorizationCode::new(exchange.code))
        .map_err(|e| ExchangeProblem::CodeRefused(format!("the provider has no token endpoint: {e}")))?;
    let response =
        request.set_pkce_verifier(PkceCodeVerifier::new(exchange.pkce_verifier)).request_async(http).await.map_err(
            |error| match error {
                RequestTokenError::ServerResponse(answer) => ExchangeProblem::CodeRefused(answer.error().to_string()),
                RequestTokenError::Request(e) => ExchangeProblem::Unreachable(e.to_string()),
                other => ExchangeProblem::CodeRefused(other.to_string()),
            },
        )?;
    let id_token =
        response.id_token().ok_or_else(|| ExchangeProblem::TokenInvalid("the provider sent no ID token".into()))?;
    let nonce = Nonce::new(exchange.nonce);
    let claims = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .map_err(|e| ExchangeProblem::TokenInvalid(e.to_string()))?;
    let mut all = claims.additional_claims().claims.clone();
    // The standard claims are read from the verified token too, so a path may name them.
    if let Ok(Value::Object(standard)) = serde_json::to_value(claims) {
        for (key, value) in standard {
            all.entry(key).or_insert(value);
        }
    }
    Ok(VerifiedIdentity {
        subject: claims.subject().to_string(),
        email: claims.email().map(|e| e.to_string()),
        email_verified: claims.email_verified().unwrap_or(false),
        name: claims.name().and_then(|n| n.get(None)).map(|n| n.to_string()),
        claims: Value::Object(all),
    })
}
