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
            <nav aria-label="Breadcrumb" class="text-sm text-slate-500 dark:text-slate-400">
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

/// Keyset paging: back to the first page, back one page, and on to the next.
#[component]
pub fn PageLinks(
    first: Option<String>,
    next: Option<String>,
    #[prop(default = None)] previous: Option<String>,
) -> impl IntoView {
    view! {
        <nav aria-label="Pages" class="flex gap-4 text-sm">
            {first.map(|href| view! { <a href=href class="text-indigo-700 underline dark:text-indigo-300" data-testid="first-page">"First page"</a> })}
            {previous.map(|href| view! { <a href=href rel="prev" class="text-indigo-700 underline dark:text-indigo-300" data-testid="previous-page">"Previous page"</a> })}
            {next.map(|href| view! { <a href=href rel="next" class="text-indigo-700 underline dark:text-indigo-300" data-testid="next-page">"Next page"</a> })}
        </nav>
    }
}

/// A column a list can be ordered by: its label, its `sort` name, and whether the first click
/// orders it descending (dates: the latest first).
pub struct SortColumn {
    pub label: &'static str,
    pub name: &'static str,
    pub first_descending: bool,
}

/// The columns both people lists (users, members) order by, beside their own date column.
pub const NAME_COLUMN: SortColumn = SortColumn { label: "Name", name: "name", first_descending: false };
pub const EMAIL_COLUMN: SortColumn = SortColumn { label: "Email", name: "email", first_descending: false };
pub const LAST_SIGN_IN_COLUMN: SortColumn =
    SortColumn { label: "Last sign-in", name: "last_sign_in", first_descending: true };

/// A people list's `sort` as its headers read it: without one, the list is by email.
pub fn people_sort(sort: &str) -> String {
    if sort.is_empty() { EMAIL_COLUMN.name.to_owned() } else { sort.to_owned() }
}

impl SortColumn {
    /// The `sort` a click on this column asks for, given the list's current one: the column's
    /// first direction, or the other one when it is already ordered by it.
    fn next_sort(&self, current: &str) -> String {
        let descending = match self.aria_sort(current) {
            Some(direction) => direction == "ascending",
            None => self.first_descending,
        };
        format!("{}{}", if descending { "-" } else { "" }, self.name)
    }

    /// `aria-sort` for the column under `current`.
    fn aria_sort(&self, current: &str) -> Option<&'static str> {
        match current.strip_prefix('-') {
            Some(name) if name == self.name => Some("descending"),
            None if current == self.name => Some("ascending"),
            _ => None,
        }
    }
}

/// A column header whose label orders the list by it (a link, so it works without
/// JavaScript; `href` makes the list's address for a `sort`), with an arrow and `aria-sort`
/// on the column the list is ordered by.
#[component]
pub fn SortHeader(
    column: SortColumn,
    current: String,
    href: impl Fn(&str) -> String,
    class: &'static str,
) -> impl IntoView {
    let aria_sort = column.aria_sort(&current);
    let arrow = aria_sort.map(|direction| if direction == "ascending" { " ▲" } else { " ▼" });
    let link = href(&column.next_sort(&current));
    view! {
        <th scope="col" class=class aria-sort=aria_sort>
            <a href=link class="hover:underline" data-testid=format!("sort-{}", column.name)>
                {column.label}<span aria-hidden="true">{arrow}</span>
            </a>
        </th>
    }
}

#[cfg(test)]
mod tests {
    use super::{LAST_SIGN_IN_COLUMN, NAME_COLUMN, people_sort, tab_title};

    #[test]
    fn tab_titles_read_page_then_owner_then_warden() {
        assert_eq!(tab_title(&["Members", "Acme"]), "Members · Acme · Warden");
        assert_eq!(tab_title(&["Users", ""]), "Users · Warden");
    }

    #[test]
    fn a_sort_header_turns_its_order_around_and_starts_dates_with_the_latest() {
        let (name, signed_in) = (NAME_COLUMN, LAST_SIGN_IN_COLUMN);
        assert_eq!(name.next_sort(""), "name");
        assert_eq!(name.next_sort("name"), "-name");
        assert_eq!(name.next_sort("-name"), "name");
        assert_eq!(signed_in.next_sort("name"), "-last_sign_in");
        assert_eq!(signed_in.aria_sort("-last_sign_in"), Some("descending"));
        assert_eq!(signed_in.aria_sort("name"), None);
        assert_eq!(people_sort(""), "email", "without a sort the list is by email, and its header says so");
    }
}

/// A list's search box: one field `q` holding `value`, and a Search button, as a GET form (so
/// the search is in the URL and works without JavaScript). `label` is what a screen reader hears.
#[component]
pub fn ListSearch(
    label: &'static str,
    placeholder: &'static str,
    value: String,
    test_id: &'static str,
) -> impl IntoView {
    view! {
        <leptos_router::components::Form method="GET" action="" attr:class="flex gap-2" attr:role="search">
            <label for=test_id class="sr-only">{label}</label>
            <input id=test_id name="q" type="search" value=value placeholder=placeholder data-testid=test_id
                class="w-full rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"/>
            <button type="submit" class="rounded-md border border-slate-300 px-4 py-2 text-sm dark:border-slate-700">"Search"</button>
        </leptos_router::components::Form>
    }
}
