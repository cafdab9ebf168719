//! Email addresses: the shape Warden accepts, and the case-insensitive key it compares by.
//! Pure functions, compiled for the browser too so that forms can check as the admin types.

use super::FieldError;

/// The lookup key: trimmed and lower-cased.
pub fn normalize(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Returns the trimmed address, or an error naming `field`.
pub fn validate(field: &str, input: &str) -> Result<String, FieldError> {
    let email = input.trim();
    let invalid = |msg: &str| FieldError::new(field, "value_error.email", msg);
    if email.is_empty() {
        return Err(FieldError::new(field, "missing", "Email is required"));
    }
    if email.len() > 254 {
        return Err(invalid("Email must be at most 254 characters"));
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err(invalid("Enter an email address like name@example.com"));
    };
    let well_formed = !local.is_empty()
        && local.len() <= 64
        && !domain.is_empty()
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !email.chars().any(|c| c.is_whitespace() || c.is_control() || c == ',' || c == ';' || c == '<' || c == '>')
        && domain.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    if well_formed { Ok(email.to_owned()) } else { Err(invalid("Enter an email address like name@example.com")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_and_whitespace() {
        assert_eq!(normalize("  Alice@Example.COM "), "alice@example.com");
    }

    #[test]
    fn accepts_ordinary_addresses() {
        for ok in ["a@b.c", "first.last+tag@example.co.uk", "admin@warden.local", "x@localhost"] {
            assert_eq!(validate("email", ok).ok().as_deref(), Some(ok), "{ok}");
        }
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in ["", "plain", "@example.com", "a@", "a@.com", "a@b..c", "a b@c.d", "a@b.c,d@e.f", "<a@b.c>"] {
            assert!(validate("email", bad).is_err(), "{bad:?} should be refused");
        }
    }
}
