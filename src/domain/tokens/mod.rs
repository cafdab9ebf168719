//! Self-service API tokens: programs call `/v1` as their creator, with at most the creator's
//! current rights, narrowed by the token's restriction. Only a hash of the secret is stored.
//!
//! - `secret`: the secret's format, checksum and hash;
//! - `token`: what a token, a request to make one and a token policy are;
//! - `authenticate` and `cache`: a presented token to the user it acts for, fast;
//! - `read`, `write`: listing, making and revoking tokens, token policies;
//! - `explain`: can this token do this here, and why.

mod authenticate;
pub mod cache;
mod explain;
mod read;
pub mod secret;
pub mod storage;
pub mod token;
mod write;

pub use explain::TokenAccessExplanation;
pub use secret::Secret;
pub use token::*;
