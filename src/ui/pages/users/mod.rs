//! `/users`: the user accounts the admin may see (members of organizations where they hold
//! `member:read`). Search by name or email, filter by status, 50 at a time; create a user in an
//! organization (with a password, or invited without one); disable, enable or delete one after
//! a confirmation. The server decides who may do what (an Admin cannot disable or delete a
//! Super Admin, nobody themselves) and its refusals are shown in place.
//!
//! Every state lives in the URL, so the page works without JavaScript.

mod confirm;
mod create_form;
mod table;

use leptos::prelude::*;
use leptos_router::{components::Form, hooks::use_query_map};

use crate::ui::{
    components::{
        layout::LoadError,
        list_page::{DoneBanner, ListHeader, PageAction, PageLinks},
    },
    model::UserListPage,
    server_fns::users::list_users,
    url,
};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UsersQuery {
    pub q: String,
    pub status: String,
    /// The order, as `sort` is written (`name`, `-last_sign_in`; empty: by email).
    pub sort: String,
    pub cursor: String,
    /// Set: the create form is open, with `org` preselected.
    pub new: bool,
    pub org: String,
    /// `disable`, `enable` or `delete`, of `user`: a change to confirm.
    pub act: String,
    pub user: String,
    pub done: String,
}

impl UsersQuery {
    /// The list's own address (filter and page), with nothing open on top.
    pub fn list_href(&self) -> String {
        let mut href = format!(
            "/users?q={}&status={}&sort={}",
            url::encode(&self.q),
            url::encode(&self.status),
            url::encode(&self.sort)
        );
        if !self.cursor.is_empty() {
            href.push_str(&format!("&cursor={}", url::encode(&self.cursor)));
        }
        href
    }

    pub fn with(&self, extra: &[(&str, &str)]) -> String {
        let mut href = self.list_href();
        for (key, value) in extra {
            href.push_str(&format!("&{key}={}", url::encode(value)));
        }
        href
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let query = use_query_map();
    let state = Memo::new(move |_| {
        let query = query.read();
        let get = |key: &str| query.get(key).unwrap_or_default();
        UsersQuery {
            q: get("q"),
            status: get("status"),
            sort: get("sort"),
            cursor: get("cursor"),
            new: !get("new").is_empty(),
            org: get("org"),
            act: get("act"),
            user: get("user"),
            done: get("done"),
        }
    });
    // `done` is in the key so that the list is read again after a change lands here.
    let page = Resource::new(
        move || {
            state.with(|s| {
                (s.q.clone(), s.status.clone(), s.sort.clone(), s.cursor.clone(), s.org.clone(), s.done.clone())
            })
        },
        |(q, status, sort, cursor, org, _)| list_users(q, status, sort, cursor, org),
    );
    view! {
        <div class="max-w-6xl space-y-6">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <Users page state=state.get()/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Users(page: UserListPage, state: UsersQuery) -> impl IntoView {
    let first = UsersQuery { cursor: String::new(), ..state.clone() };
    let next = page.next_cursor.clone().map(|cursor| first.with(&[("cursor", &cursor)]));
    // An empty cursor: the page before is the first one.
    let previous = page
        .previous_cursor
        .clone()
        .map(|cursor| if cursor.is_empty() { first.list_href() } else { first.with(&[("cursor", &cursor)]) });
    let first_page = (!state.cursor.is_empty()).then(|| first.list_href());
    let may_create = !page.create_in.is_empty();
    let creating = (state.new && may_create).then(|| (page.create_in.clone(), state.clone()));
    let confirming = page
        .users
        .iter()
        .find(|u| u.user_id == state.user && !state.act.is_empty())
        .cloned()
        .map(|user| (user, state.clone()));
    let (q, status, done) = (state.q.clone(), state.status.clone(), state.done.clone());
    let sort = state.sort.clone();
    let total = page.total;
    view! {
        <ListHeader title="Users" action=(may_create && !state.new).then(|| PageAction { href: state.with(&[("new", "1")]), label: "New user", test_id: "new-user" })/>
        <DoneBanner done=done.clone() test_id="users-done"/>
        {creating.map(|(orgs, state)| view! { <create_form::CreateUserForm orgs state/> })}
        <Form method="GET" action="" attr:class="flex flex-wrap gap-2" attr:role="search">
            <label for="user-search" class="sr-only">"Find users by name or email"</label>
            <input id="user-search" name="q" type="search" value=q placeholder="Find by name or email" data-testid="user-search"
                class="min-w-64 flex-1 rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"/>
            <label for="user-status-filter" class="sr-only">"Only users with this status"</label>
            <select id="user-status-filter" name="status" data-testid="user-status-filter"
                class="rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900">
                {[("", "Any status"), ("active", "Active"), ("invited", "Invited"), ("disabled", "Disabled")]
                    .into_iter()
                    .map(|(value, label)| view! { <option value=value selected=status == value>{label}</option> })
                    .collect_view()}
            </select>
            <input type="hidden" name="sort" value=sort/>
            <button type="submit" class="rounded-md border border-slate-300 px-4 py-2 text-sm dark:border-slate-700">"Search"</button>
        </Form>
        <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="user-total">
            {format!("{total} user{} match", if total == 1 { "" } else { "s" })}
        </p>
        {confirming.map(|(user, state)| view! { <confirm::ConfirmUserChange user state/> })}
        <table::UserTable users=page.users state=state.clone()/>
        <PageLinks first=first_page previous next/>
    }
}
