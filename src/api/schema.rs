//! The permission schema: `GET /v1/orgs/{org}/iam/permissions/schema` (as seen from an
//! organization) and `PUT /v1/iam/permissions/schema` (application types, whole document);
//! and the resource catalog: `GET /v1/orgs/{org}/iam/resources`, and `PUT`/`DELETE
//! /v1/orgs/{org}/iam/resources/{resource_type}/{resource_id}` for applications to register
//! their instances.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing,
};
use serde::Deserialize;

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::{ApiJson, ApiQuery, NoQuery},
    paging,
    versions::{IfMatch, Versioned},
};
use crate::{
    domain::schema::{PermissionSchema, ResourcePage, SchemaType, SchemaView},
    web::AppState,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/iam/permissions/schema", routing::put(replace))
        .route("/orgs/{org}/iam/permissions/schema", routing::get(get))
        .route("/orgs/{org}/iam/resources", routing::get(list_resources))
        .route(
            "/orgs/{org}/iam/resources/{resource_type}/{resource_id}",
            routing::put(register_resource).delete(remove_resource),
        )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplaceBody {
    #[serde(default)]
    version: Option<i64>,
    resource_types: Vec<SchemaType>,
}

/// `GET /v1/orgs/{org}/iam/permissions/schema`
pub async fn get(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
) -> ApiResult<Versioned<SchemaView>> {
    let schema = state.domain.permission_schema(&caller.actor, &org).await?;
    Ok(Versioned(schema.version, schema))
}

/// `PUT /v1/iam/permissions/schema`: the application resource types (built-in ones are
/// Warden's and cannot be sent); the version (`If-Match` or the body's) is checked when given.
pub async fn replace(
    State(state): State<AppState>,
    caller: SignedIn,
    if_match: IfMatch,
    _: ApiQuery<NoQuery>,
    ApiJson(body): ApiJson<ReplaceBody>,
) -> ApiResult<Versioned<PermissionSchema>> {
    let version = if_match.expected(body.version)?;
    let schema = state.domain.replace_permission_schema(&caller.actor, body.resource_types, version).await?;
    Ok(Versioned(schema.version, schema))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceQuery {
    resource_type: String,
    q: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceBody {
    name: String,
    #[serde(default)]
    description: String,
}

/// `GET /v1/orgs/{org}/iam/resources?resource_type=...&q=...`: a page of instances.
pub async fn list_resources(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<ResourceQuery>,
) -> ApiResult<Json<ResourcePage>> {
    let limit = paging::limit(query.limit)?;
    let (q, cursor) = (query.q.as_deref(), query.cursor.as_deref());
    Ok(Json(state.domain.list_resources(&caller.actor, &org, &query.resource_type, q, cursor, limit).await?))
}

/// `PUT /v1/orgs/{org}/iam/resources/{resource_type}/{resource_id}`: 201 when new, 200 when renamed.
pub async fn register_resource(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, resource_type, resource_id)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<ResourceBody>,
) -> ApiResult<Response> {
    let (resource, created) = state
        .domain
        .register_resource(&caller.actor, &org, &resource_type, &resource_id, &body.name, &body.description)
        .await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(resource)).into_response())
}

/// `DELETE /v1/orgs/{org}/iam/resources/{resource_type}/{resource_id}`
pub async fn remove_resource(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, resource_type, resource_id)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    state.domain.remove_resource(&caller.actor, &org, &resource_type, &resource_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
