//! What the admin typed into a form posted without JavaScript that failed: the server carries it
//! back in the page's URL (`server/typed_values.rs`), and the form's fields show it again.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The query fields that carry a typed value: `__typed.<field name>`.
pub const TYPED_PREFIX: &str = "__typed.";

/// The value typed into the field `name`, when the page was reached after such a failure.
pub fn typed_value(name: &str) -> Option<String> {
    use_query_map().with_untracked(|query| query.get(&format!("{TYPED_PREFIX}{name}")))
}
