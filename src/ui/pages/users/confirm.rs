//! The confirmation of disabling, enabling or deleting a user: it says what will happen (a
//! disabled user is signed out everywhere at once; deletion cannot be undone) before it does.

use leptos::prelude::*;

use super::UsersQuery;
use crate::ui::{
    components::form::{FormError, PendingButton, action_error},
    model::UserRow,
    server_fns::users::{DeleteUser, SetUserStatus},
};

const BUTTON: &str = "rounded-md px-4 py-2 text-sm font-semibold text-white";
const CANCEL: &str = "rounded-md border border-slate-300 px-4 py-2 text-sm dark:border-slate-700";

#[component]
pub fn ConfirmUserChange(user: UserRow, state: UsersQuery) -> impl IntoView {
    let back = state.list_href();
    let body = if state.act == "delete" {
        view! { <DeleteForm user back/> }.into_any()
    } else {
        let enable = state.act == "enable";
        view! { <StatusForm user back enable/> }.into_any()
    };
    view! {
        <section role="alertdialog" aria-labelledby="user-question" data-testid="user-confirm"
            class="space-y-3 rounded-lg border border-indigo-300 bg-indigo-50 p-4 dark:border-indigo-800 dark:bg-indigo-950">
            {body}
        </section>
    }
}

#[component]
fn StatusForm(user: UserRow, back: String, enable: bool) -> impl IntoView {
    let change = ServerAction::<SetUserStatus>::new();
    let error = action_error(change);
    let (question, consequence, status) = if enable {
        (format!("Enable {}?", user.email), "They can sign in again with their password.", "active")
    } else {
        (
            format!("Disable {}?", user.email),
            "They are signed out everywhere at once and cannot sign in until enabled.",
            "disabled",
        )
    };
    view! {
        <p id="user-question" class="font-semibold" data-testid="user-question">{question}</p>
        <p class="text-sm">{consequence}</p>
        <FormError error/>
        <ActionForm action=change attr:class="flex gap-3">
            <input type="hidden" name="user_id" value=user.user_id.clone()/>
            <input type="hidden" name="status" value=status/>
            <input type="hidden" name="back" value=back.clone()/>
            <PendingButton pending=change.pending() test_id="user-confirm-apply" class=format!("{BUTTON} bg-indigo-600 hover:bg-indigo-500")>
                {if enable { "Enable" } else { "Disable" }}
            </PendingButton>
            <a href=back class=CANCEL>"Cancel"</a>
        </ActionForm>
    }
}

#[component]
fn DeleteForm(user: UserRow, back: String) -> impl IntoView {
    let delete = ServerAction::<DeleteUser>::new();
    let error = action_error(delete);
    view! {
        <p id="user-question" class="font-semibold" data-testid="user-question">{format!("Delete {}?", user.email)}</p>
        <p class="text-sm">"The account and its memberships in every organization are removed. This cannot be undone."</p>
        <FormError error/>
        <ActionForm action=delete attr:class="flex gap-3">
            <input type="hidden" name="user_id" value=user.user_id.clone()/>
            <input type="hidden" name="email" value=user.email.clone()/>
            <input type="hidden" name="back" value=back.clone()/>
            <PendingButton pending=delete.pending() test_id="user-confirm-apply" class=format!("{BUTTON} bg-red-600 hover:bg-red-500")>"Delete"</PendingButton>
            <a href=back class=CANCEL>"Cancel"</a>
        </ActionForm>
    }
}
