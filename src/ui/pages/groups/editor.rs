//! The group editor: name, description, the roles the group holds here (untick to take one
//! away) and roles to add (picked as you type, or a name typed), its members (untick to
//! remove) and members to add (picked as you type, or emails typed). The server checks every
//! entry (only this organization's members and roles, nothing the admin could not grant).

use leptos::prelude::*;

use crate::ui::{
    components::{
        copy_button::CopyableValue,
        form::{PendingButton, ProblemList, TextField, action_error},
        picker::Picker,
    },
    model::{GroupEditItem, PickItem, PickKind},
    pages::audit::history_link::HistoryLink,
    server_fns::groups::SaveUserGroup,
    typed::{typed_value, typed_values},
};

const REFILL: &str = <SaveUserGroup as leptos::server_fn::ServerFn>::PATH;

const FIELD: &str =
    "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900";

#[component]
pub fn GroupEditor(group: GroupEditItem, org_id: String, may_save: bool, may_read_history: bool) -> impl IntoView {
    let save = ServerAction::<SaveUserGroup>::new();
    let error = action_error(save);
    let title = if group.id.is_empty() { "New group".to_owned() } else { format!("Group \"{}\"", group.name) };
    let history = (may_read_history && !group.id.is_empty()).then(|| (org_id.clone(), group.id.clone()));
    // After a failed post without JavaScript: what the admin chose, not what is stored.
    let typed_roles = typed_values(REFILL, "role_ids[]");
    // Roles chosen with the picker, posted by name beside the held ones.
    let added = RwSignal::new(typed_values(REFILL, "add_roles[]").unwrap_or_default());
    let held: Vec<String> = group.roles.iter().map(|role| role.name.clone()).collect();
    let holds_none = group.roles.is_empty();
    let add = Callback::new(move |item: PickItem| {
        added.update(|added| {
            if !added.contains(&item.value) && !held.contains(&item.value) {
                added.push(item.value);
            }
        });
    });
    let typed_members = typed_values(REFILL, "user_ids[]");
    let description = typed_value(REFILL, "description").unwrap_or(group.description.clone());
    view! {
        <section aria-labelledby="group-title" data-testid="group-editor"
            class="space-y-3 rounded-lg border border-slate-300 bg-white p-4 shadow-sm dark:border-slate-700 dark:bg-slate-900">
            <h2 id="group-title" class="text-lg font-semibold">{title}</h2>
            {history.map(|(org_id, group_id)| view! { <HistoryLink org_id target_type="user_group" target_id=group_id/> })}
            {(!group.id.is_empty()).then(|| view! { <CopyableValue label="Group id" value=group.id.clone() test_id="group-id"/> })}
            <ProblemList error/>
            <ActionForm action=save attr:class="space-y-4">
                <input type="hidden" name="org_id" value=org_id.clone()/>
                <input type="hidden" name="group_id" value=group.id.clone()/>
                <input type="hidden" name="version" value=group.version.to_string()/>
                <TextField label="Name" name="name" value=group.name.clone() error refill_from=REFILL/>
                <div class="space-y-1">
                    <label for="group-description" class="block text-sm font-medium">"Description"</label>
                    <input id="group-description" name="description" value=description class=FIELD/>
                </div>
                <fieldset class="space-y-2">
                    <legend class="text-sm font-medium">"Roles the group holds here"</legend>
                    {move || (holds_none && added.with(Vec::is_empty)).then(|| view! { <p class="text-sm text-slate-600 dark:text-slate-400">"No roles yet."</p> })}
                    <ul class="grid gap-2 sm:grid-cols-2">
                        {group.roles.into_iter().map(|role| {
                            let held = typed_roles.as_ref().is_none_or(|kept| kept.contains(&role.id));
                            view! {
                                <li>
                                    <label class="flex items-center gap-2 text-sm">
                                        <input type="checkbox" name="role_ids[]" value=role.id.clone() checked=held class="h-4 w-4" data-testid="group-role"/>
                                        {role.name}
                                    </label>
                                </li>
                            }
                        }).collect_view()}
                        <For each=move || added.get() key=|name| name.clone() let:name>
                            <li>
                                <label class="flex items-center gap-2 text-sm">
                                    <input type="checkbox" name="add_roles[]" value=name.clone() checked=true class="h-4 w-4" data-testid="group-role-added"/>
                                    {name.clone()}
                                </label>
                            </li>
                        </For>
                    </ul>
                    <Picker kind=PickKind::Role scope=org_id.clone() name="add_role" required=false
                        label="Add a role (type part of its name and choose; choose several one after another)"
                        value=String::new() test_id="group-add-role" error=Some(error) refill_from=REFILL on_choose=add/>
                </fieldset>
                <fieldset class="space-y-2">
                    <legend class="text-sm font-medium">{format!("Members ({})", group.members.len())}</legend>
                    {group.members.is_empty().then(|| view! { <p class="text-sm text-slate-600 dark:text-slate-400">"No members yet."</p> })}
                    <ul class="grid gap-1 sm:grid-cols-2">
                        {group.members.into_iter().map(|m| {
                            let kept = typed_members.as_ref().is_none_or(|kept| kept.contains(&m.user_id));
                            view! {
                            <li>
                                <label class="flex items-center gap-2 text-sm">
                                    <input type="checkbox" name="user_ids[]" value=m.user_id.clone() checked=kept class="h-4 w-4" data-testid="group-member"/>
                                    <span>{m.full_name}<span class="ml-1 text-xs text-slate-500 dark:text-slate-400">{m.email}</span></span>
                                </label>
                            </li>
                            }
                        }).collect_view()}
                    </ul>
                    <Picker kind=PickKind::Member scope=org_id.clone() name="add_emails" multiple=true required=false
                        label="Add members (this organization's members: type a name or email; separate several with commas)"
                        value=String::new() test_id="group-add-emails" error=Some(error) refill_from=REFILL/>
                </fieldset>
                <div class="flex gap-3">
                    <PendingButton pending=save.pending() blocked=!may_save test_id="group-save"
                        class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">"Save group"</PendingButton>
                    <a href=format!("/orgs/{org_id}/groups") class="rounded-md border border-slate-300 px-4 py-2 text-sm dark:border-slate-700">"Cancel"</a>
                </div>
            </ActionForm>
        </section>
    }
}
