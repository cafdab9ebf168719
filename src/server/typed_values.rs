//! A form posted without JavaScript that fails comes back with what the admin typed.
//!
//! The framework answers such a post with a redirect to the page it came from, carrying the
//! error (`__err`) but not the form. This adds each field the admin typed to that redirect as
//! `__typed.<name>` (fields named like a password, secret, token, key or confirmation left out,
//! and long values too), where the form's fields find it (`ui::typed`). A redirect that carries
//! no error loses the `__typed.` fields of an earlier failure, so that a later success does not
//! refill a form. Calls made by the hydrated page (which keeps its form itself) are left alone.

use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::{HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::limits::{MAX_BODY_BYTES, too_large};
use crate::ui::typed::TYPED_PREFIX;

/// What is carried back at most, all fields together (a longer URL is refused by some proxies).
const MAX_CARRIED_BYTES: usize = 4 * 1024;

/// A longer value (a policy document, say) is not carried back; the other fields still are.
const MAX_FIELD_BYTES: usize = 1024;

pub async fn keep_typed_values(req: Request, next: Next) -> Response {
    if !is_form_post_to_server_fn(&req) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(form) = to_bytes(body, MAX_BODY_BYTES).await else { return too_large().into_response() };
    let mut response = next.run(Request::from_parts(parts, Body::from(form.clone()))).await;
    let Some(location) = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()) else {
        return response;
    };
    let location = with_typed(location, &typed_fields(&form));
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// A browser without JavaScript posts a form to a server function as `x-www-form-urlencoded`
/// and accepts a page in answer (the hydrated page asks for JSON).
fn is_form_post_to_server_fn(req: &Request) -> bool {
    let header_has =
        |name, part| req.headers().get(name).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains(part));
    req.method() == Method::POST
        && req.uri().path().starts_with("/api/")
        && header_has(header::ACCEPT, "text/html")
        && header_has(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
}

/// The form's fields as `__typed.<name>=<value>` query pairs, as many as fit.
fn typed_fields(form: &[u8]) -> String {
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(form).unwrap_or_default();
    let mut carried = String::new();
    for (name, value) in fields {
        if is_private(&name) || name.starts_with("__") || value.len() > MAX_FIELD_BYTES {
            continue;
        }
        // A space as `%20`, not `+`, so that any query parser reads it back as a space.
        let Ok(pair) = serde_urlencoded::to_string([(format!("{TYPED_PREFIX}{name}"), value)]) else { continue };
        let pair = pair.replace('+', "%20");
        if carried.len() + pair.len() + 1 > MAX_CARRIED_BYTES {
            break;
        }
        if !carried.is_empty() {
            carried.push('&');
        }
        carried.push_str(&pair);
    }
    carried
}

/// Fields never carried in a URL: credentials, and confirmations (typing them is the point).
fn is_private(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["password", "secret", "token", "key", "otp", "confirm"].iter().any(|word| name.contains(word))
}

/// `location` without earlier `__typed.` fields, and with `typed` when it carries an error.
fn with_typed(location: &str, typed: &str) -> String {
    let (path, query) = location.split_once('?').unwrap_or((location, ""));
    let mut pairs: Vec<&str> =
        query.split('&').filter(|pair| !pair.is_empty() && !pair.starts_with(TYPED_PREFIX)).collect();
    let failed = pairs.iter().any(|pair| pair.starts_with("__err="));
    if failed && !typed.is_empty() {
        pairs.push(typed);
    }
    if pairs.is_empty() { path.to_owned() } else { format!("{path}?{}", pairs.join("&")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_fields_leave_out_private_fields_and_the_framework_s_own() {
        let typed = typed_fields(
            b"email=a%40b.example&password=hunter2&client_secret=s&token_id=t&confirm_name=X&__path=x&role_ids=1&role_ids=2&name=A+B",
        );
        assert_eq!(typed, "__typed.email=a%40b.example&__typed.role_ids=1&__typed.role_ids=2&__typed.name=A%20B");
    }

    #[test]
    fn a_long_value_is_left_out_and_the_whole_stays_short() {
        let long = format!("document={}&name=Kept", "x".repeat(MAX_FIELD_BYTES + 1));
        assert_eq!(typed_fields(long.as_bytes()), "__typed.name=Kept");
        let many: Vec<String> = (0..100).map(|i| format!("f{i}={}", "y".repeat(100))).collect();
        let typed = typed_fields(many.join("&").as_bytes());
        assert!(typed.len() <= MAX_CARRIED_BYTES && typed.starts_with("__typed.f0="), "{}", typed.len());
    }

    #[test]
    fn only_a_failure_carries_what_was_typed_and_old_values_are_dropped() {
        let typed = "__typed.name=New";
        assert_eq!(
            with_typed("/users?new=1&__typed.name=Old&__path=%2Fapi%2Fx&__err=boom", typed),
            "/users?new=1&__path=%2Fapi%2Fx&__err=boom&__typed.name=New"
        );
        assert_eq!(with_typed("/users?done=ok&__typed.name=Old", typed), "/users?done=ok");
        assert_eq!(with_typed("/users", typed), "/users");
    }
}
