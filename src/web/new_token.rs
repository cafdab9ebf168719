//! Carrying a token made by a form posted without JavaScript to the page that shows its
//! secret, exactly once, without storing the secret anywhere: the form's answer sets a
//! short-lived cookie (HttpOnly, SameSite=Strict, only sent to `/tokens`) and sends the browser
//! to `/tokens`; the middleware in `server::new_token` takes it out of that one request (for the
//! page to show) and clears it in the same response. With JavaScript the secret comes back in
//! the server function's answer instead and no cookie is set.

use axum::http::{HeaderMap, header};
use serde::{Deserialize, Serialize};

use crate::domain::tokens::Secret;

pub const COOKIE: &str = "warden_new_token";
/// The page that shows the secret.
pub const PAGE: &str = "/tokens";
/// How long the browser keeps the cookie if the page is never reached.
const MAX_AGE_SECONDS: u32 = 120;

/// The token just made, for the page to show.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Revealed {
    pub name: String,
    pub secret: String,
}

/// The `Set-Cookie` value that carries `revealed` to the page.
pub fn carrying_cookie(revealed: &Revealed, secure: bool) -> String {
    let value = serde_json::to_string(revealed).unwrap_or_default();
    let value: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    attributes(&format!("{COOKIE}={value}; Max-Age={MAX_AGE_SECONDS}"), secure)
}

/// The `Set-Cookie` value that clears it.
pub fn clearing_cookie(secure: bool) -> String {
    attributes(&format!("{COOKIE}=; Max-Age=0"), secure)
}

fn attributes(cookie: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{cookie}; Path={PAGE}; HttpOnly; SameSite=Strict{secure}")
}

/// The token a request carries in the cookie, if it is one (a well-formed secret).
pub fn carried(headers: &HeaderMap) -> Option<Revealed> {
    let cookies = headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok());
    let value = cookies.flat_map(|c| c.split(';')).find_map(|c| c.trim().strip_prefix(&format!("{COOKIE}=")))?;
    let json: String = url::form_urlencoded::parse(format!("v={value}").as_bytes()).next()?.1.into_owned();
    let revealed: Revealed = serde_json::from_str(&json).ok()?;
    Secret::parse(&revealed.secret).map(|_| revealed)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn the_cookie_round_trips_and_refuses_what_is_not_a_secret() {
        let revealed = Revealed { name: "CI; deploy=1".into(), secret: Secret::generate().reveal().to_owned() };
        let set = carrying_cookie(&revealed, true);
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/tokens"));
        assert!(set.ends_with("; Secure"));
        let value = set.split(';').next().unwrap_or_default();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("other=1; {value}")).unwrap_or(HeaderValue::from_static("")),
        );
        let back = carried(&headers).map(|r| (r.name, r.secret));
        assert_eq!(back, Some((revealed.name, revealed.secret)));
        let forged = carrying_cookie(&Revealed { name: "x".into(), secret: "wdn_nope".into() }, false);
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(forged.split(';').next().unwrap_or_default()).unwrap_or(HeaderValue::from_static("")),
        );
        assert!(carried(&headers).is_none());
    }
}
