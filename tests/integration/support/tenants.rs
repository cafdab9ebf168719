//! A multi-tenant world built through the REST API, as admins would build it: the root's first
//! admin, tenant organizations, users created in them (their home), roles and policies.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{
    TestApp, USER_PASSWORD,
    http::{call, root_org},
};

pub struct World {
    pub app: TestApp,
    /// The root's first admin (Super Admin of the root).
    pub root_cookie: String,
    pub root: String,
}

/// A signed-in user: id and session cookie.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    pub email: String,
    pub cookie: String,
}

impl World {
    pub async fn start(engine: warden::domain::Engine) -> Option<Self> {
        let app = TestApp::start(engine).await?;
        let root_cookie = app.admin_cookie().await;
        let root = root_org(&app, &root_cookie).await;
        Some(Self { app, root_cookie, root })
    }

    /// A REST call as the root's first admin.
    pub async fn root(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        call(&self.app, &self.root_cookie, method, path, body).await
    }

    /// A REST call as `person`.
    pub async fn as_(&self, person: &Person, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        call(&self.app, &person.cookie, method, path, body).await
    }

    /// An organization under `parent`, created by the root's admin.
    pub async fn org(&self, name: &str, parent: &str) -> String {
        let body = json!({ "name": name, "contact_email": "ops@example.com", "parent_organization_id": parent,
                           "can_have_child_organizations": true });
        let (status, org) = self.root(Method::POST, "/v1/orgs", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{org}");
        org["id"].as_str().expect("id").to_owned()
    }

    /// A user created in `home` (a member there with its default roles), signed in.
    pub async fn person(&self, email: &str, home: &str) -> Person {
        let body = json!({ "email": email, "organization_id": home, "password": USER_PASSWORD });
        let (status, user) = self.root(Method::POST, "/v1/users", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{user}");
        let cookie = self.app.user_cookie(email).await;
        Person { id: user["user_id"].as_str().expect("id").to_owned(), email: email.to_owned(), cookie }
    }

    /// Sets `user`'s roles in `org` (as the root's admin).
    pub async fn give(&self, org: &str, user: &str, role_ids: &[&str]) {
        let body = json!({ "user_id": user, "role_ids": role_ids });
        let (status, answer) = self.root(Method::POST, &format!("/v1/orgs/{org}/iam/members"), Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }

    pub async fn predefined(&self, org: &str, slug: &str) -> String {
        self.app.role_id(org, slug).await
    }

    /// A policy of `org` saying `content` (`statements` or `permissions`), made by the root's admin.
    pub async fn policy(&self, org: &str, name: &str, content: Value) -> String {
        let mut body = content;
        body["name"] = json!(name);
        let (status, policy) = self.root(Method::POST, &format!("/v1/orgs/{org}/iam/policies"), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{policy}");
        policy["policy_id"].as_str().expect("id").to_owned()
    }

    /// A role of `org` made of these policies, by the root's admin.
    pub async fn role(&self, org: &str, name: &str, policy_ids: &[&str]) -> String {
        let body = json!({ "name": name, "policy_ids": policy_ids });
        let (status, role) = self.root(Method::POST, &format!("/v1/orgs/{org}/iam/roles"), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{role}");
        role["role_id"].as_str().expect("id").to_owned()
    }

    /// A role of `org` allowing these permission strings.
    pub async fn allow_role(&self, org: &str, name: &str, permissions: &[&str]) -> String {
        let policy = self.policy(org, &format!("{name} policy"), json!({ "permissions": permissions })).await;
        self.role(org, name, &[&policy]).await
    }

    /// What the organization page shows beside the access flag `flag` of `org`, to `cookie`:
    /// what flipping it would do (`{flag, turning_on, refused, impact}`).
    pub async fn flag_preview(&self, cookie: &str, org: &str, flag: &str) -> Value {
        let page = super::http::Req::new(Method::POST, "/api/org-detail")
            .same_origin()
            .cookie(cookie)
            .header("accept", "application/json")
            .form(&[("org_id", org)]);
        let detail = self.app.send(page).await.json();
        let previews = detail["flag_previews"].as_array().unwrap_or_else(|| panic!("no previews: {detail}"));
        previews.iter().find(|p| p["flag"] == flag).cloned().unwrap_or_else(|| panic!("no {flag}: {detail}"))
    }

    /// Adds `project` (listable; read, deploy) to the schema, a type no predefined Admin holds.
    pub async fn with_projects(&self) {
        let body = json!({ "version": 1, "resource_types": [{
            "key": "project", "label": "Project", "listable": true,
            "actions": [{ "key": "read", "label": "Read" }, { "key": "deploy", "label": "Deploy" }]
        }]});
        let (status, answer) = self.root(Method::PUT, "/v1/iam/permissions/schema", Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
}

/// The permissions a refusal by the anti-escalation rule names.
pub fn refused_permissions(status: StatusCode, body: &Value) -> Vec<String> {
    assert_eq!(status, StatusCode::FORBIDDEN, "expected a refusal: {body}");
    body["details"]["permissions"]
        .as_array()
        .unwrap_or_else(|| panic!("no details.permissions: {body}"))
        .iter()
        .map(|p| p["permission"].as_str().expect("permission").to_owned())
        .collect()
}
