//! Token secrets: `wdn_` followed by 43 base62 characters (32 random bytes from the operating
//! system) and a 6-character checksum (the first 4 bytes of the body's SHA-256, in base62).
//! The prefix lets secret scanners find leaked tokens; the checksum lets them, and Warden, tell
//! a typo from a real secret without a database look-up. Only the SHA-256 of the whole secret
//! is stored.

use std::fmt;

use rand::RngCore;
use sha2::{Digest, Sha256};

pub const PREFIX: &str = "wdn_";
const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BODY_CHARS: usize = 43;
const CHECKSUM_CHARS: usize = 6;
/// How much of a secret stays visible after creation (`wdn_` and 8 characters).
const SHOWN_CHARS: usize = PREFIX.len() + 8;

/// A secret as created or presented. Its `Debug` never shows it, so it cannot reach a log or a
/// panic message by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({}…)", self.prefix())
    }
}

impl Secret {
    /// A new secret from the operating system's randomness.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let body = base62(&bytes, BODY_CHARS);
        let checksum = checksum(&body);
        Self(format!("{PREFIX}{body}{checksum}"))
    }

    /// A presented secret, if it has the shape and checksum of one Warden made.
    pub fn parse(text: &str) -> Option<Self> {
        let rest = text.strip_prefix(PREFIX)?;
        if rest.len() != BODY_CHARS + CHECKSUM_CHARS || !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        let (body, sum) = rest.split_at(BODY_CHARS);
        (checksum(body) == sum).then(|| Self(text.to_owned()))
    }

    /// The whole secret, to be shown exactly once.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// What stays visible afterwards.
    pub fn prefix(&self) -> &str {
        &self.0[..SHOWN_CHARS.min(self.0.len())]
    }

    /// The stored form: hex SHA-256 of the whole secret.
    pub fn hash(&self) -> String {
        hash(&self.0)
    }
}

/// Hex SHA-256 of `text` (any text: malformed secrets are hashed too, so that every failure
/// does the same work).
pub fn hash(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Equal without stopping at the first difference.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn checksum(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    base62(&digest[..4], CHECKSUM_CHARS)
}

/// `bytes` as a big-endian number in base 62, left-padded with zeros to `width` characters.
fn base62(bytes: &[u8], width: usize) -> String {
    let mut number: Vec<u8> = bytes.to_vec();
    let mut digits = Vec::with_capacity(width);
    while number.iter().any(|&b| b != 0) {
        let mut remainder = 0u32;
        for byte in number.iter_mut() {
            let value = (remainder << 8) | u32::from(*byte);
            *byte = (value / 62) as u8;
            remainder = value % 62;
        }
        digits.push(ALPHABET[remainder as usize]);
    }
    while digits.len() < width {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_checksummed_and_distinct() {
        let a = Secret::generate();
        let b = Secret::generate();
        assert_ne!(a, b);
        assert!(a.reveal().starts_with("wdn_"));
        assert_eq!(a.reveal().len(), 4 + 43 + 6);
        assert_eq!(Secret::parse(a.reveal()), Some(a.clone()));
        assert_eq!(a.prefix().len(), 12);
        assert!(!format!("{a:?}").contains(&a.reveal()[12..]), "Debug hides the secret");
    }

    #[test]
    fn a_typo_fails_the_checksum() {
        let secret = Secret::generate();
        let text = secret.reveal();
        let last = text.chars().nth(20).expect("char");
        let typo = format!("{}{}{}", &text[..20], if last == 'a' { 'b' } else { 'a' }, &text[21..]);
        assert_eq!(Secret::parse(&typo), None);
        assert_eq!(Secret::parse("wdn_short"), None);
        assert_eq!(Secret::parse(&text.replacen("wdn_", "ghp_", 1)), None);
    }

    #[test]
    fn hashes_are_hex_sha256_and_compared_in_full() {
        assert_eq!(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }

    #[test]
    fn base62_pads_and_counts() {
        assert_eq!(base62(&[0, 0], 3), "000");
        assert_eq!(base62(&[61], 2), "0z");
        assert_eq!(base62(&[1, 0], 2), "48");
    }
}
