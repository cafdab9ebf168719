//! Secrets kept at rest (a provider's client secret): sealed with ChaCha20-Poly1305 under the
//! server's secret key, bound to the row they belong to, so a sealed value copied to another
//! organization does not open there.
//!
//! Several keys can be given for rotation: the first seals, every one of them opens. A sealed
//! value names its key by a short fingerprint: `v1.<fingerprint>.<base64 of nonce and ciphertext>`.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use chacha20poly1305::{
    ChaCha20Poly1305, Key, Nonce,
    aead::{Aead, KeyInit, Payload},
};
use rand::{RngCore, rngs::OsRng};
use sha2::{Digest, Sha256};

use crate::domain::{DomainError, DomainResult};

const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 12;

/// The server's secret keys, newest first.
#[derive(Clone)]
pub struct SecretKeys {
    keys: Vec<[u8; KEY_BYTES]>,
}

impl std::fmt::Debug for SecretKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKeys({} keys)", self.keys.len())
    }
}

/// Why a key list was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("no key given")]
    Empty,
    #[error("key {0} is not base64")]
    NotBase64(usize),
    #[error("key {0} is not 32 bytes (44 base64 characters)")]
    WrongLength(usize),
}

impl SecretKeys {
    /// Reads comma-separated base64 keys of 32 bytes each, the sealing key first.
    pub fn parse(list: &str) -> Result<Self, KeyError> {
        let mut keys = Vec::new();
        for (index, text) in list.split(',').map(str::trim).filter(|t| !t.is_empty()).enumerate() {
            let bytes = STANDARD.decode(text).map_err(|_| KeyError::NotBase64(index + 1))?;
            keys.push(bytes.try_into().map_err(|_| KeyError::WrongLength(index + 1))?);
        }
        if keys.is_empty() { Err(KeyError::Empty) } else { Ok(Self { keys }) }
    }

    /// A new random key, as base64 (for a key file made on first start).
    pub fn generate() -> String {
        let mut key = [0u8; KEY_BYTES];
        OsRng.fill_bytes(&mut key);
        STANDARD.encode(key)
    }

    /// Seals `secret` for the row `bound_to`.
    pub fn seal(&self, secret: &str, bound_to: &str) -> DomainResult<String> {
        let key = &self.keys[0];
        let mut nonce = [0u8; NONCE_BYTES];
        OsRng.fill_bytes(&mut nonce);
        let cipher = ChaCha20Poly1305::new(Key::from_slice(key));
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: secret.as_bytes(), aad: bound_to.as_bytes() })
            .map_err(|_| DomainError::Internal("sealing a secret failed".into()))?;
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        Ok(format!("v1.{}.{}", fingerprint(key), STANDARD.encode(bytes)))
    }

    /// Opens a value sealed for `bound_to` by any of the keys.
    pub fn open(&self, sealed: &str, bound_to: &str) -> DomainResult<String> {
        let unreadable = || {
            DomainError::Internal(
                "a stored secret cannot be opened with the configured keys (WARDEN_SECRET_KEY)".into(),
            )
        };
        let mut parts = sealed.splitn(3, '.');
        let (Some("v1"), Some(print), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(unreadable());
        };
        let key = self.keys.iter().find(|k| fingerprint(k) == print).ok_or_else(unreadable)?;
        let bytes = STANDARD.decode(body).map_err(|_| unreadable())?;
        if bytes.len() < NONCE_BYTES {
            return Err(unreadable());
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let plain = ChaCha20Poly1305::new(Key::from_slice(key))
            .decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad: bound_to.as_bytes() })
            .map_err(|_| unreadable())?;
        String::from_utf8(plain).map_err(|_| unreadable())
    }

    /// Whether `sealed` is sealed under the current (first) key.
    pub fn is_current(&self, sealed: &str) -> bool {
        sealed.split('.').nth(1) == Some(fingerprint(&self.keys[0]).as_str())
    }
}

fn fingerprint(key: &[u8; KEY_BYTES]) -> String {
    Sha256::digest(key).iter().take(4).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &str) -> SecretKeys {
        SecretKeys::parse(list).expect("valid keys")
    }

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_row() {
        let (old, new) = (SecretKeys::generate(), SecretKeys::generate());
        let before = keys(&old);
        let sealed = before.seal("s3cret", "org-1").expect("seals");
        assert!(!sealed.contains("s3cret"));
        assert_ne!(sealed, before.seal("s3cret", "org-1").expect("seals"), "a fresh nonce each time");
        assert_eq!(before.open(&sealed, "org-1").expect("opens"), "s3cret");
        assert!(before.open(&sealed, "org-2").is_err(), "bound to its row");

        // Rotation: the new key seals, the old one still opens what it sealed.
        let rotated = keys(&format!("{new},{old}"));
        assert_eq!(rotated.open(&sealed, "org-1").expect("old key opens"), "s3cret");
        assert!(!rotated.is_current(&sealed));
        assert!(rotated.is_current(&rotated.seal("x", "org-1").expect("seals")));
        assert!(keys(&new).open(&sealed, "org-1").is_err(), "the old key removed, it no longer opens");
    }

    #[test]
    fn bad_key_lists_are_refused() {
        assert_eq!(SecretKeys::parse(" ").err(), Some(KeyError::Empty));
        assert_eq!(SecretKeys::parse("not base64!").err(), Some(KeyError::NotBase64(1)));
        assert_eq!(
            SecretKeys::parse(&format!("{},c2hvcnQ=", SecretKeys::generate())).err(),
            Some(KeyError::WrongLength(2))
        );
    }
}
