//! `/orgs/:id/members`: an organization's members. Search and a role filter (a role picker), 50 at a time
//! through any number (keyset paging); tick members, or every member matching the search, to
//! add or remove a role after a confirmation that states the count; edit one member's roles
//! in a dialog; open a drawer with everything a member may do here, each permission explained.
//!
//! Every state (filter, page, selection, confirmation, dialog, drawer) lives in the URL, so
//! the page works without JavaScript and any view of it can be linked to.

mod assign_dialog;
mod bulk_confirm;
mod drawer;
mod table;

use leptos::prelude::*;
use leptos_router::{
    components::Form,
    hooks::{use_params_map, use_query_map},
};

use crate::ui::{
    components::{
        layout::LoadError,
        list_page::{DoneBanner, ListHeader, PageAction, PageLinks},
        picker::{PickLinks, Picker, choices_for},
    },
    error::UiError,
    model::{MemberDetailItem, MemberListPage, PickItem, PickKind},
    server_fns::members::{list_members, member_detail},
    url,
};

/// One member's detail (for the drawer or the assign dialog); `None` while neither is open.
type DetailResource = Resource<Option<Result<MemberDetailItem, UiError>>>;

/// What is open on top of the list, each read by a resource made at the top of the page: one
/// made inside the list's suspense does not always hydrate (the move dialog's did not, behind
/// two servers).
#[derive(Clone, Copy)]
struct Opened {
    drawer: DetailResource,
    assign: DetailResource,
    bulk: bulk_confirm::PreviewResource,
}

/// The detail of the member `pick` names in the query, when one is named.
fn detail_of(
    org_id: impl Fn() -> String + Send + Sync + 'static,
    state: Memo<MembersQuery>,
    pick: fn(&MembersQuery) -> String,
) -> DetailResource {
    Resource::new(
        move || (org_id(), state.with(pick)),
        |(org, user)| async move { if user.is_empty() { None } else { Some(member_detail(org, user).await) } },
    )
}

/// The page's query: the filter and the page, plus whatever is open on top of the list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MembersQuery {
    pub q: String,
    pub role: String,
    /// The order, as `sort` is written (`name`, `-joined`; empty: by email).
    pub sort: String,
    pub cursor: String,
    /// `add` or `remove`, with `bulk_role` and either `ids` or `all`: a bulk change to confirm.
    pub bulk: String,
    pub bulk_role: String,
    pub ids: Vec<String>,
    pub all: bool,
    pub member: String,
    pub assign: String,
    pub done: String,
}

impl MembersQuery {
    /// The list's own address (filter and page), with nothing open on top.
    pub fn list_href(&self, org_id: &str) -> String {
        let mut href = format!(
            "/orgs/{org_id}/members?q={}&role={}&sort={}",
            url::encode(&self.q),
            url::encode(&self.role),
            url::encode(&self.sort)
        );
        if !self.cursor.is_empty() {
            href.push_str(&format!("&cursor={}", url::encode(&self.cursor)));
        }
        href
    }

    /// The confirmation of this bulk change with `role` as its role.
    pub fn bulk_href(&self, org_id: &str, role: &str) -> String {
        let mut href =
            format!("{}&bulk={}&bulk_role={}", self.list_href(org_id), url::encode(&self.bulk), url::encode(role));
        for id in &self.ids {
            href.push_str(&format!("&ids={}", url::encode(id)));
        }
        if self.all {
            href.push_str("&all=1");
        }
        href
    }

    pub fn with(&self, org_id: &str, key: &str, value: &str) -> String {
        format!("{}&{key}={}", self.list_href(org_id), url::encode(value))
    }
}

