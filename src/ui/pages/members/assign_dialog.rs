//! The assign-roles dialog: one member's roles in this organization as checkboxes, saved as
//! exactly the ticked set (the server refuses a role the admin could not grant).

use leptos::prelude::*;

use super::MembersQuery;
use crate::ui::{
    components::{
        form::{FormError, PendingButton, action_error},
        layout::LoadError,
    },
    model::{MemberDetailItem, RoleOption},
    server_fns::members::{SetMemberRoles, member_detail},
};

#[component]
pub fn AssignDialog(org_id: String, state: MembersQuery, roles: Vec<RoleOption>) -> impl IntoView {
    let who = (org_id.clone(), state.assign.clone());
    let detail = Resource::new(move || who.clone(), |(org, user)| member_detail(org, user));
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let (org_id, state, roles) = (org_id.clone(), state.clone(), roles.clone());
                Suspend::new(async move {
                    match detail.await {
                        Ok(member) => view! { <Dialog member org_id state roles/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn Dialog(member: MemberDetailItem, org_id: String, state: MembersQuery, roles: Vec<RoleOption>) -> impl IntoView {
    let save = ServerAction::<SetMemberRoles>::new();
    let error = action_error(save);
    let back = state.list_href(&org_id);
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
                    <legend class="sr-only">"Roles"</legend>
                    {roles.into_iter().map(|role| {
                        let held = member.roles.iter().any(|r| r.id == role.id);
                        view! {
                            <label class="flex items-center gap-2 text-sm">
                                <input type="checkbox" name="role_ids[]" value=role.id.clone() checked=held class="h-4 w-4"/>
                                {role.name}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="flex gap-3">
                    <PendingButton pending=save.pending() test_id="assign-save"
                        class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">"Save roles"</PendingButton>
                    <a href=back class="rounded-md border border-slate-300 px-4 py-2 text-sm dark:border-slate-700">"Cancel"</a>
                </div>
            </ActionForm>
        </section>
    }
}
