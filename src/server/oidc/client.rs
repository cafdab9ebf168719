//! The `openidconnect` crate's typed client: discovery, the authorization request (code flow
//! with PKCE, state and nonce), and the code exchange whose ID token the crate verifies
//! (signature, issuer, audience, expiry, nonce). Warden checks no JWT by hand.

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

use super::capped::capped_call;
use crate::domain::sso::provider::{
    AuthorizationParams, AuthorizationRequest, Exchange, ExchangeProblem, ProviderProblem, VerifiedIdentity,
};

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

pub fn authorization_request(
    metadata: CoreProviderMetadata,
    params: AuthorizationParams<'_>,
) -> Result<AuthorizationRequest, ProviderProblem> {
    // The secret is not needed to build the address.
    let client = client(metadata, params.client_id, "", params.redirect_uri)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    for scope in params.scopes.iter().filter(|s| s.as_str() != "openid") {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    if let Some(hint) = params.login_hint {
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
