//! What the admin typed into a form posted without JavaScript that failed: the server carries it
//! back in the page's URL (`server/typed_values.rs`), and the form's fields show it again.
//!
//! A form opts in by naming its server function's path (`TextField`'s `refill_from`), and its fields
//! are refilled only when the URL says that this server function just failed (`__path` and
//! `__err`, written by the framework): another form on the page with fields of the same name is
//! left alone, and a link with `__typed.` fields alone fills nothing.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The query fields that carry a typed value: `__typed.<field name>`.
pub const TYPED_PREFIX: &str = "__typed.";

/// The value typed into the field `name` of the form posting to `path` (a server function's
/// `PATH`), when the page was reached after that post failed.
pub fn typed_value(path: &str, name: &str) -> Option<String> {
    use_query_map().with_untracked(|query| {
        let failed_here = query.get("__err").is_some() && query.get("__path").as_deref() == Some(path);
        failed_here.then(|| query.get(&format!("{TYPED_PREFIX}{name}"))).flatten()
    })
}
