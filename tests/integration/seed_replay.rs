//! Seeds 001's, 002's and 003's request examples replayed against a fresh server: each of their
//! requests, with placeholder ids replaced by real ones (and by ones that do not exist, for
//! 404 and 422 examples), answers with the status and the field names the reference gives.
//!
//! Seed 003 gives its operations no paths: [`seed_003_operations`] maps each onto Warden's
//! (or says why Warden has none), and its requests answer with the field names Warden
//! documents for them; the fields it sends that Warden does not have are refused by name.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::Engine;

use crate::support::{
    USER_PASSWORD,
    http::{Req, call},
    tenants::{Person, World},
};

const ERROR_FIELDS: &[&str] = &["error", "message", "details", "timestamp", "status_code"];
/// A policy's fields in seed 001.
pub const POLICY_FIELDS: &[&str] = &[
    "policy_id",
    "org_id",
    "name",
    "description",
    "permissions",
    "resolved_permissions",
    "created_at",
    "updated_at",
    "created_by",
];
const ROLE_FIELDS: &[&str] = &[
    "role_id",
    "org_id",
    "name",
    "description",
    "policy_ids",
    "policies",
    "is_default",
    "sso_group_names",
    "created_at",
    "updated_at",
    "created_by",
];
const MEMBER_FIELDS: &[&str] = &[
    "user_id",
    "org_id",
    "username",
    "email",
    "full_name",
    "avatar_url",
    "role_ids",
    "roles_detail",
    "permissions",
    "status",
    "joined_at",
];
const PAGE_FIELDS: &[&str] = &["total", "has_more", "next_cursor"];

