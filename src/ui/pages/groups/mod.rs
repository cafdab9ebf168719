//! `/orgs/:id/groups`: an organization's user groups. Each group holds roles here like a
//! member does, and every user in it inherits them (explanations name the group). Open a group
//! to change its name, roles and members (add members by email); delete one after a
//! confirmation. The state (`edit`, `delete`, `done`, the page's `cursor`) lives in the URL.

mod editor;

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::ui::{
    components::{
        form::{FormError, PendingButton, action_error},
        layout::LoadError,
        list_page::{DoneBanner, ListHeader, PageAction, PageLinks},
    },
    model::{GroupRow, UserGroupsPage},
    server_fns::groups::{DeleteUserGroup, load_user_groups},
    url,
};

#[component]
pub fn GroupsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let org_id = move || params.read().get("id").unwrap_or_default();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    // `done` is in the key so that the list is read again after a change lands here.
    let page = Resource::new(
        move || (org_id(), get("edit"), get("cursor"), get("done")),
        |(org, edit, cursor, _)| load_user_groups(org, edit, cursor),
    );
    view! {
        <div class="max-w-5xl space-y-6">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <Groups page org_id=org_id() deleting=get("delete") done=get("done") cursor=get("cursor")/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Groups(page: UserGroupsPage, org_id: String, deleting: String, done: String, cursor: String) -> impl IntoView {
    let list = format!("/orgs/{org_id}/groups");
    let deleting = page.groups.iter().find(|g| g.id == deleting && page.may_manage).cloned();
    let editing = page.editing.clone();
    let may_manage = page.may_manage;
    let first = (!cursor.is_empty()).then(|| list.clone());
    let next = page.next_cursor.as_deref().map(|next| format!("{list}?cursor={}", url::encode(next)));
    // A row's links keep the page it is on.
    let here = if cursor.is_empty() { format!("{list}?") } else { format!("{list}?cursor={}&", url::encode(&cursor)) };
    view! {
        <ListHeader title="User groups" org=Some((org_id.clone(), page.org_name.clone())) action=(may_manage && editing.is_none()).then(|| PageAction { href: format!("{list}?edit=new"), label: "New group", test_id: "new-group" })/>
        <p class="text-sm text-slate-600 dark:text-slate-400">
            "A group holds roles in this organization; every member in it holds them too."
        </p>
        <DoneBanner done=done.clone() test_id="groups-done"/>
        {deleting.map(|group| view! { <ConfirmDelete group org_id=org_id.clone()/> })}
        {editing.map(|group| view! { <editor::GroupEditor group org_id=org_id.clone() may_save=may_manage may_read_history=page.may_read_history/> })}
        {page.groups.is_empty().then(|| view! { <p class="text-slate-600 dark:text-slate-400">"No user groups yet."</p> })}
        <table class="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800" data-testid="group-list">
            <thead class="text-left text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">
                <tr>
                    <th scope="col" class="py-2 pr-3">"Group"</th>
                    <th scope="col" class="px-3 py-2">"Roles"</th>
                    <th scope="col" class="px-3 py-2 text-right">"Members"</th>
                    <th scope="col" class="px-3 py-2 text-right"><span class="sr-only">"Actions"</span></th>
                </tr>
            </thead>
            <tbody class="divide-y divide-slate-200 dark:divide-slate-800">
                {page.groups.into_iter().map(|g| view! { <Row group=g here=here.clone() may_manage/> }).collect_view()}
            </tbody>
        </table>
        <PageLinks first next/>
    }
}

#[component]
fn Row(group: GroupRow, here: String, may_manage: bool) -> impl IntoView {
    let roles = if group.role_names.is_empty() { "no role".to_owned() } else { group.role_names.join(", ") };
    let delete_label = format!("Delete group {}", group.name);
    view! {
        <tr data-testid="group-row" data-name=group.name.clone()>
            <td class="py-2 pr-3">
                <a href=format!("{here}edit={}", group.id) class="font-medium text-indigo-700 hover:underline dark:text-indigo-300">{group.name.clone()}</a>
                <span class="block text-xs text-slate-500 dark:text-slate-400">{group.description.clone()}</span>
            </td>
            <td class="px-3 py-2" data-testid="group-roles">{roles}</td>
            <td class="px-3 py-2 text-right tabular-nums" data-testid="group-member-count">{group.member_count}</td>
            <td class="px-3 py-2 text-right">
                {may_manage.then(|| view! {
                    <a href=format!("{here}delete={}", group.id) aria-label=delete_label class="text-red-700 underline dark:text-red-400" data-testid="group-delete">"Delete"</a>
                })}
            </td>
        </tr>
    }
}

#[component]
fn ConfirmDelete(group: GroupRow, org_id: String) -> impl IntoView {
    let delete = ServerAction::<DeleteUserGroup>::new();
    let error = action_error(delete);
    let members =
        if group.member_count == 1 { "Its member".to_owned() } else { format!("Its {} members", group.member_count) };
    view! {
        <section role="alertdialog" aria-labelledby="group-question" data-testid="group-confirm"
            class="space-y-3 rounded-lg border border-red-300 bg-red-50 p-4 dark:border-red-800 dark:bg-red-950">
            <p id="group-question" class="font-semibold">{format!("Delete group \"{}\"?", group.name)}</p>
            <p class="text-sm">{format!("{members} keep their own roles and lose those held through the group.")}</p>
            <FormError error/>
            <ActionForm action=delete attr:class="flex gap-3">
                <input type="hidden" name="org_id" value=org_id.clone()/>
                <input type="hidden" name="group_id" value=group.id.clone()/>
                <input type="hidden" name="name" value=group.name.clone()/>
                <PendingButton pending=delete.pending() test_id="group-delete-apply"
                    class="rounded-md bg-red-600 px-4 py-2 text-sm font-semibold text-white hover:bg-red-500">"Delete"</PendingButton>
                <a href=format!("/orgs/{org_id}/groups") class="rounded-md border border-slate-300 px-4 py-2 text-sm dark:border-slate-700">"Cancel"</a>
            </ActionForm>
        </section>
    }
}
