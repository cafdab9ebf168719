//! The audit log: `/orgs/:id/audit` (`log`), the "History" link of each object's page to its own
//! events there (`history_link`), the export links that show their progress (`export_link`),
//! and the banner of an editor filled with an older version
//! (`restoring_banner`).

pub mod export_link;
pub mod history_link;
pub mod log;
pub mod restoring_banner;
