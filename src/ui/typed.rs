//! What the admin typed into a form posted without JavaScript that failed: the server carries it
//! back in the page's URL (`server/typed_values.rs`), and the form's fields show it again.
//!
//! A form opts in by naming its server function's path (`TextField`'s `refill_from`; the other
//! fields ask [`typed_value`] and [`typed_values`]), and its fields are refilled only when the
//! URL says that this server function just failed (`__path` and `__err`, written by the
//! framework): another form on the page with fields of the same name is left alone, and a link
//! with `__typed.` fields alone fills nothing.

use leptos::prelude::*;
use leptos_router::{hooks::use_query_map, params::ParamsMap};

/// The query fields that carry a typed value: `__typed.<field name>`.
pub const TYPED_PREFIX: &str = "__typed.";

/// The value typed into the field `name` of the form posting to `path` (a server function's
/// `PATH`), when the page was reached after that post failed.
pub fn typed_value(path: &str, name: &str) -> Option<String> {
    use_query_map().with_untracked(|query| failed_here(query, path).then(|| query.get(&typed_name(name))).flatten())
}

/// Every value of the field `name` (ticked checkboxes: `role_ids[]`) of the form posting to
/// `path`, when the page was reached after that post failed: an empty list when none was
/// ticked, `None` when this is no refill (the form shows what is stored).
pub fn typed_values(path: &str, name: &str) -> Option<Vec<String>> {
    use_query_map()
        .with_untracked(|query| failed_here(query, path).then(|| query.get_all(&typed_name(name)).unwrap_or_default()))
}

/// Whether the page was reached because the post to `path` failed.
fn failed_here(query: &ParamsMap, path: &str) -> bool {
    query.get("__err").is_some() && query.get("__path").as_deref() == Some(path)
}

fn typed_name(name: &str) -> String {
    format!("{TYPED_PREFIX}{name}")
}
