//! The audit log: an organization's events, filtered and paged.

mod list;

pub use list::{ListAuditEvents, list_audit_events};
