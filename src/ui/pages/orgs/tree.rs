//! `/orgs`: the organization tree, expanded level by level on demand and 50 children at a time
//! (a 100,000-org tree, or an organization with 5,000 children, is never rendered whole), and a
//! search that reveals where each match sits.
//!
//! Keyboard: Up/Down move between visible rows, Right expands (or enters), Left collapses
//! (or goes to the parent row), Enter opens the organization.

use std::sync::Arc;

use leptos::{prelude::*, tachys::html::attribute::custom::custom_attribute};
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

use crate::ui::components::list_page::tab_title;
use crate::ui::{
    components::layout::LoadError,
    error::UiError,
    model::{ChildrenPageItem, OrganizationNodeItem, OrganizationSearchHit},
    server_fns::orgs::{organization_children, organization_path, organization_tree_roots, search_organizations},
};

/// The organization to reveal in the tree (`?reveal=<id>`), the ids on the way to it (those
/// rows start expanded, the revealed one highlighted), and the first page of children of each
/// row on the way, read with the page. Rows rendered expanded on the server need no resource of
/// their own: resources created inside another's `Suspend` were numbered differently on the
/// server and in the browser, and a fast server's page failed to hydrate.
#[derive(Debug, Clone, Default)]
struct Reveal {
    path: Arc<Vec<String>>,
    /// `pages[i]`: the children of `path[i]` (`None` where the user may not list them).
    pages: Arc<Vec<Option<ChildrenPageItem>>>,
}

impl Reveal {
    fn opens(&self, id: &str) -> bool {
        self.path.split_last().is_some_and(|(_, above)| above.iter().any(|a| a == id))
    }

    fn is_target(&self, id: &str) -> bool {
        self.path.last().is_some_and(|target| target == id)
    }

    /// The row below `id` on the way to the target, if `id` is on it.
    fn next_below(&self, id: &str) -> Option<String> {
        let at = self.path.iter().position(|on_path| on_path == id)?;
        self.path.get(at + 1).cloned()
    }

    /// The first page of `id`'s children, read with the page, if `id` is on the way.
    fn children_of(&self, id: &str) -> Option<ChildrenPageItem> {
        let at = self.path.iter().position(|on_path| on_path == id)?;
        self.pages.get(at).cloned().flatten()
    }
}

/// The ids from the root down to `id`, and the first page of children of each but the last
/// (with the next one on the way included).
async fn opened_down_to(id: String) -> Result<(Vec<String>, Vec<Option<ChildrenPageItem>>), UiError> {
    let path: Vec<String> = organization_path(id).await?.into_iter().map(|crumb| crumb.id).collect();
    let mut pages = Vec::with_capacity(path.len());
    for pair in path.windows(2) {
        pages.push(organization_children(pair[0].clone(), None, Some(pair[1].clone())).await.ok());
    }
    Ok((path, pages))
}

