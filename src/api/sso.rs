//! Single sign-on setup: `/v1/orgs/{org}/sso` (the configuration, never its client secret),
//! `…/sso/test` (test connection), `…/sso/preview` (the test bench) and `…/sso/unmapped-groups`.

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    routing,
};
use serde::Deserialize;

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::{self, ApiJson, ApiQuery, NoQuery},
    versions::{IfMatch, Versioned},
};
use crate::{
    domain::sso::{ConnectionReport, SsoChanges, SsoConfiguration, SsoPreview, SsoPreviewInput, UnmappedGroup},
    web::AppState,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/sso", routing::get(get_configuration).put(put_configuration).delete(delete_configuration))
        .route("/orgs/{org}/sso/test", routing::post(test_connection))
        .route("/orgs/{org}/sso/preview", routing::post(preview))
        .route("/orgs/{org}/sso/unmapped-groups", routing::get(unmapped_groups))
}

/// `GET /v1/orgs/{org}/sso` (`sso:read`); 404 when the organization has none.
pub async fn get_configuration(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
) -> ApiResult<Versioned<SsoConfiguration>> {
    let configuration = state.domain.sso_configuration(&caller.actor, &org).await?;
    Ok(Versioned(configuration.version, configuration))
}

/// `PUT /v1/orgs/{org}/sso` (`sso:update`): creates or changes; fields left out keep their
/// value; the version (`If-Match` or the body's) is checked when given.
pub async fn put_configuration(
    State(state): State<AppState>,
    caller: SignedIn,
    if_match: IfMatch,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(mut changes): ApiJson<SsoChanges>,
) -> ApiResult<Versioned<SsoConfiguration>> {
    changes.version = if_match.expected(changes.version)?;
    let configuration = state.domain.set_sso_configuration(&caller.actor, &org, changes).await?;
    Ok(Versioned(configuration.version, configuration))
}

/// `DELETE /v1/orgs/{org}/sso` (`sso:update`).
pub async fn delete_configuration(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
) -> ApiResult<StatusCode> {
    state.domain.delete_sso_configuration(&caller.actor, &org).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestBody {
    /// An issuer to try before saving it; the saved one when left out.
    issuer: Option<String>,
}

/// `POST /v1/orgs/{org}/sso/test` (`sso:update`): `{ok, checks: [{check, ok, message}]}`.
pub async fn test_connection(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    body: Bytes,
) -> ApiResult<Json<ConnectionReport>> {
    // The body may be left out entirely.
    let body: TestBody =
        if body.iter().all(u8::is_ascii_whitespace) { TestBody::default() } else { json::parse(&body)? };
    Ok(Json(state.domain.test_sso_connection(&caller.actor, &org, body.issuer.as_deref()).await?))
}

/// `POST /v1/orgs/{org}/sso/preview` (`sso:read`): what `{groups}`, `{claims}` or a user's last
/// SSO sign-in would give here, with unsaved `draft` group names.
pub async fn preview(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(input): ApiJson<SsoPreviewInput>,
) -> ApiResult<Json<SsoPreview>> {
    Ok(Json(state.domain.preview_sso_sign_in(&caller.actor, &org, input).await?))
}

/// `GET /v1/orgs/{org}/sso/unmapped-groups` (`sso:read`): groups carried at sign-ins of the last
/// 90 days that no role names, with how many people carried each.
pub async fn unmapped_groups(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
) -> ApiResult<Json<Vec<UnmappedGroup>>> {
    Ok(Json(state.domain.sso_setup(&caller.actor, &org).await?.unmapped_groups))
}
