//! The resource catalog (seed 001 "List IAM Resources"): `GET /v1/orgs/{org}/iam/resources`,
//! and `PUT`/`DELETE /v1/orgs/{org}/iam/resources/{resource_type}/{resource_id}` for
//! applications to register their instances.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::json;

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::{ApiJson, ApiQuery},
    paging,
};
use crate::server::AppState;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    resource_type: String,
    q: Option<String>,
    limit: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterBody {
    name: String,
    #[serde(default)]
    description: String,
}

/// `GET /v1/orgs/{org}/iam/resources?resource_type=...&q=...`
pub async fn list(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Response> {
    let limit = paging::limit(query.limit, 50, 200)?;
    let found =
        state.domain.list_resources(&caller.actor, &org, &query.resource_type, query.q.as_deref(), limit).await?;
    Ok(Json(json!({ "resources": found })).into_response())
}

/// `PUT /v1/orgs/{org}/iam/resources/{resource_type}/{resource_id}`: 201 when new, 200 when renamed.
pub async fn register(
    State(state): State<AppState>,
    caller: SignedIn,
    Path((org, resource_type, resource_id)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<RegisterBody>,
) -> ApiResult<Response> {
    let (resource, created) = state
        .domain
        .register_resource(&caller.actor, &org, &resource_type, &resource_id, &body.name, &body.description)
        .await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(resource)).into_response())
}

/// `DELETE /v1/orgs/{org}/iam/resources/{resource_type}/{resource_id}`
pub async fn remove(
    State(state): State<AppState>,
    caller: SignedIn,
    Path((org, resource_type, resource_id)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    state.domain.remove_resource(&caller.actor, &org, &resource_type, &resource_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
