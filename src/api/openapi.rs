//! The OpenAPI 3.1 document of the REST API, served at `/v1/openapi.json`.
//!
//! Each handler describes itself (`#[utoipa::path]`) and is registered through `routes!`, which
//! gives the router and the document from one registration: what is served is what is
//! documented. What every operation shares is added here once: the error bodies, the ways to
//! authenticate, paging and the tags.

use std::sync::LazyLock;

use axum::Json;
use serde_json::Value;
use utoipa::{
    IntoParams, Modify, OpenApi, PartialSchema, ToSchema,
    openapi::{
        self, ContentBuilder, HttpMethod, Object, ObjectBuilder, PathItem, Ref, RefOr, ResponseBuilder, Schema, Type,
        link::LinkBuilder,
        path::Operation,
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme},
    },
};

use super::{
    error::{ErrorBody, ValidationBody, ValidationProblem},
    json::{ApiQuery, NoQuery},
};
use crate::web::sessions::COOKIE_NAME;

/// What the document says before any operation is added: the API, its tags and what the
/// operations share.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Warden API",
        description = "Identity and access management over an organization tree.\n\n\
            **Authentication**: a browser session (the `warden_session` cookie), or an API token \
            in `Authorization: Bearer <token>` or `X-API-KEY: <token>`. A token acts with at most \
            its creator's rights.\n\n\
            **Errors**: every error but 422 has the body `ErrorBody`; 422 has `ValidationBody`, one \
            entry per problem, `loc` naming the field, query parameter or header at fault. Unknown \
            query parameters and body fields are 422, never ignored.\n\n\
            **Paging**: lists take `limit` (1 to 200, default 50) and `cursor`, and answer \
            `has_more` and `next_cursor`: pass `next_cursor` back as `cursor` for the next page. \
            Cursors are opaque and stable under concurrent inserts and deletes.\n\n\
            **Versions**: single objects carry `version`, and their GET answers it as the `ETag`. \
            A change may send it back in the body or in `If-Match`; a stale one is 409. PUT and \
            PATCH both change only the fields given (the permission schema's PUT replaces it whole).",
        version = "1"
    ),
    components(schemas(ErrorBody, ValidationBody, ValidationProblem)),
    tags(
        (name = "health", description = "Is the server up, and its database"),
        (name = "sessions", description = "Who the caller is; the caller's password"),
        (name = "users", description = "Accounts"),
        (name = "orgs", description = "The organization tree: settings, access flags, moves"),
        (name = "schema", description = "The permission schema and the resource catalog"),
        (name = "policies", description = "Allow and deny statements"),
        (name = "roles", description = "Roles made of policies"),
        (name = "members", description = "Memberships and the roles members hold"),
        (name = "groups", description = "Groups that hold roles for their members"),
        (name = "explorer", description = "Can X do Y here, and why; who can; where"),
        (name = "tokens", description = "API tokens and each organization's token policy"),
        (name = "sso", description = "Single sign-on through the organization's OpenID Connect provider"),
        (name = "audit", description = "The audit log, its export and each object's history"),
        (name = "compat: seed 002", description = "Seed 002's `/iam/roles`: the platform's roles, read and written with inline CASL rules"),
        (name = "compat: seed 004", description = "Seed 004's `iam-policies` shape over Warden's policies"),
        (name = "reference", description = "This document"),
    ),
    modifiers(&Authentication)
)]
pub struct ApiDoc;

/// The ways to authenticate, required by every operation that does not say otherwise.
struct Authentication;

impl Modify for Authentication {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components
            .add_security_scheme("session", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(COOKIE_NAME))));
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components
            .add_security_scheme("api_key", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-KEY"))));
        doc.security = Some(
            ["session", "bearer", "api_key"]
                .into_iter()
                .map(|scheme| SecurityRequirement::new(scheme, Vec::<String>::new()))
                .collect(),
        );
    }
}

/// The error answers, named once in `components.responses` and referenced by each operation
/// that can give them (applied once the operations are in).
struct Errors;

impl Errors {
    const BODY_ERRORS: [(&'static str, &'static str); 10] = [
        ("400", "The request cannot be read: credentials sent twice or in the query, a body that is not UTF-8"),
        ("401", "Not signed in, or the token is unknown, expired or revoked"),
        ("403", "Signed in, but without the permission this needs"),
        ("404", "Not found, or not visible to the caller (the two answer alike)"),
        ("409", "A stale version, or a rule of the tree or of access that the change would break"),
        ("413", "The request body is too large"),
        ("415", "The request body is not JSON"),
        ("429", "Too many attempts; retry later"),
        ("500", "An unexpected error"),
        ("503", "The request took too long, or the database is unreachable"),
    ];
}

