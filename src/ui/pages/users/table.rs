//! The user list: who, their status, when they last signed in, and what can be done to them.

use leptos::prelude::*;

use super::UsersQuery;
use crate::ui::{
    components::{
        list_page::{EMAIL_COLUMN, LAST_SIGN_IN_COLUMN, NAME_COLUMN, SortColumn, SortHeader, people_sort},
        moment::Moment,
    },
    model::UserRow,
};

#[component]
pub fn UserTable(users: Vec<UserRow>, state: UsersQuery) -> impl IntoView {
    let empty = users.is_empty();
    let sorted = {
        let state = state.clone();
        move |sort: &str| UsersQuery { sort: sort.to_owned(), cursor: String::new(), ..state.clone() }.list_href()
    };
    let current = people_sort(&state.sort);
    view! {
        {empty.then(|| view! { <p class="text-slate-600 dark:text-slate-400">"No user matches."</p> })}
        <table class="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800" data-testid="user-list">
            <thead class="text-left text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">
                <tr>
                    <SortHeader column=NAME_COLUMN current=current.clone() href=sorted.clone() class="py-2 pr-3"/>
                    <SortHeader column=EMAIL_COLUMN current=current.clone() href=sorted.clone() class="px-3 py-2"/>
                    <th scope="col" class="px-3 py-2">"Status"</th>
                    <SortHeader column=SortColumn { label: "Created", name: "created", first_descending: true } current=current.clone() href=sorted.clone() class="px-3 py-2"/>
                    <SortHeader column=LAST_SIGN_IN_COLUMN current=current.clone() href=sorted class="px-3 py-2"/>
                    <th scope="col" class="px-3 py-2 text-right"><span class="sr-only">"Actions"</span></th>
                </tr>
            </thead>
            <tbody class="divide-y divide-slate-200 dark:divide-slate-800">
                {users.into_iter().map(|user| view! { <Row user state=state.clone()/> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn Row(user: UserRow, state: UsersQuery) -> impl IntoView {
    let toggle = if user.status == "disabled" { ("enable", "Enable") } else { ("disable", "Disable") };
    let toggle_href = state.with(&[("act", toggle.0), ("user", &user.user_id)]);
    let delete_href = state.with(&[("act", "delete"), ("user", &user.user_id)]);
    let toggle_label = format!("{} {}", toggle.1, user.email);
    let delete_label = format!("Delete {}", user.email);
    view! {
        <tr data-testid="user-row" data-email=user.email.clone()>
            <td class="py-2 pr-3">
                <span class="font-medium">{user.full_name.clone()}</span>
                {user.is_me.then(|| view! { <span class="ml-2 text-xs text-slate-500 dark:text-slate-400">"(you)"</span> })}
            </td>
            <td class="px-3 py-2 text-slate-600 dark:text-slate-400">{user.email.clone()}</td>
            <td class="px-3 py-2" data-testid="user-status"><StatusBadge status=user.status.clone()/></td>
            <td class="px-3 py-2 text-slate-600 dark:text-slate-400"><Moment at=Some(user.created_at.clone())/></td>
            <td class="px-3 py-2 text-slate-600 dark:text-slate-400" data-testid="user-last-sign-in"><Moment at=user.last_sign_in_at.clone()/></td>
            <td class="space-x-3 px-3 py-2 text-right whitespace-nowrap">
                {(!user.is_me).then(|| view! {
                    <a href=toggle_href aria-label=toggle_label class="text-indigo-700 underline dark:text-indigo-300" data-testid="user-toggle">{toggle.1}</a>
                    <a href=delete_href aria-label=delete_label class="text-red-700 underline dark:text-red-400" data-testid="user-delete">"Delete"</a>
                })}
            </td>
        </tr>
    }
}

#[component]
fn StatusBadge(status: String) -> impl IntoView {
    let colour = match status.as_str() {
        "active" => "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-100",
        "invited" => "bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-100",
        _ => "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-200",
    };
    view! { <span class=format!("rounded px-1.5 py-0.5 text-xs {colour}")>{status}</span> }
}
