//! `/v1/orgs`: the organization tree (with the field names clients expect).

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    caller::SignedIn,
    error::{ApiError, ApiResult, ErrorBody},
    json::{ApiJson, ApiQuery, NoQuery, parse},
    openapi::{OrgPath, null_schema},
    paging::{self, PageQuery},
    read_only::{ReadOnly, take_read_only},
    versions::{IfMatch, IfMatchHeader, Versioned},
};
use crate::{
    domain::{
        DomainError, FieldError, orgs,
        orgs::{
            DeletionImpact, NewOrganization, OrganizationFilter, OrganizationNode, OrganizationPage, OrganizationView,
        },
        orgs::{Organization, OrganizationSettings},
        sso::{SsoChanges, SsoConfiguration},
    },
    web::AppState,
};

/// Seed 003's organization fields that Warden does not have. A client sending one is told so by
/// name (rather than "unknown field"), and nothing is saved; `null` (no value) is accepted.
const UNSUPPORTED_FIELDS: [(&str, &str); 5] = [
    ("rbac_template_id", "roles are composed of policies here: see /v1/orgs/{org}/iam/roles"),
    ("darryl_configuration", "Warden has no Darryl integration"),
    ("enable_metabase", "Warden has no Metabase integration"),
    ("updates_email_for_escalations_from_parent", "Warden sends no escalation emails; use updates_email"),
    ("updates_email_for_escalations_from_children", "Warden sends no escalation emails; use updates_email"),
];

/// Refuses those fields when they hold a value, and drops them when they hold `null`.
fn refuse_unsupported(body: &mut Map<String, Value>) -> ApiResult<()> {
    let problems: Vec<FieldError> = UNSUPPORTED_FIELDS
        .iter()
        .filter(|(field, _)| body.get(*field).is_some_and(|value| !value.is_null()))
        .map(|(field, instead)| {
            let msg = format!("{field} is not supported: {instead}. Leave it out (or null).");
            FieldError::new(field, "not_supported", msg)
        })
        .collect();
    if !problems.is_empty() {
        return Err(DomainError::Invalid(problems).into());
    }
    for (field, _) in UNSUPPORTED_FIELDS {
        body.remove(field);
    }
    Ok(())
}

/// What an organization as GET shows it holds besides its settings ([`take_read_only`]).
const ORGANIZATION_READ_ONLY: ReadOnly = ReadOnly {
    fixed: &["id", "parent_organization_id"],
    kept_by_server: &["created_at", "updated_at", "created_by"],
    derived: (&[], &[]),
};

fn empty_object() -> Value {
    Value::Object(Map::new())
}

fn default_true() -> bool {
    true
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
        .routes(routes!(move_to))
        .routes(routes!(children))
        .routes(routes!(ancestors))
        .routes(routes!(deletion_impact))
}

/// Seed 003's organization fields that Warden does not have, as the create and change
/// operations say.
const UNSUPPORTED_NOTE: &str = "Seed 003's `rbac_template_id`, `darryl_configuration`, `enable_metabase`, \
    `updates_email_for_escalations_from_parent` and `updates_email_for_escalations_from_children` are \
    accepted only as `null` (and dropped): Warden does not have them.";

/// A new organization, under `parent_organization_id`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = NewOrganizationBody)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    name: String,
    /// A short name that paths accept in place of the id.
    #[serde(default)]
    code: Option<String>,
    contact_email: String,
    #[serde(default)]
    updates_email: Option<String>,
    /// The parent, by id or code.
    parent_organization_id: String,
    /// Whether organizations may be created under this one.
    can_have_child_organizations: bool,
    /// Whether the roles held in the parent (and above, as far as they reach) apply here; true
    /// if not given.
    #[serde(default = "default_true")]
    parent_has_access: bool,
    /// Whether those roles also reach on through here to the organizations below; true if not
    /// given.
    #[serde(default = "default_true")]
    parent_has_access_to_descendants: bool,
    #[serde(default)]
    logo_url: Option<String>,
    /// Free-form JSON object, at most 16 KiB.
    #[serde(default = "empty_object")]
    #[schema(value_type = Object)]
    metadata: Value,
    /// A user (by id) who becomes Admin of the new organization; required when
    /// `parent_has_access` is false.
    #[serde(default)]
    first_admin_user_id: Option<String>,
    /// Seed 003: the organization's single sign-on, as `PUT /v1/orgs/{org}/sso` takes it.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    sso_configuration: Option<SsoChanges>,
}

