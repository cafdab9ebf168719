//! Creating a user: they join the chosen organization (picked by name, code or id) with its
//! default roles. With a password they can sign in at once; without one they are invited.

use leptos::prelude::*;

use super::UsersQuery;
use crate::ui::{
    components::{
        form::{FormError, PendingButton, TextField, action_error},
        picker::Picker,
    },
    model::{OrganizationItem, PickKind},
    server_fns::users::{CreateUser, JOIN_PERMISSION},
};

/// Where this form posts, and whose failure refills it.
const REFILL: &str = <CreateUser as leptos::server_fn::ServerFn>::PATH;

#[component]
pub fn CreateUserForm(orgs: Vec<OrganizationItem>, state: UsersQuery) -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let error = action_error(create);
    // The organization whose members page led here, else the first of the caller's own where
    // they may add users (the picker refills itself after a failed post).
    let chosen_org =
        Some(state.org.clone()).filter(|org| !org.is_empty()).or_else(|| orgs.first().map(|o| o.id.clone()));
    view! {
        <section aria-labelledby="new-user-title" data-testid="new-user-form"
            class="space-y-3 rounded-lg border border-slate-300 bg-white p-4 shadow-sm dark:border-slate-700 dark:bg-slate-900">
            <h2 id="new-user-title" class="text-lg font-semibold">"New user"</h2>
            <FormError error/>
            <ActionForm action=create attr:class="grid gap-3 sm:grid-cols-2">
                <TextField label="Email" name="email" input_type="email" autofocus=true error refill_from=REFILL/>
                <Picker kind=PickKind::Organization scope=JOIN_PERMISSION name="organization_id" label="Organization (name, code or id)"
                    value=chosen_org.unwrap_or_default() test_id="new-user-org" error=Some(error) refill_from=REFILL/>
                <TextField label="First name" name="first_name" required=false error refill_from=REFILL/>
                <TextField label="Last name" name="last_name" required=false error refill_from=REFILL/>
                <div class="sm:col-span-2">
                    <TextField label="Initial password (leave empty to invite)" name="password" input_type="password"
                        autocomplete="new-password" required=false error/>
                </div>
                <p class="text-sm text-slate-600 sm:col-span-2 dark:text-slate-400">
                    "The user joins the organization with its default roles."
                </p>
                <div class="flex gap-3 sm:col-span-2">
                    <PendingButton pending=create.pending() test_id="new-user-create"
                        class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">"Create user"</PendingButton>
                    <a href=state.list_href() class="rounded-md border border-slate-300 px-4 py-2 text-sm dark:border-slate-700">"Cancel"</a>
                </div>
            </ActionForm>
        </section>
    }
}