#[component]
pub fn MembersPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let org_id = move || params.read().get("id").unwrap_or_default();
    let state = Memo::new(move |_| {
        let query = query.read();
        let get = |key: &str| query.get(key).unwrap_or_default();
        MembersQuery {
            q: get("q"),
            role: get("role"),
            sort: get("sort"),
            cursor: get("cursor"),
            bulk: get("bulk"),
            bulk_role: get("bulk_role"),
            ids: query.get_all("ids").unwrap_or_default(),
            all: !get("all").is_empty(),
            member: get("member"),
            assign: get("assign"),
            done: get("done"),
        }
    });
    // `done` is in the key so that the list is read again after a change lands here.
    let page = Resource::new(
        move || {
            (org_id(), state.with(|s| (s.q.clone(), s.role.clone(), s.sort.clone(), s.cursor.clone(), s.done.clone())))
        },
        |(org, (q, role, sort, cursor, _))| async move {
            let page = list_members(org.clone(), q, role.clone(), sort, Some(cursor)).await;
            // With the roles a filter could mean when it names none (fetched here: a resource
            // made inside this one's suspense would not hydrate reliably).
            let lost = page.as_ref().is_ok_and(|page| page.role_problem.is_some());
            let choices = if lost { choices_for(PickKind::Role, org, role).await } else { Vec::new() };
            page.map(|page| (page, choices))
        },
    );
    let opened = Opened {
        drawer: detail_of(org_id, state, |s| s.member.clone()),
        assign: detail_of(org_id, state, |s| s.assign.clone()),
        bulk: bulk_confirm::preview_resource(org_id, state),
    };
    view! {
        <div class="max-w-6xl space-y-6">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok((page, choices)) => view! { <Members page choices org_id=org_id() state=state.get() opened/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Members(
    page: MemberListPage,
    choices: Vec<PickItem>,
    org_id: String,
    state: MembersQuery,
    opened: Opened,
) -> impl IntoView {
    let first = MembersQuery { cursor: String::new(), ..state.clone() };
    let next = page.next_cursor.clone().map(|cursor| first.with(&org_id, "cursor", &cursor));
    // An empty cursor: the page before is the first one.
    let previous = page.previous_cursor.clone().map(|cursor| {
        if cursor.is_empty() { first.list_href(&org_id) } else { first.with(&org_id, "cursor", &cursor) }
    });
    let first_page = (!state.cursor.is_empty()).then(|| first.list_href(&org_id));
    let (q, role, done) = (state.q.clone(), state.role.clone(), state.done.clone());
    let sort = state.sort.clone();
    let bulk = (!state.bulk.is_empty()).then(|| (org_id.clone(), state.clone()));
    let assign = (!state.assign.is_empty()).then(|| (org_id.clone(), state.clone()));
    let role_scope = org_id.clone();
    // A role filter that names no role: what it could have meant, as links.
    let role_problem = page.role_problem.clone().map(|problem| {
        let (term, org_id, state) = (state.role.clone(), org_id.clone(), state.clone());
        let href = move |value: &str| {
            MembersQuery { role: value.to_owned(), cursor: String::new(), ..state.clone() }.list_href(&org_id)
        };
        (problem, term, href)
    });
    let drawer = (!state.member.is_empty()).then(|| (org_id.clone(), state.clone()));
    view! {
        <ListHeader title="Members" org=Some((org_id.clone(), page.org_name.clone())) action=page.may_assign.then(|| PageAction { href: format!("/users?new=1&org={org_id}"), label: "Add a new user", test_id: "add-user" })/>
        <DoneBanner done=done.clone() test_id="members-done"/>
        <Form method="GET" action="" attr:class="flex flex-wrap items-start gap-2" attr:role="search">
            <div class="min-w-64 flex-1">
                <label for="member-search" class="text-sm">"Name or email"</label>
                <input id="member-search" name="q" type="search" value=q placeholder="Find by name or email" data-testid="member-search"
                    class="w-full rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"/>
            </div>
            <div class="w-64">
                <Picker kind=PickKind::Role scope=role_scope name="role" label="Only members with the role" value=role
                    test_id="member-role-filter" placeholder="Any role" required=false submit_on_choose=true/>
            </div>
            <input type="hidden" name="sort" value=sort/>
            <button type="submit" class="mt-5 rounded-md border border-slate-300 px-4 py-2 text-sm dark:border-slate-700">"Search"</button>
        </Form>
        {role_problem.map(|(problem, term, href)| view! {
            <p role="alert" class="text-sm text-red-700 dark:text-red-400" data-testid="member-role-problem">{problem}</p>
            <PickLinks kind=PickKind::Role term items=choices href/>
        })}
        <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="member-total">
            {format!("{} member{} match", page.total, if page.total == 1 { "" } else { "s" })}
        </p>
        {bulk.map(|(org_id, state)| view! { <bulk_confirm::BulkConfirm org_id state preview=opened.bulk/> })}
        {assign.map(|(org_id, state)| view! { <assign_dialog::AssignDialog org_id state detail=opened.assign/> })}
        {drawer.map(|(org_id, state)| view! { <drawer::MemberDrawer org_id state detail=opened.drawer/> })}
        <table::MemberTable page org_id state/>
        <PageLinks first=first_page previous next/>
    }
}
