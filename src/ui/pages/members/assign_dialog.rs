//! The assign-roles dialog: one member's roles in this organization as checkboxes (untick to
//! take one away) and a role picker to add one, saved as exactly that set (the server refuses a
//! role the admin could not grant). A failed save without JavaScript comes back as it was sent.

use leptos::prelude::*;

use super::MembersQuery;
use crate::ui::{
    components::{
        form::{FormError, PendingButton, action_error},
        layout::LoadError,
        picker::Picker,
    },
    model::{MemberDetailItem, PickKind, RoleOption},
    server_fns::members::SetMemberRoles,
    typed::typed_values,
};

/// Where the dialog posts, whose failure without JavaScript refills it.
const REFILL: &str = <SetMemberRoles as leptos::server_fn::ServerFn>::PATH;

#[component]
pub fn AssignDialog(org_id: String, state: MembersQuery, detail: super::DetailResource) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let (org_id, state) = (org_id.clone(), state.clone());
                Suspend::new(async move {
                    match detail.await {
                        Some(Ok(member)) => view! { <Dialog member org_id state/> }.into_any(),
                        Some(Err(error)) => view! { <LoadError error/> }.into_any(),
                        None => ().into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn Dialog(member: MemberDetailItem, org_id: String, state: MembersQuery) -> impl IntoView {
    let save = ServerAction::<SetMemberRoles>::new();
    let error = action_error(save);
    let back = state.list_href(&org_id);
    // A role held through a group and directly is one checkbox.
    let mut held: Vec<RoleOption> = Vec::new();
    for role in &member.roles {
        if !held.iter().any(|h| h.id == role.id) {
            held.push(role.clone());
        }
    }
    // After a failed post without JavaScript: what the admin left ticked.
    let ticked = typed_values(REFILL, "role_ids[]");
    view! {
        <section role="dialog" aria-labelledby="assign-title" data-testid="assign-dialog"
            class="space-y-3 rounded-lg border border-slate-300 bg-white p-4 shadow-lg dark:border-slate-700 dark:bg-slate-900">
            <h2 id="assign-title" class="text-lg font-semibold">{format!("Roles of {}", member.full_name)}</h2>
            <FormError error/>
            <ActionForm action=save attr:class="space-y-3">
                <input type="hidden" name="org_id" value=org_id.clone()/>
                <input type="hidden" name="user_id" value=member.user_id.clone()/>
                <input type="hidden" name="back" value=back.clone()/>
                <fieldset class="grid gap-2 sm:grid-cols-2">
                    <legend class="text-sm font-medium">"Roles held here (untick to take one away)"</legend>
                    {held.is_empty().then(|| view! { <p class="text-sm text-slate-600 dark:text-slate-400">"None yet."</p> })}
                    {held.into_iter().map(|role| {
                        let keep = ticked.as_ref().is_none_or(|ticked| ticked.contains(&role.id));
                        view! {
                            <label class="flex items-center gap-2 text-sm">
                                <input type="checkbox" name="role_ids[]" value=role.id.clone() checked=keep class="h-4 w-4" data-testid="assign-held"/>
                                {role.held_label()}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <Picker kind=PickKind::Role scope=org_id.clone() name="add_role" label="Add a role (name)" value=String::new()
                    test_id="assign-add-role" required=false error=Some(error) refill_from=REFILL/>
                <div class="flex gap-3">
                    <PendingButton pending=save.pending() test_id="assign-save"
                        class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">"Save roles"</PendingButton>
                    <a href=back class="rounded-md border border-slate-300 px-4 py-2 text-sm dark:border-slate-700">"Cancel"</a>
                </div>
            </ActionForm>
        </section>
    }
}
