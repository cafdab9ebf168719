//! The rules for an organization's fields, as pure functions: the server validates with them,
//! and the browser runs the same ones as the admin types. Each returns the problem, if any.

use crate::domain::email;

pub use crate::domain::fields::name_problem;

pub fn is_valid_code(code: &str) -> bool {
    (2..=64).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An empty code is fine: the code is optional. A code may not look like an id, since
/// organizations are addressed by either.
pub fn code_problem(code: &str) -> Option<String> {
    let code = code.trim();
    if code.is_empty() {
        None
    } else if !is_valid_code(code) {
        Some("Code must be 2 to 64 characters: lowercase letters, digits and hyphens".into())
    } else if looks_like_id(code) {
        Some("Code must not look like an organization id".into())
    } else {
        None
    }
}

/// The shape of a UUID: 8-4-4-4-12 hexadecimal digits.
fn looks_like_id(code: &str) -> bool {
    let groups: Vec<&str> = code.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn required_email_problem(value: &str) -> Option<String> {
    email::validate("email", value).err().map(|e| e.msg)
}

pub fn optional_email_problem(value: &str) -> Option<String> {
    if value.trim().is_empty() { None } else { required_email_problem(value) }
}

/// http:// or https:// followed by a host; nothing else can be a logo.
pub fn is_http_url(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !text.chars().any(char::is_whitespace)
    })
}

pub fn logo_url_problem(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty() && !is_http_url(value)).then(|| "Logo URL must be an http:// or https:// address".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_codes_emails_and_urls() {
        assert!(name_problem("Acme").is_none());
        assert!(name_problem("   ").is_some());
        assert!(name_problem(&"x".repeat(201)).is_some());
        assert!(code_problem("").is_none() && code_problem("acme-1").is_none());
        assert!(code_problem("Acme").is_some() && code_problem("a").is_some());
        assert!(code_problem("01a20a2f-ed02-7497-95b8-e5b5fb0391c8").is_some(), "ids are not codes");
        assert!(optional_email_problem("").is_none() && required_email_problem("").is_some());
        assert!(required_email_problem("ops@acme.example").is_none());
        assert!(logo_url_problem("https://acme.example/logo.png").is_none());
        for bad in ["javascript:alert(1)", "ftp://x.example/a", "https://", "http://a b/"] {
            assert!(logo_url_problem(bad).is_some(), "{bad}");
        }
    }
}
