//! The member list as a GET form: ticking members (or "every match") and choosing a role
//! change leads to the confirmation, which states the count before anything changes.

use leptos::prelude::*;
use leptos_router::components::Form;

use super::MembersQuery;
use crate::ui::{
    components::{
        list_page::{EMAIL_COLUMN, LAST_SIGN_IN_COLUMN, NAME_COLUMN, SortColumn, SortHeader, people_sort},
        moment::Moment,
        picker::Picker,
    },
    model::{MemberListPage, MemberRow, PickKind},
};

#[component]
pub fn MemberTable(page: MemberListPage, org_id: String, state: MembersQuery) -> impl IntoView {
    let may_assign = page.may_assign;
    let total = page.total;
    let rows = page.members.clone();
    let empty = rows.is_empty();
    let sorted = {
        let (state, org_id) = (state.clone(), org_id.clone());
        move |sort: &str| {
            MembersQuery { sort: sort.to_owned(), cursor: String::new(), ..state.clone() }.list_href(&org_id)
        }
    };
    let current = people_sort(&state.sort);
    view! {
        <Form method="GET" action="" attr:class="space-y-3" attr:data-testid="member-bulk-form">
            <input type="hidden" name="q" value=state.q.clone()/>
            <input type="hidden" name="role" value=state.role.clone()/>
            <input type="hidden" name="sort" value=state.sort.clone()/>
            {may_assign.then(|| view! {
                <fieldset class="flex flex-wrap items-center gap-3 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm dark:border-slate-800 dark:bg-slate-900">
                    <legend class="sr-only">"Change a role for the selected members"</legend>
                    <label class="flex items-center gap-2">
                        <input type="checkbox" name="all" value="1" class="h-4 w-4" data-testid="select-all-matches"/>
                        {format!("Select all {total} matching members (not just this page)")}
                    </label>
                    <label for="bulk-change" class="sr-only">"Change"</label>
                    <select id="bulk-change" name="bulk" data-testid="bulk-change"
                        class="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-950">
                        <option value="add">"Add role"</option>
                        <option value="remove">"Remove role"</option>
                    </select>
                    <div class="w-64">
                        <Picker kind=PickKind::Role scope=org_id.clone() name="bulk_role" label="Role" value=String::new() test_id="bulk-role"/>
                    </div>
                    <button type="submit" data-testid="bulk-review"
                        class="rounded-md bg-indigo-600 px-3 py-1 font-semibold text-white hover:bg-indigo-500">"Review change"</button>
                </fieldset>
            })}
            {empty.then(|| view! { <p class="text-slate-600 dark:text-slate-400">"No member matches."</p> })}
            <table class="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800" data-testid="member-list">
                <thead class="text-left text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">
                    <tr>
                        {may_assign.then(|| view! { <th scope="col" class="w-8 py-2"><SelectPage/></th> })}
                        <SortHeader column=NAME_COLUMN current=current.clone() href=sorted.clone() class="py-2 pr-3"/>
                        <SortHeader column=EMAIL_COLUMN current=current.clone() href=sorted.clone() class="px-3 py-2"/>
                        <th scope="col" class="px-3 py-2">"Roles"</th>
                        <th scope="col" class="px-3 py-2">"Status"</th>
                        <SortHeader column=SortColumn { label: "Joined", name: "joined", first_descending: true } current=current.clone() href=sorted.clone() class="px-3 py-2"/>
                        <SortHeader column=LAST_SIGN_IN_COLUMN current=current.clone() href=sorted class="px-3 py-2"/>
                        <th scope="col" class="px-3 py-2 text-right"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-200 dark:divide-slate-800">
                    {rows.into_iter().map(|member| view! { <Row member org_id=org_id.clone() state=state.clone() may_assign/> }).collect_view()}
                </tbody>
            </table>
        </Form>
    }
}

#[component]
fn Row(member: MemberRow, org_id: String, state: MembersQuery, may_assign: bool) -> impl IntoView {
    let details = state.with(&org_id, "member", &member.user_id);
    let edit = state.with(&org_id, "assign", &member.user_id);
    let select_label = format!("Select {}", member.full_name);
    let ticked = state.ids.contains(&member.user_id);
    let role_names = if member.roles.is_empty() {
        "no role".to_owned()
    } else {
        member.roles.iter().map(|r| r.held_label()).collect::<Vec<_>>().join(", ")
    };
    view! {
        <tr data-testid="member-row" data-email=member.email.clone()>
            {may_assign.then(|| view! {
                <td class="py-2"><input type="checkbox" name="ids" value=member.user_id.clone() checked=ticked aria-label=select_label class="h-4 w-4" data-testid="member-select"/></td>
            })}
            <td class="py-2 pr-3 font-medium">{member.full_name.clone()}</td>
            <td class="px-3 py-2 text-slate-600 dark:text-slate-400">{member.email.clone()}</td>
            <td class="px-3 py-2" data-testid="member-roles">{role_names}</td>
            <td class="px-3 py-2">{member.status.clone()}</td>
            <td class="px-3 py-2 text-slate-600 dark:text-slate-400"><Moment at=Some(member.joined_at.clone())/></td>
            <td class="px-3 py-2 text-slate-600 dark:text-slate-400" data-testid="member-last-sign-in"><Moment at=member.last_sign_in_at.clone()/></td>
            <td class="space-x-3 px-3 py-2 text-right whitespace-nowrap">
                <a href=details class="text-indigo-700 underline dark:text-indigo-300" data-testid="member-details">"Permissions"</a>
                {may_assign.then(|| view! { <a href=edit class="text-indigo-700 underline dark:text-indigo-300" data-testid="member-edit-roles">"Edit roles"</a> })}
            </td>
        </tr>
    }
}

/// Ticks or clears every member on this page at once. It needs JavaScript, so it appears only
/// once the page is hydrated ("select all matching members" works either way).
#[component]
fn SelectPage() -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <Show when=move || hydrated.get() fallback=|| view! { <span class="sr-only">"Select"</span> }>
            <input type="checkbox" aria-label="Select every member on this page" data-testid="select-page" class="h-4 w-4"
                on:change=move |ev| tick_page(event_target_checked(&ev))/>
        </Show>
    }
}

fn tick_page(checked: bool) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::{wasm_bindgen::JsCast, web_sys::HtmlInputElement};
        let Ok(boxes) = document().query_selector_all("input[data-testid='member-select']") else { return };
        for index in 0..boxes.length() {
            if let Some(input) = boxes.item(index).and_then(|node| node.dyn_into::<HtmlInputElement>().ok()) {
                input.set_checked(checked);
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = checked;
}
