//! The audit log: `/orgs/:id/audit` (`log`).

pub mod log;
