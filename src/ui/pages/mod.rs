pub mod account;
pub mod dashboard;
pub mod not_found;
pub mod organization;
pub mod organizations;
pub mod sign_in;
