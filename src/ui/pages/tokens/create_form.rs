//! The form that makes a token: a name, a lifetime (those the caller's organizations allow, a
//! date, or none where every one of them allows it) and an optional restriction (permissions
//! picked in the schema picker or the permission picker, typed separated by commas without
//! JavaScript; an organization, picked as you type).

use std::sync::Arc;

use leptos::prelude::*;

use crate::{
    domain::authz::statements::allowed_permissions,
    ui::{
        components::{
            form::{ProblemList, SubmitButton, TextField},
            permission_matrix::{
                PermissionMatrix,
                rows::{MatrixRow, statements_from_rows},
            },
            picker::Picker,
        },
        error::UiError,
        model::{MyTokensPage, PickKind},
        server_fns::tokens::CreateToken,
        typed::typed_value,
    },
};

const SELECT: &str = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900";

/// Where this form posts, and whose failure refills it.
const REFILL: &str = <CreateToken as leptos::server_fn::ServerFn>::PATH;

#[component]
pub fn CreateTokenForm(
    page: MyTokensPage,
    create: ServerAction<CreateToken>,
    error: Signal<Option<UiError>>,
) -> impl IntoView {
    let schema = Arc::new(page.schema.clone());
    let rows = RwSignal::new(Vec::<MatrixRow>::new());
    // After a failed post without JavaScript: what the admin chose (the name refills itself).
    let typed = |name: &str| typed_value(REFILL, name);
    let permissions = RwSignal::new(String::new());
    let (typed_expiry, expires_on) = (typed("expiry"), typed("expires_on").unwrap_or_default());
    let on_matrix_change = Callback::new(move |next: Vec<MatrixRow>| {
        let picked = allowed_permissions(&statements_from_rows(&next));
        permissions.set(picked.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "));
        rows.set(next);
    });
    let default_days = page.lifetimes.iter().copied().filter(|d| *d <= 30).max().or(page.lifetimes.first().copied());
    let expiry = typed_expiry.unwrap_or_else(|| default_days.map(|d| d.to_string()).unwrap_or_default());
    view! {
        <section aria-labelledby="create-heading" class="space-y-4 rounded-lg border border-slate-200 bg-white p-6 dark:border-slate-800 dark:bg-slate-900">
            <h2 id="create-heading" class="text-lg font-semibold">"New token"</h2>
            <ActionForm action=create attr:class="space-y-4" attr:data-testid="create-token-form">
                <ProblemList error/>
                <TextField label="Name" name="name" error refill_from=REFILL/>
                <div class="grid gap-4 sm:grid-cols-2">
                    <div class="space-y-1">
                        <label for="token-expiry" class="block text-sm font-medium">"Expires"</label>
                        <select id="token-expiry" name="expiry" class=SELECT data-testid="token-expiry">
                            {page.lifetimes.iter().map(|d| view! {
                                <option value=d.to_string() selected=expiry == d.to_string()>{format!("In {d} days")}</option>
                            }).collect_view()}
                            <option value="date" selected=expiry == "date">"On the date below"</option>
                            {page.allow_no_expiry.then(|| view! { <option value="never" selected=expiry == "never">"Never"</option> })}
                        </select>
                        <p class="text-xs text-slate-500 dark:text-slate-400">
                            {format!("Your organizations allow at most {} days{}.", page.max_lifetime_days,
                                if page.allow_no_expiry { ", or no expiry" } else { "" })}
                        </p>
                    </div>
                    <div class="space-y-1">
                        <label for="token-expires-on" class="block text-sm font-medium">"Date (if chosen)"</label>
                        <input id="token-expires-on" type="date" name="expires_on" value=expires_on class=SELECT/>
                    </div>
                </div>
                <details class="space-y-3 rounded-md border border-slate-200 p-3 dark:border-slate-800">
                    <summary class="cursor-pointer text-sm font-medium">"Restrict what it may do (optional)"</summary>
                    <p class="text-sm text-slate-600 dark:text-slate-400">
                        "A token never does more than you may do yourself, at the time it is used. Restricted, it does \
                         at most what you pick here."
                    </p>
                    <PermissionMatrix schema rows=rows.into() on_change=on_matrix_change instance_names=RwSignal::new(Vec::new())/>
                    <Picker kind=PickKind::Permission name="permissions" multiple=true required=false
                        label="Permissions (separated by commas)" placeholder="org:read, member:read"
                        value=permissions test_id="token-permissions" error=Some(error) refill_from=REFILL/>
                    <Picker kind=PickKind::Organization name="org_id" required=false
                        label="Only in this organization and below (empty: anywhere you have access)"
                        value=String::new() test_id="token-org" error=Some(error) refill_from=REFILL/>
                </details>
                <div class="max-w-xs"><SubmitButton label="Create token" pending=create.pending().into()/></div>
            </ActionForm>
        </section>
    }
}
