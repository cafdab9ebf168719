//! Password hashing (argon2id with OWASP's parameters), the password rules, and generation of
//! strong passwords. Hashing is CPU-bound, so callers run it on the blocking pool.

use std::sync::LazyLock;

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::{SaltString, rand_core::OsRng},
};
use rand::{Rng, distributions::Alphanumeric};

use crate::domain::{DomainError, DomainResult};

/// OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
pub const MEMORY_KIB: u32 = 19_456;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 128;

fn hasher() -> Argon2<'static> {
    // The constants above are valid argon2 parameters.
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str) -> DomainResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| DomainError::Internal(format!("password hashing failed: {e}")))
}

/// True when `password` matches `stored`. A malformed stored hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| hasher().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// A hash of nothing anyone knows, verified against when there is no account, so that an
/// unknown email costs the same time as a wrong password.
static DECOY_HASH: LazyLock<String> = LazyLock::new(|| hash(&generate()).unwrap_or_default());

pub fn decoy_hash() -> &'static str {
    &DECOY_HASH
}

/// Computes the decoy hash ahead of the first sign-in, so that the first one is not slower.
pub fn prepare() {
    LazyLock::force(&DECOY_HASH);
}

/// Checks a new password against the rules; the error names the form field.
pub fn check_rules(field: &str, password: &str, email: &str) -> DomainResult<()> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(DomainError::invalid(
            field,
            "too_short",
            format!("Password must be at least {MIN_LENGTH} characters long"),
        ));
    }
    if length > MAX_LENGTH {
        return Err(DomainError::invalid(
            field,
            "too_long",
            format!("Password must be at most {MAX_LENGTH} characters long"),
        ));
    }
    if password.eq_ignore_ascii_case(email.trim()) {
        return Err(DomainError::invalid(field, "same_as_email", "Password must not be your email address"));
    }
    Ok(())
}

/// A random 24-character alphanumeric password (about 143 bits).
pub fn generate() -> String {
    rand::rngs::OsRng.sample_iter(&Alphanumeric).take(24).map(char::from).collect()
}

/// Hashes off the async threads (argon2 takes tens of milliseconds by design).
pub async fn hash_blocking(password: String) -> DomainResult<String> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| DomainError::Internal(format!("password hashing failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_with_argon2id_and_owasp_parameters() {
        let stored = hash("correct horse battery staple").unwrap_or_default();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
    }

    #[test]
    fn verifies_the_right_password_only() {
        let stored = hash("correct horse battery staple").unwrap_or_default();
        assert!(verify("correct horse battery staple", &stored));
        assert!(!verify("correct horse battery stapler", &stored));
        assert!(!verify("", &stored));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn same_password_gets_different_salts() {
        assert_ne!(hash("same password here").ok(), hash("same password here").ok());
    }

    #[test]
    fn enforces_password_rules() {
        assert!(check_rules("new_password", "short", "a@b.c").is_err());
        assert!(check_rules("new_password", &"x".repeat(129), "a@b.c").is_err());
        assert!(check_rules("new_password", "Alice@Example.com", "alice@example.com").is_err());
        assert!(check_rules("new_password", "a perfectly fine passphrase", "a@b.c").is_ok());
        let Err(DomainError::Invalid(errors)) = check_rules("new_password", "short", "a@b.c") else {
            panic!("expected a validation error");
        };
        assert_eq!(errors[0].field(), "new_password");
    }

    #[test]
    fn generated_passwords_are_long_and_distinct() {
        let (a, b) = (generate(), generate());
        assert_eq!(a.len(), 24);
        assert_ne!(a, b);
        assert!(check_rules("password", &a, "admin@warden.local").is_ok());
    }
}
