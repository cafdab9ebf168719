//! Single sign-on setup: `/v1/orgs/{org}/sso` (the configuration, never its client secret),
//! `…/sso/test` (test connection), `…/sso/preview` (the test bench) and `…/sso/unmapped-groups`.

use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::{self, ApiJson, ApiQuery, NoQuery},
    openapi::OrgPath,
    paging::{self, PageQuery},
    read_only::{ReadOnly, take_read_only},
    versions::{IfMatch, IfMatchHeader, Versioned},
};
use crate::{
    domain::sso::{ConnectionReport, SsoChanges, SsoConfiguration, SsoPreview, SsoPreviewInput, UnmappedGroupPage},
    web::AppState,
};

/// What a configuration as GET shows it holds besides [`SsoChanges`]: sent back, taken out
/// ([`take_read_only`]).
pub(super) const CONFIGURATION_READ_ONLY: ReadOnly = ReadOnly {
    fixed: &["org_id", "client_secret_set", "redirect_uri"],
    kept_by_server: &["created_at", "updated_at"],
    derived: (&[], &[]),
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_configuration, put_configuration, delete_configuration))
        .routes(routes!(test_connection))
        .routes(routes!(preview))
        .routes(routes!(unmapped_groups))
}

/// The organization's SSO configuration, with its version as the `ETag`.
///
/// Never the client secret: only whether one is set. Needs `sso:read`; 404 when the
/// organization has none.
#[utoipa::path(get, path = "/v1/orgs/{org}/sso", tag = "sso", params(OrgPath),
    responses((status = 200, description = "The configuration", body = SsoConfiguration, headers(("ETag" = String)))))]
pub async fn get_configuration(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
) -> ApiResult<Versioned<SsoConfiguration>> {
    let configuration = state.domain.sso_configuration(&caller.actor, &org).await?;
    Ok(Versioned(configuration.version, configuration))
}

/// Set the organization's SSO configuration, creating it or changing it.
///
/// Fields left out keep their value (or take their default when there is none yet); the version
/// (`If-Match` or the body's) is checked when given. Needs `sso:update`. The configuration as
/// GET answers it may be sent back: `org_id`, `client_secret_set` and `redirect_uri` must be as
/// they are (422 `read_only` otherwise); `created_at` and `updated_at` are ignored.
#[utoipa::path(put, path = "/v1/orgs/{org}/sso", tag = "sso",
    params(OrgPath, IfMatchHeader),
    request_body = SsoChanges,
    responses((status = 200, description = "The configuration as set", body = SsoConfiguration, headers(("ETag" = String)))))]
pub async fn put_configuration(
    State(state): State<AppState>,
    caller: SignedIn,
    if_match: IfMatch,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(mut body): ApiJson<Map<String, Value>>,
) -> ApiResult<Versioned<SsoConfiguration>> {
    if CONFIGURATION_READ_ONLY.mentioned_in(&body) {
        let org = state.domain.visible_organization(&caller.actor, &org).await?;
        let held = state.domain.sso_configuration_if_readable(&caller.actor, &org.id).await?;
        take_read_only(&mut body, &held, &CONFIGURATION_READ_ONLY, "")?;
    }
    let mut changes: SsoChanges = json::parse(Value::Object(body).to_string().as_bytes())?;
    changes.version = if_match.expected(changes.version)?;
    let configuration = state.domain.set_sso_configuration(&caller.actor, &org, changes).await?;
    Ok(Versioned(configuration.version, configuration))
}

/// Delete the organization's SSO configuration. Needs `sso:update`.
#[utoipa::path(delete, path = "/v1/orgs/{org}/sso", tag = "sso", params(OrgPath),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_configuration(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
) -> ApiResult<StatusCode> {
    state.domain.delete_sso_configuration(&caller.actor, &org).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What to test; the body may be left out entirely.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = SsoTestBody)]
#[serde(deny_unknown_fields)]
pub struct TestBody {
    /// An issuer to try before saving it; the saved one when left out.
    issuer: Option<String>,
}

/// Test the connection to the provider: each check, and whether all passed.
///
/// Tries the saved issuer, or one given before saving it. Needs `sso:update`.
#[utoipa::path(post, path = "/v1/orgs/{org}/sso/test", tag = "sso", params(OrgPath),
    request_body(content = Option<TestBody>, description = "Optional: an issuer to try instead of the saved one"),
    responses((status = 200, description = "The checks made, each passed or not", body = ConnectionReport)))]
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

/// Preview what an SSO sign-in would give here, before anyone signs in.
///
/// The groups come from `groups`, from an ID token's `claims`, or from the last SSO sign-in of
/// `user_id`; unsaved `draft` group names of roles replace the saved ones. Needs `sso:read`.
#[utoipa::path(post, path = "/v1/orgs/{org}/sso/preview", tag = "sso", params(OrgPath), request_body = SsoPreviewInput,
    responses((status = 200, description = "The roles and permissions those groups would give", body = SsoPreview)))]
pub async fn preview(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(input): ApiJson<SsoPreviewInput>,
) -> ApiResult<Json<SsoPreview>> {
    Ok(Json(state.domain.preview_sso_sign_in(&caller.actor, &org, input).await?))
}

/// List the groups carried at SSO sign-ins that no role names.
///
/// Those of the sign-ins of the last 90 days, with how many people carried each, most carried
/// first (then by name), a page at a time. Needs `sso:read`.
#[utoipa::path(get, path = "/v1/orgs/{org}/sso/unmapped-groups", tag = "sso", params(OrgPath, PageQuery),
    responses((status = 200, description = "A page of the unmapped groups", body = UnmappedGroupPage)))]
pub async fn unmapped_groups(
    State(state): State<AppState>,
    caller: SignedIn,
    ApiQuery(query): ApiQuery<PageQuery>,
    Path(org): Path<String>,
) -> ApiResult<Json<UnmappedGroupPage>> {
    let limit = paging::limit(query.limit)?;
    Ok(Json(state.domain.unmapped_groups_page(&caller.actor, &org, query.cursor.as_deref(), limit).await?))
}
