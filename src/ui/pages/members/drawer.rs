//! The member drawer: the member's roles here and every permission they hold, each with the
//! sentence from the decision function that explains it.

use leptos::prelude::*;

use super::MembersQuery;
use crate::ui::{
    components::{copy_button::CopyableValue, layout::LoadError},
    model::MemberDetailItem,
    pages::audit::history_link::HistoryLink,
};

#[component]
pub fn MemberDrawer(org_id: String, state: MembersQuery, detail: super::DetailResource) -> impl IntoView {
    let close = state.list_href(&org_id);
    view! {
        <aside aria-labelledby="drawer-title" data-testid="member-drawer"
            class="fixed inset-y-0 right-0 z-20 w-full max-w-lg space-y-4 overflow-y-auto border-l border-slate-200 bg-white p-6 shadow-xl dark:border-slate-800 dark:bg-slate-950">
            <a href=close class="float-right text-sm text-indigo-700 underline dark:text-indigo-300" data-testid="drawer-close">"Close"</a>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Some(Ok(item)) => view! { <Detail item/> }.into_any(),
                        Some(Err(error)) => view! { <LoadError error/> }.into_any(),
                        None => ().into_any(),
                    }
                })}
            </Transition>
        </aside>
    }
}

#[component]
fn Detail(item: MemberDetailItem) -> impl IntoView {
    let roles = if item.roles.is_empty() {
        "No role here.".to_owned()
    } else {
        item.roles.iter().map(|r| r.held_label()).collect::<Vec<_>>().join(", ")
    };
    let none = item.permissions.is_empty();
    let tokens = item.tokens.clone();
    let history = item.history_org_id.clone().map(|org_id| (org_id, item.user_id.clone()));
    view! {
        <h2 id="drawer-title" class="text-lg font-semibold">{item.full_name.clone()}</h2>
        {history.map(|(org_id, user_id)| view! { <HistoryLink org_id target_type="user" target_id=user_id/> })}
        <p class="text-sm text-slate-500 dark:text-slate-400">{format!("{} · {}", item.email, item.status)}</p>
        <CopyableValue label="User id" value=item.user_id.clone() test_id="member-user-id"/>
        <p class="text-sm"><span class="font-medium">"Roles: "</span><span data-testid="drawer-roles">{roles}</span></p>
        <h3 class="text-sm font-semibold">"What they may do here"</h3>
        {none.then(|| view! { <p class="text-sm text-slate-600 dark:text-slate-400">"Nothing: no role that applies here allows anything."</p> })}
        <ul class="space-y-2 text-sm">
            {item.permissions.into_iter().map(|p| view! {
                <li data-testid="drawer-permission">
                    <span class="font-mono">{p.permission}</span>
                    <span class="block text-xs text-slate-600 dark:text-slate-400">{p.reason}</span>
                </li>
            }).collect_view()}
        </ul>
        {tokens.map(|tokens| view! {
            <h3 class="text-sm font-semibold">"Their API tokens that work"</h3>
            {tokens.is_empty().then(|| view! { <p class="text-sm text-slate-600 dark:text-slate-400">"None."</p> })}
            <ul class="space-y-1 text-sm" data-testid="drawer-tokens">
                {tokens.into_iter().map(|t| view! {
                    <li data-testid="drawer-token">
                        <span class="font-medium">{t.name}</span>" "<span class="font-mono text-xs">{format!("{}…", t.prefix)}</span>
                        <span class="block text-xs text-slate-600 dark:text-slate-400">{format!("{} · expires {} · last used {}", t.restriction, t.expires, t.last_used)}</span>
                    </li>
                }).collect_view()}
            </ul>
        })}
    }
}
