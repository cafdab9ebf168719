//! The permission schema: `GET /v1/orgs/{org}/iam/permissions/schema` (as seen from an
//! organization) and `PUT /v1/iam/permissions/schema` (application types, whole document);
//! and the resource catalog: `GET /v1/orgs/{org}/iam/resources`, and `PUT`/`DELETE
//! /v1/orgs/{org}/iam/resources/{resource_type}/{resource_id}` for applications to register
//! their instances.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::{ApiJson, ApiQuery, NoQuery},
    openapi::OrgPath,
    paging,
    versions::{IfMatch, IfMatchHeader, Versioned},
};
use crate::{
    domain::schema::{PermissionSchema, Resource, ResourcePage, SchemaType, SchemaView},
    web::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(replace))
        .routes(routes!(get))
        .routes(routes!(list_resources))
        .routes(routes!(register_resource, remove_resource))
}

/// The permission schema's application part, as a whole.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemaBody {
    /// The version last read; a stale one is 409.
    #[serde(default)]
    version: Option<i64>,
    /// Every application resource type (Warden's built-in ones cannot be sent); those left out
    /// are removed.
    resource_types: Vec<SchemaType>,
}

const RESOURCE_TYPE: &str = "A listable resource type's key";
const RESOURCE_ID: &str = "The instance's id, as its application names it";

/// The permission schema, as seen from an organization.
///
/// Every resource type with its actions, and for listable types how many instances the
/// organization registered. Its version is the `ETag`.
#[utoipa::path(get, path = "/v1/orgs/{org}/iam/permissions/schema", tag = "schema", params(OrgPath),
    responses((status = 200, description = "The permission schema", body = SchemaView, headers(("ETag" = String)))))]
pub async fn get(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
) -> ApiResult<Versioned<SchemaView>> {
    let schema = state.domain.permission_schema(&caller.actor, &org).await?;
    Ok(Versioned(schema.version, schema))
}

/// Replace the permission schema's application resource types.
///
/// The whole list is sent. Only a Super Admin of the root may. Built-in types are Warden's and
/// cannot be sent; types and actions that policies still use cannot be removed, and removing a
/// type forgets its registered instances. The version (`If-Match` or the body's) is checked
/// when given.
#[utoipa::path(put, path = "/v1/iam/permissions/schema", tag = "schema",
    params(
        IfMatchHeader,
    ),
    request_body = SchemaBody,
    responses((status = 200, description = "The permission schema as replaced", body = PermissionSchema,
        headers(("ETag" = String)))))]
pub async fn replace(
    State(state): State<AppState>,
    caller: SignedIn,
    if_match: IfMatch,
    _: ApiQuery<NoQuery>,
    ApiJson(body): ApiJson<SchemaBody>,
) -> ApiResult<Versioned<PermissionSchema>> {
    let version = if_match.expected(body.version)?;
    let schema = state.domain.replace_permission_schema(&caller.actor, body.resource_types, version).await?;
    Ok(Versioned(schema.version, schema))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ResourceQuery {
    /// The listable resource type whose instances to list.
    resource_type: String,
    /// Only instances whose name or id contains this.
    q: Option<String>,
    /// The page's size: 1 to 200, 50 if not given.
    limit: Option<i64>,
    /// Where the page starts: the previous page's `next_cursor`.
    cursor: Option<String>,
}

/// A resource instance as its application registers it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceBody {
    /// The name policies and pages show for the instance.
    name: String,
    /// Left out, it stays as it is (empty for a new instance).
    #[serde(default)]
    description: Option<String>,
}

/// List the instances of one listable resource type registered in an organization, by name.
#[utoipa::path(get, path = "/v1/orgs/{org}/iam/resources", tag = "schema", params(OrgPath, ResourceQuery),
    responses((status = 200, description = "A page of instances", body = ResourcePage)))]
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

/// Register a resource instance in an organization, or rename it.
///
/// An instance of a listable resource type, so that policies can name it one by one. Needs
/// `resource:register`. 201 when new, 200 when it was already there.
#[utoipa::path(put, path = "/v1/orgs/{org}/iam/resources/{resource_type}/{resource_id}", tag = "schema",
    params(OrgPath, ("resource_type" = String, Path, description = RESOURCE_TYPE),
        ("resource_id" = String, Path, description = RESOURCE_ID)),
    request_body = ResourceBody,
    responses(
        (status = 201, description = "Registered: the new instance", body = Resource),
        (status = 200, description = "Already registered: the instance, renamed as given", body = Resource),
    ))]
pub async fn register_resource(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, resource_type, resource_id)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<ResourceBody>,
) -> ApiResult<Response> {
    let (resource, created) = state
        .domain
        .register_resource(&caller.actor, &org, &resource_type, &resource_id, &body.name, body.description.as_deref())
        .await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(resource)).into_response())
}

/// Remove a registered resource instance from an organization.
///
/// Refused while a policy names it.
#[utoipa::path(delete, path = "/v1/orgs/{org}/iam/resources/{resource_type}/{resource_id}", tag = "schema",
    params(OrgPath, ("resource_type" = String, Path, description = RESOURCE_TYPE),
        ("resource_id" = String, Path, description = RESOURCE_ID)),
    responses((status = 204, description = "Removed")))]
pub async fn remove_resource(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, resource_type, resource_id)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    state.domain.remove_resource(&caller.actor, &org, &resource_type, &resource_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