/// One request of the reference, and what it answers.
struct Example {
    method: Method,
    path: String,
    body: Option<Value>,
    status: StatusCode,
    /// Fields of the answer; then, for lists, the list's key and the fields of its first item.
    fields: Vec<&'static str>,
    items: Option<(&'static str, &'static [&'static str])>,
    /// For a 422: the `type` of its entries, and the body field each names, in order.
    refused: Option<(&'static str, &'static [&'static str])>,
}

fn example(method: Method, path: String, body: Option<Value>, status: StatusCode) -> Example {
    Example { method, path, body, status, fields: Vec::new(), items: None, refused: None }
}

impl Example {
    /// Each call adds to the fields expected.
    fn fields(mut self, fields: &'static [&'static str]) -> Self {
        self.fields.extend_from_slice(fields);
        self
    }

    fn items(mut self, key: &'static str, fields: &'static [&'static str]) -> Self {
        self.items = Some((key, fields));
        self
    }

    fn refused(mut self, kind: &'static str, fields: &'static [&'static str]) -> Self {
        self.refused = Some((kind, fields));
        self
    }
}

fn missing_fields(value: &Value, fields: &[&str]) -> Vec<String> {
    fields.iter().filter(|field| value.get(**field).is_none()).map(|field| (*field).to_owned()).collect()
}

async fn seed_001_examples_answer_as_documented(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    w.with_projects().await;
    let (root, o) = (w.root.clone(), format!("/v1/orgs/{}", w.root));
    let (status, _) =
        w.root(Method::PUT, &format!("{o}/iam/resources/project/p1"), Some(json!({ "name": "P1" }))).await;
    assert_eq!(status, StatusCode::CREATED);
    let policy = w.policy(&root, "Readers", json!({ "permissions": ["org:read"] })).await;
    let role = w.role(&root, "Crew", &[&policy]).await;
    let person = w.person("pat@example.com", &root).await;
    // Its 401 and 403 examples: without a session, and as a member who may read the
    // organization but not write policies.
    w.give(&root, &person.id, &[&role]).await;
    let anonymous = w.app.send(Req::get(&format!("{o}/iam/policies"))).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(missing_fields(&anonymous.json(), ERROR_FIELDS), Vec::<String>::new());
    let (status, refused) = call(
        &w.app,
        &person.cookie,
        Method::POST,
        &format!("{o}/iam/policies"),
        Some(json!({ "name": "x", "permissions": ["org:read"] })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert!(refused["details"]["required_permission"].is_string(), "{refused}");

    let examples = [
        example(Method::GET, format!("{o}/iam/permissions/schema"), None, StatusCode::OK),
        example(Method::GET, "/v1/orgs/string/iam/permissions/schema".into(), None, StatusCode::NOT_FOUND)
            .fields(ERROR_FIELDS),
        example(Method::GET, format!("{o}/iam/resources?resource_type=project"), None, StatusCode::OK)
            .items("resources", &["id", "name", "description"]),
        example(Method::GET, format!("{o}/iam/resources?resource_type=string"), None, StatusCode::UNPROCESSABLE_ENTITY)
            .fields(&["detail"]),
        example(Method::GET, format!("{o}/iam/policies"), None, StatusCode::OK)
            .fields(PAGE_FIELDS)
            .items("policies", POLICY_FIELDS),
        // The reference's body names a permission that cannot exist: a 422 naming it.
        example(
            Method::POST,
            format!("{o}/iam/policies"),
            Some(json!({ "name": "string", "permissions": ["string"] })),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .fields(&["detail"]),
        example(
            Method::POST,
            format!("{o}/iam/policies"),
            Some(json!({ "name": "Auditors", "permissions": ["audit:read"] })),
            StatusCode::CREATED,
        )
        .fields(POLICY_FIELDS),
        example(Method::GET, format!("{o}/iam/policies/{policy}"), None, StatusCode::OK).fields(POLICY_FIELDS),
        example(Method::GET, format!("{o}/iam/policies/string"), None, StatusCode::NOT_FOUND).fields(ERROR_FIELDS),
        example(Method::PUT, format!("{o}/iam/policies/{policy}"), Some(json!({})), StatusCode::OK)
            .fields(POLICY_FIELDS),
        example(Method::GET, format!("{o}/iam/roles"), None, StatusCode::OK)
            .fields(PAGE_FIELDS)
            .items("roles", ROLE_FIELDS),
        example(Method::POST, format!("{o}/iam/roles"), Some(json!({ "name": "string" })), StatusCode::CREATED)
            .fields(ROLE_FIELDS),
        example(Method::GET, format!("{o}/iam/roles/{role}"), None, StatusCode::OK).fields(ROLE_FIELDS),
        example(Method::PUT, format!("{o}/iam/roles/{role}"), Some(json!({})), StatusCode::OK).fields(ROLE_FIELDS),
        example(Method::GET, format!("{o}/iam/members"), None, StatusCode::OK)
            .fields(PAGE_FIELDS)
            .items("members", MEMBER_FIELDS),
        example(
            Method::POST,
            format!("{o}/iam/members"),
            Some(json!({ "user_id": "string", "role_ids": ["string"] })),
            StatusCode::NOT_FOUND,
        )
        .fields(ERROR_FIELDS),
        example(
            Method::POST,
            format!("{o}/iam/members"),
            Some(json!({ "user_id": person.id, "role_ids": [role] })),
            StatusCode::OK,
        ),
        example(Method::DELETE, format!("{o}/iam/members/{}", person.id), None, StatusCode::NO_CONTENT),
        example(Method::DELETE, format!("{o}/iam/roles/{role}"), None, StatusCode::NO_CONTENT),
        example(Method::DELETE, format!("{o}/iam/policies/{policy}"), None, StatusCode::NO_CONTENT),
    ];
    replay(&w, examples, "seed 001").await;
}

on_both_engines!(seed_001_examples_answer_as_documented);

/// A role's fields in seed 002.
const SEED_002_ROLE_FIELDS: &[&str] = &["id", "slug", "name", "policies", "createdAt", "updatedAt"];

async fn seed_002_examples_answer_as_documented(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    // Its examples' rules read archives: a type the platform registers first.
    let schema = json!({ "version": 1, "resource_types": [{
        "key": "archive", "label": "Archive", "actions": [{ "key": "read", "label": "Read" }]
    }]});
    let (status, answer) = w.root(Method::PUT, "/v1/iam/permissions/schema", Some(schema)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let rules = json!([{ "action": "read", "subject": "archive", "conditions": {} }]);
    let (status, role) =
        w.root(Method::POST, "/v1/iam/roles", Some(json!({ "name": "Archivist", "policies": rules }))).await;
    assert_eq!(status, StatusCode::CREATED, "{role}");
    let role = role["id"].as_str().expect("id").to_owned();

    let examples = [
        example(Method::GET, "/v1/iam/roles".into(), None, StatusCode::OK).items("", SEED_002_ROLE_FIELDS),
        example(
            Method::POST,
            "/v1/iam/roles".into(),
            Some(json!({ "name": "Compliance Officer", "policies": rules })),
            StatusCode::CREATED,
        )
        .fields(SEED_002_ROLE_FIELDS),
        example(Method::GET, format!("/v1/iam/roles/{role}"), None, StatusCode::OK).fields(SEED_002_ROLE_FIELDS),
        example(Method::GET, "/v1/iam/roles/clx1y2z3a0000b4d2".into(), None, StatusCode::NOT_FOUND)
            .fields(ERROR_FIELDS),
        example(
            Method::PUT,
            format!("/v1/iam/roles/{role}"),
            Some(json!({ "name": "Senior Compliance Officer", "policies": rules })),
            StatusCode::OK,
        )
        .fields(SEED_002_ROLE_FIELDS),
        example(Method::DELETE, format!("/v1/iam/roles/{role}"), None, StatusCode::NO_CONTENT),
    ];
    replay(&w, examples, "seed 002").await;
}

on_both_engines!(seed_002_examples_answer_as_documented);

/// An organization's fields: seed 003's, with Warden's `version`.
pub const ORGANIZATION_FIELDS: &[&str] = &[
    "id",
    "name",
    "code",
    "contact_email",
    "updates_email",
    "parent_organization_id",
    "can_have_child_organizations",
    "parent_has_access",
    "parent_has_access_to_descendants",
    "logo_url",
    "metadata",
    "created_at",
    "updated_at",
    "created_by",
    "version",
];
/// What an answer about one organization (not the list) carries besides.
const WITH_SSO: &[&str] = &["sso_configuration"];
const ACCOUNT_FIELDS: &[&str] = &[
    "user_id",
    "email",
    "first_name",
    "last_name",
    "preferred_name",
    "full_name",
    "status",
    "created_at",
    "last_sign_in_at",
];
/// A page of users, which also pages back.
const PEOPLE_PAGE_FIELDS: &[&str] = &["total", "has_more", "next_cursor", "previous_cursor"];
const GROUP_FIELDS: &[&str] = &[
    "group_id",
    "org_id",
    "name",
    "description",
    "user_ids",
    "role_ids",
    "version",
    "created_at",
    "updated_at",
    "created_by",
];
/// An API token as seed 003 shows it to its creator (`token_id`, `name`, `created_at`,
/// `last_used_at`), with what Warden adds; its secret, `token`, only in the answer that makes it.
const TOKEN_FIELDS: &[&str] = &[
    "token_id",
    "name",
    "created_at",
    "last_used_at",
    "last_used_addr",
    "expires_at",
    "effective_expires_at",
    "prefix",
    "restriction",
    "status",
    "revoked_at",
    "revoked_by_admin",
];
const RESOURCE_TYPE_FIELDS: &[&str] =
    &["key", "label", "description", "listable", "builtin", "actions", "resource_count"];
/// Seed 003's organization fields that Warden does not have, as Warden refuses them in the
/// create sample (in its order); the update sample has `enable_metabase` too.
const LACKING_ON_CREATE: &[&str] = &[
    "rbac_template_id",
    "darryl_configuration",
    "updates_email_for_escalations_from_parent",
    "updates_email_for_escalations_from_children",
];
const LACKING_ON_UPDATE: &[&str] = &[
    "rbac_template_id",
    "darryl_configuration",
    "enable_metabase",
    "updates_email_for_escalations_from_parent",
    "updates_email_for_escalations_from_children",
];
const NO_METABASE: &str = "Warden has no Metabase integration (`enable_metabase` is refused as not supported)";
const NO_RBAC_TEMPLATES: &str = "Warden has no RBAC templates: an organization's roles are composed of its policies \
    (/v1/orgs/{org}/iam/roles, /v1/orgs/{org}/iam/policies), and `rbac_template_id` is refused as not supported";

async fn seed_003_examples_answer_as_documented(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let operations = seed_003_operations(&Seed003Ids::make(&w).await);
    assert_eq!(operations.len(), 35, "one entry per operation of seed 003");
    let examples = operations.into_iter().flat_map(|(_, in_warden)| match in_warden {
        InWarden::Replayed(examples) => examples,
        InWarden::Absent(_) => Vec::new(),
    });
    replay(&w, examples, "seed 003").await;
}

on_both_engines!(seed_003_examples_answer_as_documented);

/// What Warden has for one of seed 003's operations.
enum InWarden {
    /// Its requests, as Warden takes them, and what they answer.
    Replayed(Vec<Example>),
    /// Nothing: why, and what comes nearest.
    #[allow(dead_code)] // Read by people, beside the operation's title.
    Absent(&'static str),
}

/// Seed 003's 35 operations, in its order and by its titles: each replayed as Warden takes it,
/// or why Warden has nothing for it.
///
/// The samples are sent as they are, but for the placeholders (`"string"`) that must name
/// something or be an email, a URL or a password (real values), and for what a comment
/// translates. Seed 003 wraps each answer in `{message, data}`; Warden answers the object itself
/// (API tokens excepted: those keep seed 003's shapes). Its `User-ID` and `Organization-ID`
/// headers are not needed: the caller is the session's user, and the organization is in the path.
fn seed_003_operations(ids: &Seed003Ids) -> Vec<(&'static str, InWarden)> {
    use InWarden::{Absent, Replayed};
    let Seed003Ids { root, acme, member_role, pat, leaving, group, token } = ids;
    let (pat_path, groups) = (format!("/v1/users/{}", pat.id), format!("/v1/orgs/{acme}/iam/groups"));
    // Its code is `string` too: it is read, changed and deleted by it (seed 003, like Warden,
    // takes an id or a code).
    let organization = json!({
        "name": "string", "code": "string", "contact_email": "ops@example.com", "updates_email": "news@example.com",
        "parent_organization_id": root, "can_have_child_organizations": true,
        "parent_has_access_to_descendants": true, "parent_has_access": true, "logo_url": "https://example.com/logo.png",
        // The sample leaves it empty: Warden's single sign-on, as PUT /v1/orgs/{org}/sso takes it.
        "sso_configuration": {
            "issuer": "https://login.example.com", "client_id": "warden", "client_secret": "s3cret"
        },
        "metadata": {}
    });
    // Its `sso_configuration` as the sample has it: the fields left out keep their value.
    let changes = json!({
        "name": "string", "contact_email": "ops@example.com", "updates_email": "news@example.com",
        "logo_url": "https://example.com/logo.png", "sso_configuration": {}, "metadata": {}
    });
    let user = json!({ "first_name": "string", "last_name": "string", "preferred_name": "string",
        "email": "dana@example.com", "password": USER_PASSWORD, "organization_id": acme });
    let names = json!({ "first_name": "string", "last_name": "string", "preferred_name": "string" });
    vec![
        (
            "create an organization",
            Replayed(vec![
                // The sample: the fields Warden lacks are refused by name, and nothing is made.
                example(
                    Method::POST,
                    "/v1/orgs".into(),
                    Some(plus(&organization, sampled(LACKING_ON_CREATE))),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .refused("not_supported", LACKING_ON_CREATE),
                example(Method::POST, "/v1/orgs".into(), Some(organization), StatusCode::CREATED)
                    .fields(ORGANIZATION_FIELDS)
                    .fields(WITH_SSO),
            ]),
        ),
        (
            "get list of organizations",
            Replayed(vec![
                example(Method::GET, "/v1/orgs".into(), None, StatusCode::OK)
                    .fields(PAGE_FIELDS)
                    .items("organizations", ORGANIZATION_FIELDS),
            ]),
        ),
        (
            "filter organizations",
            // Its body's `root_organization_id` and `can_have_child_organizations` are the list's
            // query parameters. The list holds what the caller may read (there is no
            // `user_permissions`, `feature` nor `include_*`), without single sign-on.
            Replayed(vec![
                example(
                    Method::GET,
                    format!("/v1/orgs?root_organization_id={root}&can_have_child_organizations=true"),
                    None,
                    StatusCode::OK,
                )
                .fields(PAGE_FIELDS)
                .items("organizations", ORGANIZATION_FIELDS),
            ]),
        ),
        (
            "get details of an organization",
            Replayed(vec![
                example(Method::GET, "/v1/orgs/string".into(), None, StatusCode::OK)
                    .fields(ORGANIZATION_FIELDS)
                    .fields(WITH_SSO),
            ]),
        ),
        (
            "update an organization",
            // PUT (or PATCH): the fields given change, the others keep their value.
            Replayed(vec![
                example(
                    Method::PUT,
                    "/v1/orgs/string".into(),
                    Some(plus(&changes, sampled(LACKING_ON_UPDATE))),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .refused("not_supported", LACKING_ON_UPDATE),
                example(Method::PUT, "/v1/orgs/string".into(), Some(changes), StatusCode::OK)
                    .fields(ORGANIZATION_FIELDS)
                    .fields(WITH_SSO),
            ]),
        ),
        (
            "delete an organization",
            // 204, without `{message}`. As in seed 003 the subtree goes too, and nobody deletes
            // their own organization (409: organizations.rs).
            Replayed(vec![example(Method::DELETE, "/v1/orgs/string".into(), None, StatusCode::NO_CONTENT)]),
        ),
        (
            "upload logo of an organization",
            Absent(
                "Warden keeps a logo's address (`logo_url`, on create and update), not its image: nothing is uploaded",
            ),
        ),
        ("deletes and recreates metabase resources", Absent(NO_METABASE)),
        ("gets metabase session", Absent(NO_METABASE)),
        (
            "create user",
            Replayed(vec![
                // Its `role` is refused by name: the user joins `organization_id` with its default
                // roles (Member, seed 003's `user`); Admin and Super Admin are given there like any
                // role (see update user details).
                example(
                    Method::POST,
                    "/v1/users".into(),
                    Some(plus(&user, json!({ "role": "user" }))),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .refused("extra_forbidden", &["role"]),
                example(Method::POST, "/v1/users".into(), Some(user), StatusCode::CREATED).fields(ACCOUNT_FIELDS),
            ]),
        ),
        (
            "filter users",
            // Its `filter` and `sort` are query parameters: one `organization_id` (without it,
            // every organization where the caller may read members), `q`, `status`, `sort`; its
            // `page` and `size` are `cursor` and `limit`.
            Replayed(vec![
                example(Method::GET, format!("/v1/users?organization_id={acme}&limit=10"), None, StatusCode::OK)
                    .fields(PEOPLE_PAGE_FIELDS)
                    .items("users", ACCOUNT_FIELDS),
            ]),
        ),
        (
            "filter logged in users",
            // There is no "signed in" filter: each user has `last_sign_in_at`, and the list is
            // ordered by it, latest first (those who never signed in last). Its
            // `accessible_organization_list` is one `organization_id`, as in filter users.
            Replayed(vec![
                example(
                    Method::GET,
                    format!("/v1/users?organization_id={acme}&sort=-last_sign_in&limit=10"),
                    None,
                    StatusCode::OK,
                )
                .fields(PEOPLE_PAGE_FIELDS)
                .items("users", ACCOUNT_FIELDS),
            ]),
        ),
        (
            "bulk delete users",
            Absent(
                "accounts are deleted one at a time (delete user); Warden's bulk change is of one role across \
                 members (POST /v1/orgs/{org}/iam/members/bulk-roles)",
            ),
        ),
        (
            "fetch user details",
            Replayed(vec![example(Method::GET, pat_path.clone(), None, StatusCode::OK).fields(ACCOUNT_FIELDS)]),
        ),
        (
            "update user details",
            // PATCH (an account has no PUT). Its `role` is refused by name: a role is held in an
            // organization, set with the member's roles there (`user` is the predefined Member;
            // `admin` Admin, `superadmin` Super Admin).
            Replayed(vec![
                example(
                    Method::PATCH,
                    pat_path.clone(),
                    Some(plus(&names, json!({ "role": "user" }))),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .refused("extra_forbidden", &["role"]),
                example(Method::PATCH, pat_path, Some(names), StatusCode::OK).fields(ACCOUNT_FIELDS),
                example(
                    Method::POST,
                    format!("/v1/orgs/{acme}/iam/members"),
                    Some(json!({ "user_id": pat.id, "role_ids": [member_role] })),
                    StatusCode::OK,
                ),
            ]),
        ),
        (
            "delete user",
            // 204, without `{message}`. As in seed 003, nobody deletes themselves, and an Admin
            // cannot delete a Super Admin.
            Replayed(vec![example(Method::DELETE, format!("/v1/users/{leaving}"), None, StatusCode::NO_CONTENT)]),
        ),
        (
            "fetch user details from email",
            // GET /v1/users/{user_id} takes an id only: the list's `q` finds an email.
            Replayed(vec![
                example(Method::GET, format!("/v1/users?q={}", pat.email), None, StatusCode::OK)
                    .fields(PEOPLE_PAGE_FIELDS)
                    .items("users", ACCOUNT_FIELDS),
            ]),
        ),
        (
            "verify email and domain from email",
            Absent(
                "the API has no such check: the sign-in page finds the organizations whose single sign-on \
                 allows an email's domain (`allowed_email_domains`), and an admin finds an account by its email \
                 with fetch user details from email",
            ),
        ),
        (
            "create user group",
            // A group is an organization's: under its path (the sample's `parent_organization_id`).
            // It gives its members roles of the organization (`role_ids`), which reach below as
            // the organizations let them, instead of `accessible_organizations`; Warden has no
            // cases (`can_assign_cases`, `case_categories`).
            Replayed(vec![
                example(
                    Method::POST,
                    groups.clone(),
                    Some(json!({ "name": "string", "description": "string", "user_ids": [pat.id] })),
                    StatusCode::CREATED,
                )
                .fields(GROUP_FIELDS),
            ]),
        ),
        (
            "filter user groups",
            // One organization's groups; its `page` and `size` are `cursor` and `limit`.
            Replayed(vec![
                example(Method::GET, format!("{groups}?limit=10"), None, StatusCode::OK)
                    .fields(PAGE_FIELDS)
                    .items("groups", GROUP_FIELDS),
            ]),
        ),
        (
            "get user group",
            Replayed(vec![
                example(Method::GET, format!("{groups}/{group}"), None, StatusCode::OK).fields(GROUP_FIELDS),
            ]),
        ),
        (
            "update user group",
            // The group keeps its name: `string` is create user group's, and names are unique in
            // an organization. The other fields as in create user group.
            Replayed(vec![
                example(
                    Method::PUT,
                    format!("{groups}/{group}"),
                    Some(json!({ "name": "Crew", "description": "string", "user_ids": [pat.id] })),
                    StatusCode::OK,
                )
                .fields(GROUP_FIELDS),
            ]),
        ),
        (
            "delete user group",
            Replayed(vec![example(Method::DELETE, format!("{groups}/{group}"), None, StatusCode::NO_CONTENT)]),
        ),
        (
            "create API token",
            Replayed(vec![
                example(Method::POST, "/v1/tokens".into(), Some(json!({ "name": "string" })), StatusCode::CREATED)
                    .fields(TOKEN_FIELDS)
                    .fields(&["token"]),
                // The working token of that name, without its secret.
                example(
                    Method::POST,
                    "/v1/tokens?return_active_token_if_exists=true".into(),
                    Some(json!({ "name": "string" })),
                    StatusCode::OK,
                )
                .fields(TOKEN_FIELDS),
            ]),
        ),
        (
            "list all API Tokens created by a user",
            Replayed(vec![
                example(Method::GET, "/v1/tokens".into(), None, StatusCode::OK)
                    .fields(&["message", "data", "total"])
                    .items("data", TOKEN_FIELDS),
            ]),
        ),
        (
            "delete an API Token",
            // Revoked; seed 003's `{message}`.
            Replayed(vec![
                example(Method::DELETE, format!("/v1/tokens/{token}"), None, StatusCode::OK).fields(&["message"]),
            ]),
        ),
        (
            "list permissions",
            // Every resource type with its actions (a permission is `type:action`), as seen from
            // an organization.
            Replayed(vec![
                example(Method::GET, format!("/v1/orgs/{root}/iam/permissions/schema"), None, StatusCode::OK)
                    .fields(&["org_id", "version", "resource_types"])
                    .items("resource_types", RESOURCE_TYPE_FIELDS),
            ]),
        ),
        (
            "list disabled permissions for user",
            Absent(
                "Warden switches no permission off: a user lacks what no role grants or a deny statement \
                 refuses; GET /v1/users/{user_id}/effective-permissions lists what they hold, and POST \
                 /v1/orgs/{org}/iam/check explains one",
            ),
        ),
        ("List Organization RBAC templates", Absent(NO_RBAC_TEMPLATES)),
        ("Create Organization RBAC template", Absent(NO_RBAC_TEMPLATES)),
        ("Get Organization RBAC template", Absent(NO_RBAC_TEMPLATES)),
        ("Update Organization RBAC template", Absent(NO_RBAC_TEMPLATES)),
        ("Delete Organization RBAC template", Absent(NO_RBAC_TEMPLATES)),
        ("List of allowed permissions for the organization RBAC template", Absent(NO_RBAC_TEMPLATES)),
        ("List allowed RBAC movement", Absent(NO_RBAC_TEMPLATES)),
    ]
}

/// What seed 003's placeholders stand for, made beforehand: an organization with two members
/// (one to delete) and a group of them, its predefined Member role, and an API token.
struct Seed003Ids {
    root: String,
    acme: String,
    member_role: String,
    pat: Person,
    leaving: String,
    group: String,
    token: String,
}

impl Seed003Ids {
    async fn make(w: &World) -> Self {
        let acme = w.org("Acme", &w.root).await;
        let pat = w.person("pat@example.com", &acme).await;
        let leaving = w.person("lee@example.com", &acme).await.id;
        let crew = json!({ "name": "Crew", "user_ids": [pat.id] });
        let group = made(w, &format!("/v1/orgs/{acme}/iam/groups"), crew, "group_id").await;
        let token = made(w, "/v1/tokens", json!({ "name": "Old token" }), "token_id").await;
        let member_role = w.predefined(&acme, "member").await;
        Self { root: w.root.clone(), acme, member_role, pat, leaving, group, token }
    }
}

/// Makes something with a POST as the root's admin; its id (`key`).
async fn made(w: &World, path: &str, body: Value, key: &str) -> String {
    let (status, answer) = w.root(Method::POST, path, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {answer}");
    answer[key].as_str().expect(key).to_owned()
}

/// These organization fields of seed 003, valued as its samples value them.
fn sampled(fields: &[&str]) -> Value {
    let mut sampled = json!({});
    for field in fields {
        sampled[*field] = match *field {
            "rbac_template_id" => json!("string"),
            "darryl_configuration" => json!({}),
            "enable_metabase" => json!(true),
            // The escalation email lists.
            _ => json!(["string"]),
        };
    }
    sampled
}

/// `body` with `more`'s fields added.
fn plus(body: &Value, more: Value) -> Value {
    let mut body = body.clone();
    if let (Some(fields), Value::Object(more)) = (body.as_object_mut(), more) {
        fields.extend(more);
    }
    body
}

/// Sends each example as the root's first admin; fails naming every one that answered
/// otherwise. An example's `items` key `""` means the answer is the list itself.
async fn replay(w: &World, examples: impl IntoIterator<Item = Example>, seed: &str) {
    let mut wrong = Vec::new();
    for example in examples {
        let (status, answer) = w.root(example.method.clone(), &example.path, example.body.clone()).await;
        let what = format!("{} {}", example.method, example.path);
        if status != example.status {
            wrong.push(format!("{what}: {status}, not {}: {answer}", example.status));
            continue;
        }
        let mut missing = missing_fields(&answer, &example.fields);
        if let Some((key, fields)) = example.items {
            let list = if key.is_empty() { &answer } else { &answer[key] };
            match list.as_array().and_then(|items| items.first()) {
                Some(first) => {
                    missing.extend(missing_fields(first, fields).into_iter().map(|f| format!("{key}[0].{f}")))
                }
                None => missing.push(format!("{key}[0]")),
            }
        }
        if !missing.is_empty() {
            wrong.push(format!("{what}: lacks {missing:?}: {answer}"));
        }
        if let Some((kind, fields)) = example.refused {
            let expected: Vec<(Value, Value)> =
                fields.iter().map(|field| (json!(["body", field]), json!(kind))).collect();
            if refusals(&answer) != expected {
                wrong.push(format!("{what}: does not refuse {fields:?} as {kind}: {answer}"));
            }
        }
    }
    assert!(wrong.is_empty(), "not as {seed} documents:\n{}", wrong.join("\n"));
}

/// A 422's entries, each as its `loc` and `type`.
fn refusals(answer: &Value) -> Vec<(Value, Value)> {
    let entries = answer["detail"].as_array().into_iter().flatten();
    entries.map(|entry| (entry["loc"].clone(), entry["type"].clone())).collect()
}