/// The whole of an organization's settings, with the version they are expected at (if any).
///
/// As a request body every field is optional: those left out keep their value.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = OrganizationChangesBody)]
#[serde(deny_unknown_fields)]
pub struct SettingsBody {
    #[schema(required = false)]
    name: String,
    /// A short name that paths accept in place of the id.
    #[serde(default)]
    code: Option<String>,
    #[schema(required = false)]
    contact_email: String,
    #[serde(default)]
    updates_email: Option<String>,
    /// Whether organizations may be created under this one.
    #[schema(required = false)]
    can_have_child_organizations: bool,
    /// Whether the roles held in the parent (and above, as far as they reach) apply here.
    #[schema(required = false)]
    parent_has_access: bool,
    /// Whether those roles also reach on through here to the organizations below.
    #[schema(required = false)]
    parent_has_access_to_descendants: bool,
    #[serde(default)]
    logo_url: Option<String>,
    /// Free-form JSON object, at most 16 KiB.
    #[serde(default = "empty_object")]
    #[schema(value_type = Object)]
    metadata: Value,
    /// The version last read; a stale one is 409.
    #[serde(default)]
    version: Option<i64>,
    /// Seed 003: the organization's single sign-on, as `PUT /v1/orgs/{org}/sso` takes it; left
    /// out, it stays as it is.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    sso_configuration: Option<SsoChanges>,
}

impl SettingsBody {
    fn settings(self) -> (OrganizationSettings, Option<i64>, Option<SsoChanges>) {
        let settings = OrganizationSettings {
            name: self.name,
            code: self.code,
            contact_email: self.contact_email,
            updates_email: self.updates_email,
            can_have_child_organizations: self.can_have_child_organizations,
            parent_has_access: self.parent_has_access,
            parent_has_access_to_descendants: self.parent_has_access_to_descendants,
            logo_url: self.logo_url,
            metadata: self.metadata,
        };
        (settings, self.version, self.sso_configuration)
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this organization (id or code) and those below it.
    root_organization_id: Option<String>,
    /// Only the organizations that may (true) or may not (false) have children.
    can_have_child_organizations: Option<bool>,
    /// Only organizations whose name or code contains this (ignoring case).
    q: Option<String>,
    /// The page's size: 1 to 200, 50 if not given.
    limit: Option<i64>,
    /// Where the page starts: the previous page's `next_cursor`.
    cursor: Option<String>,
}

/// Where to move an organization.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = OrganizationMoveBody)]
#[serde(deny_unknown_fields)]
pub struct MoveBody {
    /// The new parent, by id or code.
    parent_organization_id: String,
}

/// An organization with its single sign-on.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationWithSso {
    #[serde(flatten)]
    organization: Organization,
    /// Its single sign-on: null when there is none, or when the caller may not read it.
    sso_configuration: Option<SsoConfiguration>,
}

/// An organization seen only through its parent: its node, without its settings (which are
/// null, as are `updated_at`, `created_by` and `version`).
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationNodeOnly {
    id: String,
    name: String,
    code: Option<String>,
    parent_organization_id: Option<String>,
    can_have_child_organizations: bool,
    contact_email: Option<String>,
    updates_email: Option<String>,
    parent_has_access: Option<bool>,
    parent_has_access_to_descendants: Option<bool>,
    logo_url: Option<String>,
    #[schema(value_type = Option<Object>)]
    metadata: Option<Value>,
    created_at: String,
    updated_at: Option<String>,
    created_by: Option<String>,
    /// Always null: only a full answer has a version (this is what tells the two apart).
    #[schema(schema_with = null_schema)]
    version: Option<i64>,
}

