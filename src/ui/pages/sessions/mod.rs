//! Signing in, and the account page.

pub mod account;
pub mod sign_in;