impl Errors {
    /// POSTs that ask and change nothing: they cannot meet a stale version or break a rule (no
    /// 409).
    pub const QUESTIONS: [&'static str; 4] = [
        "/v1/orgs/{org}/iam/check",
        "/v1/orgs/{org}/iam/policies/{policy_id}/impact",
        "/v1/orgs/{org}/sso/preview",
        "/v1/orgs/{org}/sso/test",
    ];
    /// Operations whose (optional) body is read whatever its content type says (no 415).
    pub const ANY_BODY: [&'static str; 1] = ["/v1/orgs/{org}/sso/test"];
}

impl Modify for Errors {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        for (status, description) in Self::BODY_ERRORS {
            components.responses.insert(status.to_owned(), json_response(description, "ErrorBody"));
        }
        components.responses.insert(
            "422".to_owned(),
            json_response("The request is malformed: one entry per problem", "ValidationBody"),
        );
        for (path, item) in doc.paths.paths.iter_mut() {
            for (method, operation) in operations(item) {
                let public = operation.security.as_ref().is_some_and(|s| s.iter().all(is_anonymous));
                let has_body = operation.request_body.is_some() && !Self::ANY_BODY.contains(&path.as_str());
                let changes =
                    !matches!(method, HttpMethod::Get | HttpMethod::Head) && !Self::QUESTIONS.contains(&path.as_str());
                let names_something = operation.parameters.as_ref().is_some_and(|parameters| {
                    parameters.iter().any(|p| matches!(p.parameter_in, openapi::path::ParameterIn::Path))
                });
                let applies = |status: &str| match status {
                    "401" | "403" => !public,
                    // Nothing to find: a public operation whose path names nothing (`/healthz`).
                    "404" => !public || names_something,
                    "409" => changes,
                    "415" => has_body,
                    "429" => !public,
                    _ => true,
                };
                for status in ["400", "401", "403", "404", "409", "413", "415", "422", "429", "500", "503"] {
                    if applies(status) {
                        operation
                            .responses
                            .responses
                            .entry(status.to_owned())
                            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(status)));
                    }
                }
            }
        }
    }
}

/// Operation ids unique across the document (handlers are named `list`, `get`... in each
/// capability): the tag, then the handler's name, as in `roles_list`; a handler serving two
/// methods (PUT and PATCH) adds the second's name to its second operation.
struct OperationIds;

impl Modify for OperationIds {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        let mut taken = std::collections::HashSet::new();
        for item in doc.paths.paths.values_mut() {
            for (method, operation) in operations(item) {
                let tag = operation.tags.as_ref().and_then(|tags| tags.first()).cloned().unwrap_or_default();
                let tag: String = tag.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
                let name = operation.operation_id.take().unwrap_or_default();
                let mut id = format!("{}_{name}", tag.trim_matches('_').replace("__", "_"));
                if taken.contains(&id) {
                    id = format!("{id}_{}", method_name(&method));
                }
                taken.insert(id.clone());
                operation.operation_id = Some(id);
            }
        }
    }
}

/// Links from each create (a POST answering 201) to the operations on what it created, for
/// clients and for Schemathesis' stateful phase to follow: the path parameter right below the
/// POST's path takes the created object's field of that name (or its `id`); any other path
/// parameter, the request's own.
struct Links;

impl Modify for Links {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        let mut targets = Vec::new();
        for (path, mut item) in doc.paths.paths.clone() {
            for (_, operation) in operations(&mut item) {
                targets.push((path.clone(), operation.operation_id.clone().unwrap_or_default()));
            }
        }
        let fields = schema_fields(doc);
        for (path, item) in doc.paths.paths.iter_mut() {
            let Some(RefOr::T(created)) = item.post.as_mut().and_then(|post| post.responses.responses.get_mut("201"))
            else {
                continue;
            };
            let created_fields = created
                .content
                .values()
                .find_map(|content| match &content.schema {
                    Some(RefOr::Ref(reference)) => fields.get(reference.ref_location.rsplit('/').next()?),
                    _ => None,
                })
                .cloned()
                .unwrap_or_default();
            for (target_path, target_id) in &targets {
                let Some((param, _)) =
                    target_path.strip_prefix(&format!("{path}/{{")).and_then(|rest| rest.split_once('}'))
                else {
                    continue;
                };
                // `{role_id}` is the role's `role_id`; `{id}` in `…/roles/{id}/history` too (the
                // field a sibling path names); `{org}`, the organization's `id`.
                let sibling = targets.iter().find_map(|(other, _)| {
                    let (name, _) = other.strip_prefix(&format!("{path}/{{"))?.split_once('}')?;
                    created_fields.iter().any(|f| f == name).then_some(name)
                });
                let field = if created_fields.iter().any(|f| f == param) { param } else { sibling.unwrap_or("id") };
                let names: Vec<&str> =
                    target_path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).collect();
                // Only what the create's answer and its own path can fill.
                if names.iter().any(|name| *name != param && !path.contains(&format!("{{{name}}}"))) {
                    continue;
                }
                let mut link = LinkBuilder::new().operation_id(target_id.clone());
                for name in names {
                    let value = if name == param {
                        format!("$response.body#/{field}")
                    } else {
                        format!("$request.path.{name}")
                    };
                    link = link.parameter(name, value);
                }
                created.links.insert(target_id.clone(), RefOr::T(link.build()));
            }
        }
    }
}

