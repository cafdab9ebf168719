//! `/orgs/:id/policies`: an organization's policies, searchable and paged, with how many
//! roles and members depend on each and whether it is predefined (managed) or custom.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::ui::{
    components::{
        layout::LoadError,
        list_page::{ListHeader, ListSearch, PageAction},
    },
    model::PolicyListPage,
    pages::policies::PolicyBadge,
    server_fns::policies::list_policies,
};

#[component]
pub fn PoliciesPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let org_id = move || params.read().get("id").unwrap_or_default();
    let q = move || query.read().get("q").unwrap_or_default();
    let cursor = move || query.read().get("cursor");
    let page = Resource::new(move || (org_id(), q(), cursor()), |(org, q, cursor)| list_policies(org, q, cursor));
    view! {
        <div class="max-w-5xl space-y-6">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <PolicyList page org_id=org_id() q=q()/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn PolicyList(page: PolicyListPage, org_id: String, q: String) -> impl IntoView {
    let next = page.next_cursor.clone().map(|cursor| {
        let q = crate::ui::url::encode(&q);
        format!("/orgs/{org_id}/policies?q={q}&cursor={cursor}")
    });
    let empty = page.items.is_empty();
    view! {
        <ListHeader title="Policies" org=Some((org_id.clone(), page.org_name.clone())) action=page.may_create.then(|| PageAction { href: format!("/orgs/{org_id}/policies/new"), label: "New policy", test_id: "new-policy" })/>
        <ListSearch label="Find a policy by name or description" placeholder="Find by name or description" value=q.clone() test_id="policy-search"/>
        <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="policy-total">{format!("{} polic{}", page.total, if page.total == 1 { "y" } else { "ies" })}</p>
        {empty.then(|| view! { <p class="text-slate-600 dark:text-slate-400">"No policy matches."</p> })}
        <table class="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800" data-testid="policy-list">
            <thead class="text-left text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">
                <tr>
                    <th scope="col" class="py-2 pr-3">"Name"</th>
                    <th scope="col" class="px-3 py-2">"Kind"</th>
                    <th scope="col" class="px-3 py-2">"Grants"</th>
                    <th scope="col" class="px-3 py-2 text-right">"Roles"</th>
                    <th scope="col" class="px-3 py-2 text-right">"Members"</th>
                </tr>
            </thead>
            <tbody class="divide-y divide-slate-200 dark:divide-slate-800">
                {page.items.into_iter().map(|p| view! {
                    <tr>
                        <td class="py-2 pr-3">
                            <a href=format!("/orgs/{org_id}/policies/{}", p.id) class="font-medium text-indigo-700 hover:underline dark:text-indigo-300">{p.name}</a>
                            <span class="block text-xs text-slate-500 dark:text-slate-400">{p.description}</span>
                        </td>
                        <td class="px-3 py-2"><PolicyBadge managed=p.managed/></td>
                        <td class="px-3 py-2 text-slate-600 dark:text-slate-400">
                            {format!("{} allowed", p.allow_count)}
                            {(p.deny_count > 0).then(|| format!(", {} deny statement(s)", p.deny_count))}
                        </td>
                        <td class="px-3 py-2 text-right tabular-nums">{p.roles}</td>
                        <td class="px-3 py-2 text-right tabular-nums">{p.users}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {next.map(|href| view! { <a href=href class="inline-block text-sm text-indigo-700 underline dark:text-indigo-300" data-testid="next-page">"Next page"</a> })}
    }
}
