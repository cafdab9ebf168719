//! The "History" link of an object's page: the organization's audit log narrowed to that
//! object, where each event opens to what it changed.

use leptos::prelude::*;

use crate::ui::url::encode;

#[component]
pub fn HistoryLink(org_id: String, target_type: &'static str, target_id: String) -> impl IntoView {
    let href = format!("/orgs/{org_id}/audit?target_type={target_type}&target_id={}", encode(&target_id));
    view! {
        <a href=href data-testid="history-link" class="text-sm font-medium text-indigo-700 underline dark:text-indigo-300">"History"</a>
    }
}
