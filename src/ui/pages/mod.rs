pub mod account;
pub mod dashboard;
pub mod not_found;
pub mod sign_in;