impl OrganizationNodeOnly {
    fn of(org: Organization) -> Self {
        Self {
            id: org.id,
            name: org.name,
            code: org.code,
            parent_organization_id: org.parent_organization_id,
            can_have_child_organizations: org.can_have_child_organizations,
            contact_email: None,
            updates_email: None,
            parent_has_access: None,
            parent_has_access_to_descendants: None,
            logo_url: None,
            metadata: None,
            created_at: org.created_at,
            updated_at: None,
            created_by: None,
            version: None,
        }
    }
}

/// An organization as its GET answers it: in full to whoever may read it, else as a node to
/// whoever may read its parent.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum OrganizationRead {
    Full(Box<OrganizationWithSso>),
    NodeOnly(Box<OrganizationNodeOnly>),
}

/// A page of an organization's children.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationChildren {
    organizations: Vec<OrganizationNode>,
    has_more: bool,
    next_cursor: Option<String>,
}

/// The organizations from the root down to one.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationAncestors {
    /// From the root (first) down to the organization itself (last).
    organizations: Vec<OrganizationNode>,
}

/// List the organizations the caller may read, by name.
#[utoipa::path(get, path = "/v1/orgs", tag = "orgs", params(ListQuery),
    responses((status = 200, description = "A page of organizations", body = OrganizationPage)))]
pub async fn list(
    State(state): State<AppState>,
    caller: SignedIn,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Response> {
    let limit = paging::limit(query.limit)?;
    let filter = OrganizationFilter {
        root_organization_id: query.root_organization_id,
        can_have_child_organizations: query.can_have_child_organizations,
        q: query.q,
    };
    let page = state.domain.list_organizations(&caller.actor, &filter, query.cursor.as_deref(), limit).await?;
    Ok(Json(page).into_response())
}

/// Create an organization under `parent_organization_id`.
///
/// The new organization gets the predefined roles; `first_admin_user_id`, when given, becomes
/// its Admin.
#[utoipa::path(post, path = "/v1/orgs", tag = "orgs", request_body(content = CreateBody, description = UNSUPPORTED_NOTE),
    responses((status = 201, description = "The organization, with its single sign-on", body = OrganizationWithSso)))]
pub async fn create(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    ApiJson(mut body): ApiJson<Map<String, Value>>,
) -> ApiResult<Response> {
    refuse_unsupported(&mut body)?;
    let body: CreateBody = parse(Value::Object(body).to_string().as_bytes())?;
    let new = NewOrganization {
        parent_id: body.parent_organization_id,
        first_admin_user_id: body.first_admin_user_id,
        settings: OrganizationSettings {
            name: body.name,
            code: body.code,
            contact_email: body.contact_email,
            updates_email: body.updates_email,
            can_have_child_organizations: body.can_have_child_organizations,
            parent_has_access: body.parent_has_access,
            parent_has_access_to_descendants: body.parent_has_access_to_descendants,
            logo_url: body.logo_url,
            metadata: body.metadata,
        },
    };
    if let Some(sso) = &body.sso_configuration {
        // Checked before anything is made, so a bad configuration leaves nothing behind.
        state.domain.check_sso_changes(sso.clone()).map_err(under_sso_configuration)?;
    }
    let org = state.domain.create_organization(&caller.actor, new).await?;
    let answer = with_sso(&state, &caller, org, body.sso_configuration).await?;
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// An organization, with its version as the `ETag` when it is readable in full.
///
/// Whoever may read only its parent gets its node: the settings are null, and there is no
/// `ETag`.
#[utoipa::path(get, path = "/v1/orgs/{org}", tag = "orgs", params(OrgPath),
    responses((status = 200, description = "The organization, in full (with its single sign-on) or as a node",
        body = OrganizationRead,
        headers(("ETag" = String, description = "The version, when the organization is readable in full")))))]
