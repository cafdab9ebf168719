//! Which IdP groups give which role (edited in place, one role at a time; the roles no group
//! maps to are given groups through a role picker, so the page stays short however many roles
//! there are), and the groups seen at real sign-ins that give nothing, each one click away
//! from a role.

use leptos::prelude::*;

use super::{BUTTON, INPUT, SECTION};
use crate::ui::{
    components::{
        form::{FormError, PendingButton, ProblemList, action_error},
        picker::Picker,
    },
    model::{PickKind, SsoSetupView},
    server_fns::sso::{MapSsoGroup, SaveRoleGroups},
    typed::typed_value,
};

const ROLE_GROUPS_PATH: &str = <SaveRoleGroups as leptos::server_fn::ServerFn>::PATH;
const MAP_PATH: &str = <MapSsoGroup as leptos::server_fn::ServerFn>::PATH;

#[component]
pub fn RoleGroupsTable(setup: SsoSetupView) -> impl IntoView {
    let save = ServerAction::<SaveRoleGroups>::new();
    let error = action_error(save);
    // After a failed post without JavaScript: the groups as typed, on the role they were for.
    let typed = typed_value(ROLE_GROUPS_PATH, "role_id").zip(typed_value(ROLE_GROUPS_PATH, "groups"));
    // Typed for a role not listed: the "another role" form's.
    let for_another = typed.clone().filter(|(role, _)| !setup.roles.iter().any(|r| r.role_id == *role));
    let (org_id, may_update) = (setup.org_id.clone(), setup.may_update);
    view! {
        <section class=SECTION aria-labelledby="sso-roles-heading">
            <h2 id="sso-roles-heading" class="text-lg font-semibold">"Roles and their groups"</h2>
            <p class="text-sm text-slate-600 dark:text-slate-400">
                "A person gets every role one of their groups is listed on (a name ending in * matches every group starting with it), \
                 or the default roles when none is. Listing a group on a role is granting that role: you must hold what it gives. \
                 Listed here: the roles groups map to, and the default roles."
            </p>
            <ProblemList error/>
            <table class="w-full text-sm">
                <thead><tr class="text-left text-slate-500 dark:text-slate-400"><th class="py-2">"Role"</th><th class="py-2">"IdP groups"</th></tr></thead>
                <tbody>
                    {setup.roles.into_iter().map(|role| {
                        let (org_id, may_update) = (setup.org_id.clone(), setup.may_update);
                        let (name, label, row_key) = (role.name.clone(), format!("Groups of {}", role.name), role.name.clone());
                        let groups = match &typed {
                            Some((role_id, groups)) if *role_id == role.role_id => groups.clone(),
                            _ => role.groups.join(", "),
                        };
                        view! {
                        <tr class="border-t border-slate-200 dark:border-slate-800" data-testid="sso-role-row" data-role=row_key>
                            <td class="py-2 pr-4 align-top">
                                {name}
                                {role.is_default.then(|| view! { <span class="ml-2 rounded bg-slate-100 px-1.5 text-xs dark:bg-slate-800">"default"</span> })}
                            </td>
                            <td class="py-2">
                                <ActionForm action=save attr:class="flex gap-2">
                                    <input type="hidden" name="org_id" value=org_id/>
                                    <input type="hidden" name="role_id" value=role.role_id.clone()/>
                                    <label class="sr-only" for=format!("groups-{}", role.role_id)>{label}</label>
                                    <input id=format!("groups-{}", role.role_id) name="groups" value=groups
                                        disabled=!may_update class=INPUT data-testid="sso-role-groups" placeholder="no groups"/>
                                    {may_update.then(|| view! {
                                        <PendingButton pending=save.pending() class=BUTTON test_id="sso-role-groups-save">"Save"</PendingButton>
                                    })}
                                </ActionForm>
                            </td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
            {may_update.then(|| view! { <GroupsForAnotherRole org_id typed=for_another/> })}
        </section>
    }
}

/// Gives IdP groups to a role that is not listed (no group maps to it yet), chosen by name.
#[component]
fn GroupsForAnotherRole(org_id: String, typed: Option<(String, String)>) -> impl IntoView {
    let save = ServerAction::<SaveRoleGroups>::new();
    let error = action_error(save);
    let (role, groups) = typed.unwrap_or_default();
    view! {
        <FormError error/>
        <ActionForm action=save attr:class="flex flex-wrap items-end gap-2 border-t border-slate-200 pt-3 dark:border-slate-800"
            attr:data-testid="sso-another-role">
            <input type="hidden" name="org_id" value=org_id.clone()/>
            <div class="w-64">
                <Picker kind=PickKind::Role scope=org_id name="role_id" id="another-role" label="Another role"
                    value=role test_id="sso-another-role-name" error=Some(error)/>
            </div>
            <div class="min-w-48 flex-1 space-y-1">
                <label for="another-role-groups" class="block text-sm font-medium">"Its IdP groups"</label>
                <input id="another-role-groups" name="groups" value=groups class=INPUT data-testid="sso-another-role-groups"
                    placeholder="engineering, sre"/>
            </div>
            <PendingButton pending=save.pending() class=BUTTON test_id="sso-another-role-save">"Save"</PendingButton>
        </ActionForm>
    }
}

#[component]
pub fn UnmappedGroups(setup: SsoSetupView) -> impl IntoView {
    let (shown, total) = (setup.unmapped_groups.len(), setup.unmapped_total);
    let more = total > shown;
    view! {
        <section class=SECTION aria-labelledby="sso-unmapped-heading" data-testid="sso-unmapped">
            <h2 id="sso-unmapped-heading" class="text-lg font-semibold">"Groups that map to nothing"</h2>
            <p class="text-sm text-slate-600 dark:text-slate-400">"Carried at SSO sign-ins of the last 90 days, by how many people, and listed on no role."</p>
            {if setup.unmapped_groups.is_empty() {
                view! { <p class="text-sm" data-testid="sso-unmapped-empty">"None: every group seen maps to a role, or nobody has signed in yet."</p> }.into_any()
            } else {
                view! {
                    <table class="w-full text-sm">
                        <thead><tr class="text-left text-slate-500 dark:text-slate-400"><th class="py-2">"Group"</th><th class="py-2">"People"</th><th class="py-2">"Map to role"</th></tr></thead>
                        <tbody>
                            {setup.unmapped_groups.into_iter().enumerate().map(|(index, g)| {
                                let (org_id, may_update) = (setup.org_id.clone(), setup.may_update);
                                let (row_key, shown, group) = (g.group.clone(), g.group.clone(), g.group.clone());
                                view! {
                                <tr class="border-t border-slate-200 dark:border-slate-800" data-testid="sso-unmapped-row" data-group=row_key>
                                    <td class="py-2 pr-4 font-mono">{shown}</td>
                                    <td class="py-2 pr-4">{g.users}</td>
                                    <td class="py-2">
                                        {may_update.then(|| view! { <MapGroup org_id group index/> })}
                                    </td>
                                </tr>
                            }}).collect_view()}
                        </tbody>
                    </table>
                    {more.then(|| view! {
                        <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="sso-unmapped-more">
                            {format!("Showing the {shown} carried by most people, of {total}.")}
                        </p>
                    })}
                }.into_any()
            }}
        </section>
    }
}

/// One unmapped group's "map to role" form, with an action of its own so that its error shows
/// under its own field; a failed post without JavaScript comes back with the role typed on
/// this row.
#[component]
fn MapGroup(org_id: String, group: String, index: usize) -> impl IntoView {
    let map = ServerAction::<MapSsoGroup>::new();
    let error = action_error(map);
    let typed = typed_value(MAP_PATH, "group")
        .filter(|typed| *typed == group)
        .and_then(|_| typed_value(MAP_PATH, "role_id"))
        .unwrap_or_default();
    view! {
        <FormError error/>
        <ActionForm action=map attr:class="flex items-end gap-2">
            <input type="hidden" name="org_id" value=org_id.clone()/>
            <input type="hidden" name="group" value=group.clone()/>
            <div class="w-64">
                <Picker kind=PickKind::Role scope=org_id name="role_id" id=format!("map-role-{index}")
                    label=format!("Role for {group}") value=typed test_id="sso-map-role" error=Some(error)/>
            </div>
            <PendingButton pending=map.pending() class=BUTTON test_id="sso-map-group">"Map"</PendingButton>
        </ActionForm>
    }
}
