//! Creating a user: they join the chosen organization with its default roles. With a password
//! they can sign in at once; without one they are invited.

use leptos::prelude::*;

use super::UsersQuery;
use crate::ui::{
    components::form::{FormError, PendingButton, TextField, action_error},
    model::OrganizationItem,
    server_fns::users::CreateUser,
    typed::typed_value,
};

/// Where this form posts, and whose failure refills it.
const REFILL: &str = <CreateUser as leptos::server_fn::ServerFn>::PATH;

#[component]
pub fn CreateUserForm(orgs: Vec<OrganizationItem>, state: UsersQuery) -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let error = action_error(create);
    let org_problem = move || error.get().and_then(|e| e.field("organization_id"));
    let chosen_org = typed_value(REFILL, "organization_id").unwrap_or_else(|| state.org.clone());
    view! {
        <section aria-labelledby="new-user-title" data-testid="new-user-form"
            class="space-y-3 rounded-lg border border-slate-300 bg-white p-4 shadow-sm dark:border-slate-700 dark:bg-slate-900">
            <h2 id="new-user-title" class="text-lg font-semibold">"New user"</h2>
            <FormError error/>
            <ActionForm action=create attr:class="grid gap-3 sm:grid-cols-2">
                <TextField label="Email" name="email" input_type="email" autofocus=true error refill_from=REFILL/>
                <div class="space-y-1">
                    <label for="field-organization_id" class="block text-sm font-medium text-slate-700 dark:text-slate-300">"Organization"</label>
                    <select id="field-organization_id" name="organization_id" data-testid="new-user-org"
                        class="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900">
                        {orgs.into_iter().map(|o| {
                            let selected = o.id == chosen_org;
                            view! { <option value=o.id selected=selected>{o.name}</option> }
                        }).collect_view()}
                    </select>
                    <p class="min-h-5 text-sm text-red-600 dark:text-red-400">{org_problem}</p>
                </div>
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
