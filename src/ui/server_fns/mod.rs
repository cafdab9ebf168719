//! Server functions: one per file, grouped by capability as the domain and the pages are, each
//! a thin adapter from a form or a page to the domain.

mod context;

pub mod audit;
pub mod explorer;
pub mod groups;
pub mod members;
pub mod orgs;
pub mod pick;
pub mod policies;
pub mod roles;
pub mod schema;
pub mod sessions;
pub mod sso;
pub mod tokens;
pub mod users;

/// Where a change made from a list goes back to: `back` when it is that list's own address
/// (starting with `list`), else the list; with `done` saying what happened.
#[cfg(feature = "ssr")]
fn back_with_done(back: &str, list: &str, done: &str) -> String {
    with_done(if back.starts_with(list) { back } else { list }, done)
}

/// `href` (an address with a query) with `done` saying what happened.
#[cfg(feature = "ssr")]
fn with_done(href: &str, done: &str) -> String {
    format!("{href}&done={}", crate::ui::url::encode(done))
}
