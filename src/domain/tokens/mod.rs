//! Self-service API tokens: programs call `/v1` as their creator, with at most the creator's
//! current rights, narrowed by the token's restriction. Only a hash of the secret is stored.

pub mod secret;
pub mod storage;
pub mod token;

pub use secret::Secret;
pub use token::*;
