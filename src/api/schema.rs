//! The permission schema: `GET /v1/orgs/{org}/iam/permissions/schema` (as seen from an
//! organization) and `PUT /v1/iam/permissions/schema` (application types, whole document).

use axum::{
    Json,
    extract::{Path, State},
};
use serde::Deserialize;

use super::{caller::SignedIn, error::ApiResult, json::ApiJson};
use crate::{
    domain::{
        manage_schema::SchemaView,
        schema::{PermissionSchema, SchemaType},
    },
    server::AppState,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplaceBody {
    version: i64,
    resource_types: Vec<SchemaType>,
}

/// `GET /v1/orgs/{org}/iam/permissions/schema`
pub async fn get(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
) -> ApiResult<Json<SchemaView>> {
    Ok(Json(state.domain.permission_schema(&caller.actor, &org).await?))
}

/// `PUT /v1/iam/permissions/schema`: the application resource types; built-in ones are
/// Warden's and cannot be sent.
pub async fn replace(
    State(state): State<AppState>,
    caller: SignedIn,
    ApiJson(body): ApiJson<ReplaceBody>,
) -> ApiResult<Json<PermissionSchema>> {
    Ok(Json(state.domain.replace_permission_schema(&caller.actor, body.resource_types, body.version).await?))
}
