//! The parts every list page shares: the title with its breadcrumb and main action, the
//! banner that says what the last change did, and the links between pages.

use leptos::prelude::*;
use leptos_meta::Title;

/// The primary action of a list page (for example "New role"), as a link.
pub struct PageAction {
    pub href: String,
    pub label: &'static str,
    pub test_id: &'static str,
}

/// The tab's title: the page, then what it belongs to, then Warden ("Members · Acme · Warden").
pub fn tab_title(parts: &[&str]) -> String {
    parts.iter().filter(|part| !part.is_empty()).chain(&["Warden"]).copied().collect::<Vec<_>>().join(" · ")
}

/// The page title (and the tab's), under a breadcrumb back to the organization when the list
/// belongs to one (`org`: its id and name).
#[component]
pub fn ListHeader(
    title: &'static str,
    #[prop(default = None)] org: Option<(String, String)>,
    #[prop(default = None)] action: Option<PageAction>,
) -> impl IntoView {
    let tab = tab_title(&[title, org.as_ref().map_or("", |(_, name)| name.as_str())]);
    view! {
        <Title text=tab/>
        {org.map(|(id, name)| view! {
            <nav aria-label="Breadcrumb" class="text-sm text-slate-500">
                <a href="/orgs" class="hover:underline">"Organizations"</a>" / "
                <a href=format!("/orgs/{id}") class="hover:underline">{name}</a>
            </nav>
        })}
        <header class="flex items-center justify-between">
            <h1 class="text-2xl font-semibold">{title}</h1>
            {action.map(|a| view! {
                <a href=a.href data-testid=a.test_id
                    class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">{a.label}</a>
            })}
        </header>
    }
}

/// What the last change did, when the page was reached after one (`done` in the query). It takes
/// the focus, so that keyboard and screen reader users land on the result of their change
/// (`autofocus` on a page load, the effect after a change made without leaving the page).
#[component]
pub fn DoneBanner(done: String, test_id: &'static str) -> impl IntoView {
    let banner = NodeRef::<leptos::html::P>::new();
    super::focus::focus_when(banner, || true);
    (!done.is_empty()).then(|| view! {
        <p node_ref=banner role="status" tabindex="-1" autofocus data-testid=test_id
            class="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100">
            {done}
        </p>
    })
}

/// Keyset paging: back to the first page, and on to the next.
#[component]
pub fn PageLinks(first: Option<String>, next: Option<String>) -> impl IntoView {
    view! {
        <nav aria-label="Pages" class="flex gap-4 text-sm">
            {first.map(|href| view! { <a href=href class="text-indigo-700 underline dark:text-indigo-300">"First page"</a> })}
            {next.map(|href| view! { <a href=href class="text-indigo-700 underline dark:text-indigo-300" data-testid="next-page">"Next page"</a> })}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::tab_title;

    #[test]
    fn tab_titles_read_page_then_owner_then_warden() {
        assert_eq!(tab_title(&["Members", "Acme"]), "Members · Acme · Warden");
        assert_eq!(tab_title(&["Users", ""]), "Users · Warden");
    }
}
