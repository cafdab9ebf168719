//! A real OpenID provider for tests (npm `oidc-provider`, started from
//! end2end/support/oidc_provider.mjs on a free loopback port), and a browser's way through it:
//! Warden's `/sso/start`, the provider's own login form, and back to Warden's callback.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::process::{Child, ChildStdin, Command, Stdio};

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

use super::{
    TestApp,
    http::{Req, Response},
};

pub const CLIENT_ID: &str = "warden";
pub const CLIENT_SECRET: &str = "warden-test-secret";

pub struct Provider {
    pub issuer: String,
    child: Child,
    // Held open: the provider exits when its standard input closes.
    _stdin: ChildStdin,
    http: reqwest::Client,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Provider {
    pub async fn start() -> Self {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/end2end/support/oidc_provider.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs the test provider (scripts/test.sh installs it)");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = tokio::process::ChildStdout::from_std(child.stdout.take().expect("stdout")).expect("async stdout");
        let mut line = String::new();
        let mut reader = BufReader::new(stdout);
        let read = reader.read_line(&mut line);
        tokio::time::timeout(std::time::Duration::from_secs(30), read).await.expect("provider starts").expect("line");
        let started: Value = serde_json::from_str(&line).expect("the provider's first line is JSON");
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self { issuer: started["issuer"].as_str().expect("issuer").to_owned(), child, _stdin: stdin, http }
    }

    /// Creates or replaces a person at the provider.
    pub async fn set_user(&self, login: &str, claims: Value) {
        let response =
            self.http.put(format!("{}/test/users/{login}", self.issuer)).json(&claims).send().await.expect("put user");
        assert_eq!(response.status(), 204);
    }

    pub async fn set_groups(&self, login: &str, email: &str, groups: &[&str]) {
        self.set_user(login, json!({ "email": email, "email_verified": true, "name": login, "groups": groups })).await;
    }

    /// Makes the provider break one thing in the ID tokens it issues (`None`: stop).
    pub async fn mischief(&self, mode: Option<&str>) {
        let response = self
            .http
            .put(format!("{}/test/mischief", self.issuer))
            .json(&json!({ "mode": mode }))
            .send()
            .await
            .expect("mischief");
        assert_eq!(response.status(), 204);
    }

    /// A fresh browser at the provider (no one signed in there).
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// Follows the provider from an authorization URL through its login form as `login`, and
    /// returns the callback URL it sends the browser back to.
    pub async fn log_in(&self, authorization_url: &str, login: &str) -> String {
        let browser = self.browser();
        let mut url = authorization_url.to_owned();
        let mut logged_in = false;
        for _ in 0..10 {
            let response = browser.get(&url).send().await.expect("provider answers");
            if response.status() == 200 && !logged_in {
                // The provider's own login form.
                let action = format!("{}/login", url.trim_end_matches('/'));
                let answer = browser
                    .post(&action)
                    .form(&[("login", login), ("password", "anything")])
                    .send()
                    .await
                    .expect("login form posts");
                assert_eq!(answer.status(), 303, "the provider accepts {login}");
                url = self.absolute(answer.headers()["location"].to_str().unwrap());
                logged_in = true;
                continue;
            }
            assert_eq!(response.status(), 303, "the provider redirects: {}", response.text().await.unwrap_or_default());
            let location = self.absolute(response.headers()["location"].to_str().unwrap());
            if location.contains("/sso/callback") {
                return location;
            }
            url = location;
        }
        panic!("the provider never sent the browser back");
    }

    fn absolute(&self, location: &str) -> String {
        if location.starts_with('/') { format!("{}{location}", self.issuer) } else { location.to_owned() }
    }
}

/// A browser's cookie for Warden (one `warden_session=` pair), kept across responses.
#[derive(Debug, Clone, Default)]
pub struct WardenBrowser {
    pub cookie: Option<String>,
}

impl WardenBrowser {
    pub async fn send(&mut self, app: &TestApp, mut req: Req) -> Response {
        if let Some(cookie) = &self.cookie {
            req = req.cookie(cookie);
        }
        let response = app.send(req).await;
        if let Some(cookie) = response.session_cookie() {
            self.cookie = Some(cookie);
        }
        response
    }

    /// Posts the sign-in page's SSO form; returns the response (a redirect).
    pub async fn start(&mut self, app: &TestApp, identifier: &str) -> Response {
        let req = Req::new(Method::POST, "/sso/start").same_origin().form(&[("identifier", identifier), ("next", "/")]);
        self.send(app, req).await
    }

    /// Posts the choice of an organization (as the page listing several does).
    pub async fn start_at(&mut self, app: &TestApp, org_id: &str, identifier: &str) -> Response {
        let fields = [("org_id", org_id), ("identifier", identifier), ("next", "/")];
        self.send(app, Req::new(Method::POST, "/sso/start").same_origin().form(&fields)).await
    }

    /// Brings the provider's callback URL back to Warden.
    pub async fn callback(&mut self, app: &TestApp, callback_url: &str) -> Response {
        let path =
            callback_url.split_once("/sso/callback").map(|(_, rest)| format!("/sso/callback{rest}")).expect("callback");
        self.send(app, Req::page(&path)).await
    }
}

/// Where `/sso/start` sends the browser: the page that moves on to the provider (a meta refresh,
/// since the console's form-action policy allows no cross-origin redirect of a form).
pub fn provider_url(response: &Response) -> String {
    assert_eq!(response.status, StatusCode::OK, "expected the page to the provider: {}", response.text());
    let page = response.text();
    let start = page.find("url=").expect("a meta refresh") + 4;
    let end = start + page[start..].find('"').expect("end of the address");
    page[start..end].replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// Where a redirect goes.
pub fn location(response: &Response) -> String {
    assert!(response.status.is_redirection(), "expected a redirect, got {} {}", response.status, response.text());
    response.header("location").expect("location").to_owned()
}

/// The whole way: start at Warden as `identifier`, log in at the provider as `login`, come back.
/// Returns Warden's last answer (a redirect: into the console, or to the sign-in page with an
/// error) and the browser.
pub async fn sign_in_through(
    app: &TestApp,
    provider: &Provider,
    identifier: &str,
    login: &str,
) -> (Response, WardenBrowser) {
    let mut browser = WardenBrowser::default();
    let started = browser.start(app, identifier).await;
    let authorization_url = provider_url(&started);
    assert!(authorization_url.starts_with(&provider.issuer), "sent to the provider: {authorization_url}");
    let callback_url = provider.log_in(&authorization_url, login).await;
    let done = browser.callback(app, &callback_url).await;
    (done, browser)
}

/// The SSO error code a redirect to the sign-in page carries.
pub fn sso_error(response: &Response) -> Option<String> {
    let location = location(response);
    let query = location.split_once('?')?.1.to_owned();
    url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "sso_error").map(|(_, v)| v.into_owned())
}

/// A configuration body for this provider.
pub fn configuration(provider: &Provider, extra: Value) -> Value {
    let mut body = json!({
        "issuer": provider.issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "allowed_email_domains": ["acme.test"],
        "jit_provisioning": true,
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    body
}

pub fn assert_status(status: StatusCode, expected: StatusCode, body: &Value) {
    assert_eq!(status, expected, "{body}");
}
