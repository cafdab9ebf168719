//! The audit log: `/orgs/:id/audit` (`log`), and the "History" link of each object's page to
//! its own events there (`history_link`).

pub mod history_link;
pub mod log;