#[component]
pub fn OrganizationsPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let hits = Resource::new(q, |q| async move {
        if q.trim().is_empty() { Ok(Vec::new()) } else { search_organizations(q).await }
    });
    let roots = OnceResource::new(organization_tree_roots());
    let reveal = Resource::new(
        move || query.read().get("reveal"),
        |id| async move {
            match id {
                Some(id) => opened_down_to(id).await,
                None => Ok(Default::default()),
            }
        },
    );
    view! {
        <div class="max-w-4xl space-y-6">
            <Title text=tab_title(&["Organizations"])/>
            <h1 class="text-2xl font-semibold">"Organizations"</h1>
            <Form method="GET" action="" attr:class="flex gap-2" attr:role="search">
                <label for="org-search" class="sr-only">"Find an organization by name or code"</label>
                <input id="org-search" name="q" type="search" value=q placeholder="Find by name or code"
                    data-testid="org-search"
                    class="w-full rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"/>
                <button type="submit" class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">
                    "Search"
                </button>
            </Form>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match hits.await {
                        Ok(list) if list.is_empty() => {
                            let searched = !q().trim().is_empty();
                            view! { <Show when=move || searched><p class="text-slate-600 dark:text-slate-400">"No organization matches."</p></Show> }.into_any()
                        }
                        Ok(list) => view! { <SearchResults list/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let (path, pages) = reveal.await.unwrap_or_default();
                    let reveal = Reveal { path: Arc::new(path), pages: Arc::new(pages) };
                    match roots.await {
                        Ok(nodes) if nodes.is_empty() => view! {
                            <p class="text-slate-600 dark:text-slate-400">"You do not have access to any organization yet."</p>
                        }.into_any(),
                        Ok(nodes) => view! {
                            <ul role="tree" aria-label="Organizations" data-testid="org-tree" on:keydown=tree_keydown
                                class="rounded-lg border border-slate-200 bg-white p-2 dark:border-slate-800 dark:bg-slate-900">
                                {nodes.into_iter().map(|node| view! { <TreeNode node level=1 reveal=reveal.clone()/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn SearchResults(list: Vec<OrganizationSearchHit>) -> impl IntoView {
    view! {
        <ul class="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900"
            data-testid="org-search-results">
            {list.into_iter().map(|hit| view! {
                <li class="px-4 py-2">
                    <nav aria-label="Path" class="text-xs text-slate-500 dark:text-slate-400">
                        {hit.path.into_iter().map(|crumb| view! { <span>{crumb.name}" / "</span> }).collect_view()}
                    </nav>
                    <a href=format!("/orgs/{}", hit.node.id) class="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                        {hit.node.name}
                    </a>
                    <span class="ml-2 text-sm text-slate-500 dark:text-slate-400">{hit.node.code}</span>
                    <a href=format!("/orgs?reveal={}", hit.node.id) class="ml-3 text-sm text-slate-600 underline dark:text-slate-400">
                        "Show in tree"
                    </a>
                </li>
            }).collect_view()}
        </ul>
    }
}

/// One row of the tree; the first page of its children is fetched each time it is expanded.
#[component]
fn TreeNode(node: OrganizationNodeItem, level: usize, reveal: Reveal) -> impl IntoView {
    let expanded = RwSignal::new(reveal.opens(&node.id));
    let is_target = reveal.is_target(&node.id);
    let including = StoredValue::new(reveal.next_below(&node.id));
    let opened = StoredValue::new(reveal.children_of(&node.id));
    let reveal = StoredValue::new(reveal);
    let has_children = node.child_count > 0;
    let parent_id = StoredValue::new(node.id.clone());
    let child_count = node.child_count;
    let href = format!("/orgs/{}", node.id);
    view! {
        <li role="treeitem" tabindex="0"
            aria-expanded=move || has_children.then(|| expanded.get().to_string())
            data-org-id=node.id.clone() data-testid="tree-node"
            aria-current=is_target.then_some("true")
            class="rounded focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 aria-[current=true]:bg-indigo-50 dark:aria-[current=true]:bg-indigo-950">
            <div class="flex items-center gap-2 px-2 py-1">
                <button type="button" tabindex="-1" data-testid="tree-toggle"
                    aria-label=move || if expanded.get() { "Collapse" } else { "Expand" }
                    disabled=!has_children
                    on:click=move |_| expanded.update(|open| *open = !*open)
                    class="h-6 w-6 rounded text-slate-500 dark:text-slate-400 hover:bg-slate-100 disabled:opacity-30 dark:hover:bg-slate-800">
                    {move || if !has_children { "·" } else if expanded.get() { "▾" } else { "▸" }}
                </button>
                <a href=href tabindex="-1" class="font-medium hover:underline" data-testid=is_target.then_some("revealed")>
                    {node.name.clone()}
                </a>
                <span class="text-xs text-slate-500 dark:text-slate-400">{node.code.clone()}</span>
                <span class="ml-auto text-xs text-slate-500 dark:text-slate-400" data-testid="tree-counts">
                    {format!("{} · {}", count(node.child_count, "child", "children"), count(node.member_count, "member", "members"))}
                </span>
            </div>
            <Show when=move || expanded.get()>
                {move || match opened.get_value() {
                    Some(page) => view! {
                        <ChildRows parent_id=parent_id.get_value() page total=child_count level=level + 1
                            reveal=reveal.get_value()/>
                    }.into_any(),
                    None => view! {
                        <Children parent_id=parent_id.get_value() including=including.get_value() total=child_count
                            level=level + 1 reveal=reveal.get_value()/>
                    }.into_any(),
                }}
            </Show>
        </li>
    }
    // tachys has no typed `aria-level`, and `attr:` on an element is printed as it stands.
    .add_any_attr(custom_attribute("aria-level", level.to_string()))
}

/// The children of a row expanded in the browser, fetched then. (Rows opened on the way to a
/// revealed organization come with the page: see [`Reveal`].)
#[component]
fn Children(parent_id: String, including: Option<String>, total: i64, level: usize, reveal: Reveal) -> impl IntoView {
    let page = {
        let parent_id = parent_id.clone();
        Resource::new(|| (), move |()| organization_children(parent_id.clone(), None, including.clone()))
    };
    let parent_id = StoredValue::new(parent_id);
    let reveal = StoredValue::new(reveal);
    view! {
        <Transition fallback=|| view! { <p class="pl-10 text-sm text-slate-500 dark:text-slate-400">"Loading…"</p> }>
            {move || {
            let (reveal, parent_id) = (reveal.get_value(), parent_id.get_value());
            Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <ChildRows parent_id page total level reveal/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })
            }}
        </Transition>
    }
}

/// A node's children: the first page (with the child the tree is opened down to, wherever it
/// falls), and "Show more" for the next pages, added below without redrawing those above.
#[component]
fn ChildRows(parent_id: String, page: ChildrenPageItem, total: i64, level: usize, reveal: Reveal) -> impl IntoView {
    let pinned = page.included.as_ref().map(|child| child.id.clone());
    let first: Vec<OrganizationNodeItem> = page.children.into_iter().chain(page.included).collect();
    let shown_first = first.len();
    let more = RwSignal::new(Vec::<OrganizationNodeItem>::new());
    let next = RwSignal::new(page.next_cursor);
    let pending = RwSignal::new(false);
    let failed = RwSignal::new(None::<UiError>);
    // Enabled once hydrated: a click before that would be lost (and it needs JavaScript).
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let show_more = move |_| {
        let (Some(cursor), parent_id, pinned) = (next.get_untracked(), parent_id.clone(), pinned.clone()) else {
            return;
        };
        pending.set(true);
        leptos::task::spawn_local(async move {
            match organization_children(parent_id, Some(cursor), None).await {
                Ok(page) => {
                    let fresh = page.children.into_iter().filter(|child| Some(&child.id) != pinned.as_ref());
                    more.update(|rows| rows.extend(fresh));
                    next.set(page.next_cursor);
                    failed.set(None);
                }
                Err(error) => failed.set(Some(error)),
            }
            pending.set(false);
        });
    };
    let row_reveal = reveal.clone();
    view! {
        <ul role="group" class="pl-6">
            {first.into_iter().map(|child| view! { <TreeNode node=child level reveal=reveal.clone()/> }).collect_view()}
            <For each=move || more.get() key=|child| child.id.clone() let:child>
                <TreeNode node=child level reveal=row_reveal.clone()/>
            </For>
            <Show when=move || next.with(Option::is_some)>
                <li role="none" class="px-2 py-1">
                    <button type="button" data-testid="tree-more" on:click=show_more.clone() disabled=move || pending.get() || !hydrated.get()
                        class="rounded px-2 py-1 text-sm text-indigo-700 hover:bg-indigo-50 disabled:opacity-50 dark:text-indigo-300 dark:hover:bg-slate-800">
                        {move || if pending.get() {
                            "Loading…".to_owned()
                        } else {
                            format!("Show more ({} of {total} shown)", shown_first + more.with(Vec::len))
                        }}
                    </button>
                </li>
            </Show>
            {move || failed.get().map(|error| view! { <li role="none"><LoadError error/></li> })}
        </ul>
    }
}

fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Moves focus between the visible rows of the tree, WAI-ARIA tree style.
fn tree_keydown(event: leptos::ev::KeyboardEvent) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::HtmlElement;

        let Some(current) = event.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) else { return };
        if current.get_attribute("role").as_deref() != Some("treeitem") {
            return;
        }
        let rows: Vec<HtmlElement> = match document().query_selector_all("[role=treeitem]") {
            Ok(list) => (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok()).collect(),
            Err(_) => return,
        };
        let Some(index) = rows.iter().position(|row| row == &current) else { return };
        let toggle = || {
            current
                .query_selector("[data-testid=tree-toggle]")
                .ok()
                .flatten()
                .and_then(|b| b.dyn_into::<HtmlElement>().ok())
        };
        let expanded = current.get_attribute("aria-expanded");
        let focus = |row: Option<&HtmlElement>| {
            if let Some(row) = row {
                let _ = row.focus();
            }
        };
        match event.key().as_str() {
            "ArrowDown" => focus(rows.get(index + 1)),
            "ArrowUp" => focus(index.checked_sub(1).and_then(|i| rows.get(i))),
            "ArrowRight" if expanded.as_deref() == Some("false") => {
                if let Some(button) = toggle() {
                    button.click();
                }
            }
            "ArrowRight" if expanded.as_deref() == Some("true") => focus(rows.get(index + 1)),
            "ArrowLeft" if expanded.as_deref() == Some("true") => {
                if let Some(button) = toggle() {
                    button.click();
                }
            }
            "ArrowLeft" => {
                let parent = current.parent_element().and_then(|group| group.closest("[role=treeitem]").ok().flatten());
                if let Some(parent) = parent.and_then(|p| p.dyn_into::<HtmlElement>().ok()) {
                    let _ = parent.focus();
                }
            }
            "Enter" => {
                if let Some(link) =
                    current.query_selector("a").ok().flatten().and_then(|a| a.dyn_into::<HtmlElement>().ok())
                {
                    link.click();
                }
            }
            _ => return,
        }
        event.prevent_default();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = event;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reveal_opens_the_rows_above_its_target_only() {
        let path = Arc::new(vec!["root".into(), "a".into(), "b".into()]);
        let reveal = Reveal { path, pages: Arc::default() };
        assert!(reveal.opens("root") && reveal.opens("a"));
        assert!(!reveal.opens("b"), "the target itself stays as it is");
        assert!(reveal.is_target("b") && !reveal.is_target("a"));
        assert!(!Reveal::default().opens("root") && !Reveal::default().is_target("root"));
        assert_eq!(reveal.next_below("a").as_deref(), Some("b"));
        assert_eq!(reveal.next_below("b"), None, "nothing is below the target");
        assert_eq!(Reveal::default().next_below("root"), None);
    }
}
