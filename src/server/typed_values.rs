//! A form posted without JavaScript that fails comes back with what the admin typed.
//!
//! The framework answers such a post with a redirect to the page it came from, carrying the
//! error (`__err`) but not the form. This adds each field the admin typed to that redirect as
//! `__typed.<name>` (passwords and secrets left out, and nothing when the form is too large for
//! a URL), where the form's fields find it (`ui::typed`). A redirect that carries no error loses
//! the `__typed.` fields of an earlier failure, so that a later success does not refill a form.

use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::{HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::limits::{MAX_BODY_BYTES, too_large};
use crate::ui::typed::TYPED_PREFIX;

/// Beyond this, what was typed is not carried back (a URL this long is refused by some proxies).
const MAX_CARRIED_BYTES: usize = 4 * 1024;

pub async fn keep_typed_values(req: Request, next: Next) -> Response {
    if !is_form_post_to_server_fn(&req) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(form) = to_bytes(body, MAX_BODY_BYTES).await else { return too_large().into_response() };
    let typed = typed_fields(&form);
    let mut response = next.run(Request::from_parts(parts, Body::from(form))).await;
    let Some(location) = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()) else {
        return response;
    };
    let location = with_typed(location, typed.as_deref());
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// A browser without JavaScript posts a form to a server function as `x-www-form-urlencoded`.
fn is_form_post_to_server_fn(req: &Request) -> bool {
    req.method() == Method::POST
        && req.uri().path().starts_with("/api/")
        && req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"))
}

/// The form's fields as `__typed.<name>=<value>` query pairs, or `None` when they are too long.
fn typed_fields(form: &[u8]) -> Option<String> {
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(form).ok()?;
    let kept: Vec<(String, String)> = fields
        .into_iter()
        .filter(|(name, _)| !is_secret(name) && !name.starts_with("__"))
        .map(|(name, value)| (format!("{TYPED_PREFIX}{name}"), value))
        .collect();
    // A space as `%20`, not `+`, so that any query parser reads it back as a space.
    let encoded = serde_urlencoded::to_string(kept).ok()?.replace('+', "%20");
    (encoded.len() <= MAX_CARRIED_BYTES).then_some(encoded)
}

fn is_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.contains("password") || name.contains("secret")
}

/// `location` without earlier `__typed.` fields, and with `typed` when it carries an error.
fn with_typed(location: &str, typed: Option<&str>) -> String {
    let (path, query) = location.split_once('?').unwrap_or((location, ""));
    let mut pairs: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with(&encoded_prefix()) && !pair.starts_with(TYPED_PREFIX))
        .collect();
    let failed = pairs.iter().any(|pair| pair.starts_with("__err="));
    if let Some(typed) = typed.filter(|typed| failed && !typed.is_empty()) {
        pairs.push(typed);
    }
    if pairs.is_empty() { path.to_owned() } else { format!("{path}?{}", pairs.join("&")) }
}

/// `__typed.` as a URL encoder may write it (the dot needs no escaping, but may be escaped).
fn encoded_prefix() -> String {
    TYPED_PREFIX.replace('.', "%2E")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_fields_leave_out_secrets_and_the_framework_s_own() {
        let typed = typed_fields(
            b"email=a%40b.example&password=hunter2&client_secret=s&__path=x&role_ids=1&role_ids=2&name=A+B",
        );
        assert_eq!(
            typed.as_deref(),
            Some("__typed.email=a%40b.example&__typed.role_ids=1&__typed.role_ids=2&__typed.name=A%20B")
        );
    }

    #[test]
    fn a_form_too_long_for_a_url_is_not_carried() {
        let long = format!("name={}", "x".repeat(MAX_CARRIED_BYTES));
        assert_eq!(typed_fields(long.as_bytes()), None);
    }

    #[test]
    fn only_a_failure_carries_what_was_typed_and_old_values_are_dropped() {
        let typed = Some("__typed.name=New");
        assert_eq!(
            with_typed("/users?new=1&__typed.name=Old&__path=%2Fapi%2Fx&__err=boom", typed),
            "/users?new=1&__path=%2Fapi%2Fx&__err=boom&__typed.name=New"
        );
        assert_eq!(with_typed("/users?done=ok&__typed.name=Old", typed), "/users?done=ok");
        assert_eq!(with_typed("/users", typed), "/users");
    }
}
