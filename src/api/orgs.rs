//! `/v1/orgs`: the organization tree (with the field names clients expect).

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{
    caller::SignedIn,
    error::{ApiError, ApiResult},
    json::{ApiJson, ApiQuery, NoQuery, parse},
    paging::{self, PageQuery},
    versions::{IfMatch, Versioned},
};
use crate::{
    domain::{
        DomainError, FieldError, orgs,
        orgs::{NewOrganization, OrganizationFilter, OrganizationView},
        orgs::{Organization, OrganizationSettings},
        sso::SsoChanges,
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

fn empty_object() -> Value {
    Value::Object(Map::new())
}

fn default_true() -> bool {
    true
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs", routing::get(list).post(create))
        .route("/orgs/{org}", routing::get(get).put(update).patch(update).delete(delete))
        .route("/orgs/{org}/move", routing::post(move_to))
        .route("/orgs/{org}/children", routing::get(children))
        .route("/orgs/{org}/ancestors", routing::get(ancestors))
        .route("/orgs/{org}/deletion_impact", routing::get(deletion_impact))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    name: String,
    #[serde(default)]
    code: Option<String>,
    contact_email: String,
    #[serde(default)]
    updates_email: Option<String>,
    parent_organization_id: String,
    can_have_child_organizations: bool,
    #[serde(default = "default_true")]
    parent_has_access: bool,
    #[serde(default = "default_true")]
    parent_has_access_to_descendants: bool,
    #[serde(default)]
    logo_url: Option<String>,
    #[serde(default = "empty_object")]
    metadata: Value,
    #[serde(default)]
    first_admin_user_id: Option<String>,
    /// Seed 003: the organization's single sign-on, as `PUT …/sso` takes it.
    #[serde(default)]
    sso_configuration: Option<SsoChanges>,
}

/// The whole of an organization's settings, with the version they are expected at (if any).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsBody {
    name: String,
    #[serde(default)]
    code: Option<String>,
    contact_email: String,
    #[serde(default)]
    updates_email: Option<String>,
    can_have_child_organizations: bool,
    parent_has_access: bool,
    parent_has_access_to_descendants: bool,
    #[serde(default)]
    logo_url: Option<String>,
    #[serde(default = "empty_object")]
    metadata: Value,
    #[serde(default)]
    version: Option<i64>,
    /// Seed 003: left out, the organization's single sign-on stays as it is.
    #[serde(default)]
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    root_organization_id: Option<String>,
    can_have_child_organizations: Option<bool>,
    q: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveBody {
    parent_organization_id: String,
}

/// An organization seen only through its parent: its node, without its settings.
fn view_json(view: OrganizationView) -> Value {
    match view {
        OrganizationView::Full(org) => json!(org),
        OrganizationView::NodeOnly(org) => json!({
            "id": org.id, "name": org.name, "code": org.code,
            "parent_organization_id": org.parent_organization_id,
            "can_have_child_organizations": org.can_have_child_organizations,
            "contact_email": null, "updates_email": null, "parent_has_access": null,
            "parent_has_access_to_descendants": null, "logo_url": null, "metadata": null,
            "created_at": org.created_at, "updated_at": null, "created_by": null, "version": null,
        }),
    }
}

/// `GET /v1/orgs`
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

/// `POST /v1/orgs`
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

/// `GET /v1/orgs/{org}` (id or code), with its version as the `ETag` when it is readable in full.
pub async fn get(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
) -> ApiResult<Response> {
    let mut answer = view_json(state.domain.organization(&caller.actor, &org).await?);
    if let Some(id) = answer["id"].as_str().map(str::to_owned)
        && let Some(version) = answer["version"].as_i64()
    {
        let sso = state.domain.sso_configuration_if_readable(&caller.actor, &id).await?;
        answer["sso_configuration"] = json!(sso);
        return Ok(Versioned(version, answer).into_response());
    }
    Ok(Json(answer).into_response())
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
async fn with_sso(state: &AppState, caller: &SignedIn, org: Organization, sso: Option<SsoChanges>) -> ApiResult<Value> {
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
    let mut answer = json!(org);
    answer["sso_configuration"] = json!(configuration);
    Ok(answer)
}

/// `PUT` and `PATCH /v1/orgs/{org}`: the settings given; the others keep their value. The
/// version (`If-Match` or the body's) is checked when given.
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

/// `DELETE /v1/orgs/{org}`: the org and its whole subtree.
pub async fn delete(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
) -> ApiResult<StatusCode> {
    state.domain.delete_organization(&caller.actor, &org, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/orgs/{org}/deletion_impact`
pub async fn deletion_impact(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
) -> ApiResult<Response> {
    Ok(Json(state.domain.organization_deletion_impact(&caller.actor, &org).await?).into_response())
}

/// `POST /v1/orgs/{org}/move`
pub async fn move_to(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(body): ApiJson<MoveBody>,
) -> ApiResult<Json<Organization>> {
    Ok(Json(state.domain.move_organization(&caller.actor, &org, &body.parent_organization_id).await?))
}

/// The body of the tree-navigation endpoints.
fn node_list(nodes: Vec<crate::domain::orgs::OrganizationNode>) -> Json<Value> {
    Json(json!({ "organizations": nodes }))
}

/// `GET /v1/orgs/{org}/children`: a page at a time, by name.
pub async fn children(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<Value>> {
    let limit = paging::limit(query.limit)?;
    let children = orgs::ChildrenQuery { cursor: query.cursor.as_deref(), limit, including: None };
    let page = state.domain.organization_children(&caller.actor, &org, &children).await?;
    let has_more = page.next_cursor.is_some();
    Ok(Json(json!({ "organizations": page.children, "has_more": has_more, "next_cursor": page.next_cursor })))
}

/// `GET /v1/orgs/{org}/ancestors`: from the root down to the org.
pub async fn ancestors(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(node_list(state.domain.organization_ancestors(&caller.actor, &org).await?))
}