pub async fn get(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
) -> ApiResult<Response> {
    match state.domain.organization(&caller.actor, &org).await? {
        OrganizationView::Full(org) => {
            let sso = state.domain.sso_configuration_if_readable(&caller.actor, &org.id).await?;
            let version = org.version;
            let answer =
                OrganizationRead::Full(Box::new(OrganizationWithSso { organization: org, sso_configuration: sso }));
            Ok(Versioned(version, answer).into_response())
        }
        OrganizationView::NodeOnly(org) => {
            Ok(Json(OrganizationRead::NodeOnly(Box::new(OrganizationNodeOnly::of(org)))).into_response())
        }
    }
}

/// Field errors of the nested configuration point into it (`["body", "sso_configuration", …]`).
fn under_sso_configuration(error: DomainError) -> DomainError {
    match error {
        DomainError::Invalid(mut fields) => {
            for field in &mut fields {
                field.loc.insert(1, "sso_configuration".to_owned());
            }
            DomainError::Invalid(fields)
        }
        other => other,
    }
}

/// An organization as changed, with its single sign-on (changed too when `sso` is given).
async fn with_sso(
    state: &AppState,
    caller: &SignedIn,
    org: Organization,
    sso: Option<SsoChanges>,
) -> ApiResult<OrganizationWithSso> {
    let configuration = match sso {
        Some(changes) => Some(
            state
                .domain
                .set_sso_configuration(&caller.actor, &org.id, changes)
                .await
                .map_err(under_sso_configuration)?,
        ),
        None => state.domain.sso_configuration_if_readable(&caller.actor, &org.id).await?,
    };
    Ok(OrganizationWithSso { organization: org, sso_configuration: configuration })
}

/// Change an organization's settings: those given; the others keep their value.
///
/// The organization as GET answers it may be sent back: `id` and `parent_organization_id`
/// must be as they are (422 `read_only` otherwise: a move is `POST /v1/orgs/{org}/move`),
/// `created_at`, `updated_at` and `created_by` are ignored, and so are the read-only fields of
/// `sso_configuration` as `PUT /v1/orgs/{org}/sso` takes them.
///
/// The version (`If-Match` or the body's) is checked when given; without one, the change applies
/// only if nobody changed the organization meanwhile (409 otherwise). Whoever may read only the
/// organization's node is refused (403).
#[utoipa::path(method(put, patch), path = "/v1/orgs/{org}", tag = "orgs",
    params(OrgPath, IfMatchHeader),
    request_body(content = SettingsBody, description = UNSUPPORTED_NOTE),
    responses((status = 200, description = "The organization as changed, with its single sign-on", body = OrganizationWithSso,
        headers(("ETag" = String)))))]
