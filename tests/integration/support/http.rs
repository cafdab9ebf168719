//! Sending requests to the app in-process (tower `oneshot`), like a browser would.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;

use axum::{
    body::{Body, Bytes},
    extract::ConnectInfo,
    http::{HeaderMap, Method, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::{ADMIN_EMAIL, ADMIN_PASSWORD, PUBLIC_ORIGIN, TestApp};

pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `name=value` part of the session cookie this response sets, if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.set_cookie_header().map(|c| c.split(';').next().unwrap_or_default().to_owned())
    }

    pub fn set_cookie_header(&self) -> Option<&str> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("warden_session="))
    }
}

/// A request as a same-origin browser on 127.0.0.1 would send it.
pub struct Req {
    builder: axum::http::request::Builder,
    body: Body,
    client: SocketAddr,
}

impl Req {
    pub fn new(method: Method, path: &str) -> Self {
        let builder = Request::builder().method(method).uri(path);
        Self { builder, body: Body::empty(), client: SocketAddr::from(([127, 0, 0, 1], 40000)) }
    }

    pub fn get(path: &str) -> Self {
        Self::new(Method::GET, path)
    }

    /// A page navigation (what a browser's address bar sends).
    pub fn page(path: &str) -> Self {
        Self::get(path).header("accept", "text/html,application/xhtml+xml")
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.builder = self.builder.header(name, value);
        self
    }

    pub fn cookie(self, cookie: &str) -> Self {
        self.header("cookie", cookie)
    }

    pub fn same_origin(self) -> Self {
        self.header("origin", PUBLIC_ORIGIN)
    }

    pub fn client_ip(mut self, ip: [u8; 4]) -> Self {
        self.client = SocketAddr::from((ip, 40000));
        self
    }

    pub fn form(mut self, fields: &[(&str, &str)]) -> Self {
        let body: String = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        self.builder = self.builder.header("content-type", "application/x-www-form-urlencoded");
        self.body = Body::from(body);
        self
    }

    pub fn json(mut self, body: &str) -> Self {
        self.builder = self.builder.header("content-type", "application/json");
        self.body = Body::from(body.to_owned());
        self
    }

    pub fn body(mut self, content_type: &str, body: &str) -> Self {
        self.builder = self.builder.header("content-type", content_type);
        self.body = Body::from(body.to_owned());
        self
    }
}

impl TestApp {
    pub async fn send(&self, req: Req) -> Response {
        let (parts, body) = self.send_streaming(req).await.into_parts();
        let body = body.collect().await.expect("body").to_bytes();
        Response { status: parts.status, headers: parts.headers, body }
    }

    /// Sends `req` and answers once the response's head is there: its body is read as the caller
    /// pulls it, frame by frame, as the server produces it.
    pub async fn send_streaming(&self, req: Req) -> axum::http::Response<axum::body::Body> {
        let mut request = req.builder.body(req.body).expect("request");
        // As an HTTP client sends a body of known length: with its Content-Length.
        if let Some(length) = axum::body::HttpBody::size_hint(request.body()).exact()
            && length > 0
            && !request.headers().contains_key(header::CONTENT_LENGTH)
        {
            request.headers_mut().insert(header::CONTENT_LENGTH, length.into());
        }
        request.extensions_mut().insert(ConnectInfo(req.client));
        self.router.clone().oneshot(request).await.expect("infallible")
    }

    /// Calls the sign-in server function as JavaScript would.
    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.send(
            Req::new(Method::POST, "/api/sign-in").same_origin().form(&[("email", email), ("password", password)]),
        )
        .await
    }

    /// Signs the first admin in and returns the session cookie.
    pub async fn admin_cookie(&self) -> String {
        let response = self.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        response
            .session_cookie()
            .unwrap_or_else(|| panic!("no session cookie: {} {}", response.status, response.text()))
    }
}

/// A REST call with a session cookie, from the right origin: the status and the JSON body
/// (`null` when empty).
pub async fn call(
    app: &TestApp,
    cookie: &str,
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let mut req = Req::new(method, path).same_origin().cookie(cookie);
    if let Some(body) = body {
        req = req.json(&body.to_string());
    }
    let response = app.send(req).await;
    let json = if response.body.is_empty() { serde_json::Value::Null } else { response.json() };
    (response.status, json)
}

/// The root organization's id.
pub async fn root_org(app: &TestApp, cookie: &str) -> String {
    let (status, root) = call(app, cookie, Method::GET, "/v1/orgs/root", None).await;
    assert_eq!(status, StatusCode::OK, "{root}");
    root["id"].as_str().expect("root id").to_owned()
}

/// Creates a policy of `org` from a whole body (name and content); returns its id.
pub async fn create_policy_with(app: &TestApp, cookie: &str, org: &str, body: serde_json::Value) -> String {
    let (status, body) = call(app, cookie, Method::POST, &format!("/v1/orgs/{org}/iam/policies"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["policy_id"].as_str().expect("policy id").to_owned()
}

/// Creates a policy of `org` from permission strings; returns its id.
pub async fn create_policy(
    app: &TestApp,
    cookie: &str,
    org: &str,
    name: &str,
    permissions: serde_json::Value,
) -> String {
    let path = format!("/v1/orgs/{org}/iam/policies");
    let body = serde_json::json!({ "name": name, "permissions": permissions });
    let (status, body) = call(app, cookie, Method::POST, &path, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["policy_id"].as_str().expect("policy id").to_owned()
}

/// Two custom roles of `org`: "Auditor" (audit:read) and "Assigner" (org:read, member:read,
/// member:assign); returns their ids in that order.
pub async fn auditor_and_assigner_roles(app: &TestApp, cookie: &str, org: &str) -> (String, String) {
    let auditors = create_policy(app, cookie, org, "Auditors", serde_json::json!(["audit:read"])).await;
    let assigners =
        create_policy(app, cookie, org, "Assigners", serde_json::json!(["org:read", "member:read", "member:assign"]))
            .await;
    (
        app.create_role_with(org, "Auditor", &[&auditors]).await,
        app.create_role_with(org, "Assigner", &[&assigners]).await,
    )
}

/// A 422 whose entries are at these places (`loc`), in order.
pub fn assert_invalid_at(status: StatusCode, body: &serde_json::Value, expected: &[serde_json::Value]) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let locs: Vec<serde_json::Value> =
        body["detail"].as_array().expect("detail").iter().map(|d| d["loc"].clone()).collect();
    assert_eq!(locs, expected, "{body}");
}

/// A 403 that names the permission it wanted.
pub fn assert_forbidden(status: StatusCode, body: &serde_json::Value, permission: &str) {
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["details"]["required_permission"], permission, "{body}");
}
