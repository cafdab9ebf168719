//! An object's two views as tabs: its own page ("Details") and its history ("History": the
//! organization's audit log narrowed to that object, where each event opens to what it
//! changed). Each view has its own address, so the tabs are links and work without JavaScript.

use leptos::prelude::*;

use crate::ui::url::encode;

/// Where an object of `target_type` is shown, if it has a page of its own.
pub fn details_href(org_id: &str, target_type: &str, target_id: &str) -> Option<String> {
    let id = encode(target_id);
    match target_type {
        "organization" => Some(format!("/orgs/{id}")),
        "role" => Some(format!("/orgs/{org_id}/roles/{id}")),
        "policy" => Some(format!("/orgs/{org_id}/policies/{id}")),
        "user" => Some(format!("/orgs/{org_id}/members?member={id}")),
        "user_group" => Some(format!("/orgs/{org_id}/groups?edit={id}")),
        // Its id is its organization's.
        "sso_configuration" => Some(format!("/orgs/{id}/sso")),
        "token" => Some(format!("/orgs/{org_id}/tokens")),
        _ => None,
    }
}

/// The history's address: the log narrowed to the object.
pub fn history_href(org_id: &str, target_type: &str, target_id: &str) -> String {
    format!("/orgs/{org_id}/audit?target_type={target_type}&target_id={}", encode(target_id))
}

/// Which of an object's views a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectView {
    Details,
    History,
}

/// The tabs above an object's page or its history. `details` is where the object is shown
/// (see [`details_href`]).
#[component]
pub fn ObjectTabs(history: String, details: String, current: ObjectView) -> impl IntoView {
    let tab = move |href: String, label: &'static str, view: ObjectView, test_id: &'static str| {
        let is_current = view == current;
        view! {
            <a href=href data-testid=test_id aria-current=is_current.then_some("page")
                class="-mb-px border-b-2 px-3 py-2 text-sm font-medium"
                class=("border-indigo-600", is_current) class=("text-indigo-700", is_current)
                class=("dark:text-indigo-300", is_current)
                class=("border-transparent", !is_current) class=("text-slate-600", !is_current)
                class=("dark:text-slate-400", !is_current)>{label}</a>
        }
    };
    view! {
        <nav aria-label="Views of this object" data-testid="object-tabs" class="flex gap-1 border-b border-slate-200 dark:border-slate-800">
            {tab(details, "Details", ObjectView::Details, "details-link")}
            {tab(history, "History", ObjectView::History, "history-link")}
        </nav>
    }
}

/// The tabs on an object's own page, "Details" being the current one.
#[component]
pub fn HistoryLink(org_id: String, target_type: &'static str, target_id: String) -> impl IntoView {
    let history = history_href(&org_id, target_type, &target_id);
    let details = details_href(&org_id, target_type, &target_id).unwrap_or_default();
    view! { <ObjectTabs history details current=ObjectView::Details/> }
}
