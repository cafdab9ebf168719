//! The banner of an editor filled with an older version from the object's history.

use leptos::prelude::*;

use crate::ui::model::RestoredVersion;

#[component]
pub fn RestoringBanner(version: RestoredVersion, noun: &'static str) -> impl IntoView {
    let missing = version.missing_policies.len();
    view! {
        <p role="status" data-testid="restoring" class="rounded-md border border-indigo-300 bg-indigo-50 p-3 text-sm text-indigo-900 dark:border-indigo-800 dark:bg-indigo-950 dark:text-indigo-100">
            {format!("Filled with this {noun} as it was at {}. Review it, then save to restore it.", version.at)}
            {(missing > 0).then(|| format!(" {missing} of its policies no longer exist and are left out."))}
        </p>
    }
}