pub async fn update(
    State(state): State<AppState>,
    caller: SignedIn,
    if_match: IfMatch,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(mut changes): ApiJson<Map<String, Value>>,
) -> ApiResult<Response> {
    refuse_unsupported(&mut changes)?;
    let current = match state.domain.organization(&caller.actor, &org).await? {
        OrganizationView::Full(current) => current,
        OrganizationView::NodeOnly(_) => {
            return Err(ApiError::from(DomainError::Forbidden { required_permission: "org:update".into() }));
        }
    };
    // The organization as GET answered it may come back: its read-only fields are taken out.
    take_read_only(&mut changes, &current, &ORGANIZATION_READ_ONLY, "")?;
    if let Some(Value::Object(sso)) = changes.get_mut("sso_configuration") {
        let held = state.domain.sso_configuration_if_readable(&caller.actor, &current.id).await?;
        take_read_only(sso, &held, &super::sso::CONFIGURATION_READ_ONLY, "sso_configuration.")?;
        // Sent back as it was read, it changes nothing: nothing is written (nor needs `sso:update`).
        let held = serde_json::to_value(&held).map_err(|_| ApiError::internal())?;
        if !held.is_null() && sso.iter().all(|(field, value)| held.get(field) == Some(value)) {
            changes.remove("sso_configuration");
        }
    }
    let Value::Object(mut merged) = json!({
        "name": current.name, "code": current.code, "contact_email": current.contact_email,
        "updates_email": current.updates_email, "can_have_child_organizations": current.can_have_child_organizations,
        "parent_has_access": current.parent_has_access,
        "parent_has_access_to_descendants": current.parent_has_access_to_descendants,
        "logo_url": current.logo_url, "metadata": current.metadata,
    }) else {
        return Err(ApiError::internal());
    };
    merged.extend(changes);
    let body: SettingsBody = parse(Value::Object(merged).to_string().as_bytes())?;
    let (settings, version, sso) = body.settings();
    // Without a version the settings are merged into those just read, and saved only if they
    // are still current: a change made in between is a 409, never silently undone.
    let version = if_match.expected(version)?.unwrap_or(current.version);
    let org = state.domain.update_organization(&caller.actor, &current.id, settings, version).await?;
    let version = org.version;
    Ok(Versioned(version, with_sso(&state, &caller, org, sso).await?).into_response())
}

/// Delete an organization with its whole subtree, and everything in them.
#[utoipa::path(delete, path = "/v1/orgs/{org}", tag = "orgs", params(OrgPath),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
) -> ApiResult<StatusCode> {
    state.domain.delete_organization(&caller.actor, &org, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What deleting an organization would take with it: its subtree and their contents, counted.
#[utoipa::path(get, path = "/v1/orgs/{org}/deletion_impact", tag = "orgs", params(OrgPath),
    responses((status = 200, description = "What the deletion would take", body = DeletionImpact),
        (status = 409, description = "The organization cannot be deleted at all (the root)", body = ErrorBody)))]
pub async fn deletion_impact(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
) -> ApiResult<Response> {
    Ok(Json(state.domain.organization_deletion_impact(&caller.actor, &org).await?).into_response())
}

/// Move an organization, with its whole subtree, under another parent.
#[utoipa::path(post, path = "/v1/orgs/{org}/move", tag = "orgs", params(OrgPath), request_body = MoveBody,
    responses((status = 200, description = "The organization, moved", body = Organization)))]
pub async fn move_to(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(body): ApiJson<MoveBody>,
) -> ApiResult<Json<Organization>> {
    Ok(Json(state.domain.move_organization(&caller.actor, &org, &body.parent_organization_id).await?))
}

/// An organization's children, as nodes of the tree: a page at a time, by name.
#[utoipa::path(get, path = "/v1/orgs/{org}/children", tag = "orgs",
    params(
        OrgPath,
        PageQuery,
    ),
    responses((status = 200, description = "A page of the children", body = OrganizationChildren)))]
pub async fn children(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<OrganizationChildren>> {
    let limit = paging::limit(query.limit)?;
    let children = orgs::ChildrenQuery { cursor: query.cursor.as_deref(), limit, including: None };
    let page = state.domain.organization_children(&caller.actor, &org, &children).await?;
    let has_more = page.next_cursor.is_some();
    Ok(Json(OrganizationChildren { organizations: page.children, has_more, next_cursor: page.next_cursor }))
}

/// The path to an organization, as nodes of the tree: from the root down to the organization.
#[utoipa::path(get, path = "/v1/orgs/{org}/ancestors", tag = "orgs", params(OrgPath),
    responses((status = 200, description = "The organizations from the root down", body = OrganizationAncestors)))]
pub async fn ancestors(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
) -> ApiResult<Json<OrganizationAncestors>> {
    Ok(Json(OrganizationAncestors { organizations: state.domain.organization_ancestors(&caller.actor, &org).await? }))
}