/// Each named schema's fields.
fn schema_fields(doc: &openapi::OpenApi) -> std::collections::HashMap<String, Vec<String>> {
    let Some(components) = doc.components.as_ref() else { return Default::default() };
    components
        .schemas
        .iter()
        .filter_map(|(name, schema)| match schema {
            RefOr::T(Schema::Object(object)) => Some((name.clone(), object.properties.keys().cloned().collect())),
            _ => None,
        })
        .collect()
}

fn json_response(description: &str, schema: &str) -> RefOr<openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name(schema))).build())
            .build(),
    )
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = (HttpMethod, &mut Operation)> {
    [
        (HttpMethod::Get, item.get.as_mut()),
        (HttpMethod::Put, item.put.as_mut()),
        (HttpMethod::Post, item.post.as_mut()),
        (HttpMethod::Delete, item.delete.as_mut()),
        (HttpMethod::Patch, item.patch.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.map(|operation| (method, operation)))
}

fn method_name(method: &HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "get",
        HttpMethod::Put => "put",
        HttpMethod::Post => "post",
        HttpMethod::Delete => "delete",
        HttpMethod::Patch => "patch",
        _ => "other",
    }
}

fn is_anonymous(requirement: &SecurityRequirement) -> bool {
    requirement == &SecurityRequirement::default()
}

/// The JSON `null` some answers are (an operation's body) or some fields always hold.
pub struct JsonNull;

impl PartialSchema for JsonNull {
    fn schema() -> RefOr<Schema> {
        null_schema().into()
    }
}

impl ToSchema for JsonNull {}

/// The schema of `null` alone (for `#[schema(schema_with = ...)]`).
pub fn null_schema() -> Object {
    ObjectBuilder::new().schema_type(Type::Null).build()
}

/// `{org}` in a path: an organization, by id or by code.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // Described to clients; handlers read it through `Path<String>`.
pub struct OrgPath {
    /// The organization's id, or its code
    org: String,
}

/// The document, built once: from the same registrations the router serves.
pub fn document() -> &'static openapi::OpenApi {
    static DOCUMENT: LazyLock<openapi::OpenApi> = LazyLock::new(|| {
        let mut document = super::documented_routes().split_for_parts().1;
        Errors.modify(&mut document);
        OperationIds.modify(&mut document);
        Links.modify(&mut document);
        document
    });
    &DOCUMENT
}

/// This document: the API in OpenAPI 3.1.
#[utoipa::path(get, path = "/v1/openapi.json", tag = "reference", security(()),
    responses((status = 200, description = "This document (OpenAPI 3.1)", content_type = "application/json")))]
pub async fn openapi_json(_: ApiQuery<NoQuery>) -> Json<&'static Value> {
    Json(document_json())
}

/// The document as JSON, made once (what `/v1/openapi.json` sends and `/api-docs` renders).
pub fn document_json() -> &'static Value {
    // Serializing plain data into a `Value` cannot fail; `null` would say so if it did.
    static JSON: LazyLock<Value> = LazyLock::new(|| {
        let mut json = serde_json::to_value(document()).unwrap_or_default();
        camel_case_links(&mut json);
        json
    });
    &JSON
}

/// utoipa 5.5 writes a link's fields in snake case (`operation_id`); OpenAPI names them in
/// camel case (`operationId`), and clients ignore a link they cannot read.
fn camel_case_links(json: &mut Value) {
    let operations = json["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .flat_map(|item| item.as_object_mut().into_iter().flat_map(|methods| methods.values_mut()));
    for operation in operations {
        let responses = operation["responses"].as_object_mut().into_iter().flat_map(|r| r.values_mut());
        for response in responses {
            let links =
                response.get_mut("links").and_then(Value::as_object_mut).into_iter().flat_map(|l| l.values_mut());
            for link in links.filter_map(Value::as_object_mut) {
                for (snake, camel) in [
                    ("operation_id", "operationId"),
                    ("operation_ref", "operationRef"),
                    ("request_body", "requestBody"),
                ] {
                    if let Some(value) = link.remove(snake) {
                        link.insert(camel.to_owned(), value);
                    }
                }
            }
        }
    }
}
