//! `/orgs/:id/roles`: an organization's roles, searchable and paged, with what each is made of
//! and who holds it.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::ui::{
    components::{
        layout::LoadError,
        list_page::{ListHeader, ListSearch, PageAction},
    },
    model::RoleListPage,
    pages::policies::PolicyBadge,
    server_fns::roles::list_roles,
    url,
};

#[component]
pub fn RolesPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let org_id = move || params.read().get("id").unwrap_or_default();
    let q = move || query.read().get("q").unwrap_or_default();
    let cursor = move || query.read().get("cursor");
    let page = Resource::new(move || (org_id(), q(), cursor()), |(org, q, cursor)| list_roles(org, q, cursor));
    view! {
        <div class="max-w-5xl space-y-6">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <RoleList page org_id=org_id() q=q()/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn RoleList(page: RoleListPage, org_id: String, q: String) -> impl IntoView {
    let next = page
        .next_cursor
        .clone()
        .map(|cursor| format!("/orgs/{org_id}/roles?q={}&cursor={}", url::encode(&q), url::encode(&cursor)));
    let empty = page.roles.is_empty();
    view! {
        <ListHeader title="Roles" org=Some((org_id.clone(), page.org_name.clone())) action=page.may_create.then(|| PageAction { href: format!("/orgs/{org_id}/roles/new"), label: "New role", test_id: "new-role" })/>
        <ListSearch label="Find a role by name or description" placeholder="Find by name or description" value=q.clone() test_id="role-search"/>
        <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="role-total">{format!("{} role{}", page.total, if page.total == 1 { "" } else { "s" })}</p>
        {empty.then(|| view! { <p class="text-slate-600 dark:text-slate-400">"No role matches."</p> })}
        <table class="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800" data-testid="role-list">
            <thead class="text-left text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">
                <tr>
                    <th scope="col" class="py-2 pr-3">"Name"</th>
                    <th scope="col" class="px-3 py-2">"Kind"</th>
                    <th scope="col" class="px-3 py-2">"SSO groups"</th>
                    <th scope="col" class="px-3 py-2 text-right">"Policies"</th>
                    <th scope="col" class="px-3 py-2 text-right">"Members"</th>
                </tr>
            </thead>
            <tbody class="divide-y divide-slate-200 dark:divide-slate-800">
                {page.roles.into_iter().map(|r| { let row_name = r.name.clone(); view! {
                    <tr data-testid="role-row" data-name=row_name>
                        <td class="py-2 pr-3">
                            <a href=format!("/orgs/{org_id}/roles/{}", r.id) class="font-medium text-indigo-700 hover:underline dark:text-indigo-300">{r.name}</a>
                            {r.is_default.then(|| view! { <span class="ml-2 rounded bg-emerald-100 px-1.5 text-xs text-emerald-800 dark:bg-emerald-900 dark:text-emerald-100">"default"</span> })}
                            <span class="block text-xs text-slate-500 dark:text-slate-400">{r.description}</span>
                        </td>
                        <td class="px-3 py-2"><PolicyBadge managed=r.managed/></td>
                        <td class="px-3 py-2 text-slate-600 dark:text-slate-400">{r.sso_group_names.join(", ")}</td>
                        <td class="px-3 py-2 text-right tabular-nums">{r.policy_ids.len()}</td>
                        <td class="px-3 py-2 text-right tabular-nums">{r.member_count}</td>
                    </tr>
                }}).collect_view()}
            </tbody>
        </table>
        {next.map(|href| view! { <a href=href class="inline-block text-sm text-indigo-700 underline dark:text-indigo-300" data-testid="next-page">"Next page"</a> })}
    }
}
