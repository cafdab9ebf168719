//! `/orgs/:id/roles/new` and `/orgs/:id/roles/:role_id`: the role composer.
//!
//! The role's policies (untick to take one away) and a policy picker to add more (searched on
//! the server as you type, so an organization of any size works); the matrix below shows the
//! resulting permissions, read-only, with the policies behind each cell on hover; the default
//! toggle and the SSO group names (as chips) complete the role. Before saving, the impact panel
//! shows which members would gain or lose what. The form posts the ticked policies and the one
//! typed into the picker, so it works without JavaScript too (the matrix and impact then show
//! the saved role).

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::ui::components::copy_button::CopyableValue;
use crate::ui::components::list_page::tab_title;
use crate::ui::pages::audit::{history_link::HistoryLink, restoring_banner::RestoringBanner};
use crate::{
    domain::{authz::statements::Statement, fields},
    ui::{
        components::{
            form::{FormError, SubmitButton, TextField, action_error},
            impact_panel::{ImpactPanelOf, ImpactSubject},
            layout::LoadError,
            permission_matrix::{
                PermissionMatrix,
                rows::{rows_for_display, rows_from_statements},
            },
            picker::Picker,
            unsaved_guard::guard_unsaved_changes,
        },
        error::UiError,
        model::{ComposerPolicy, PickItem, PickKind, RoleComposerData},
        server_fns::roles::{FindComposerPolicy, SaveRole, load_role_composer, preview_role_impact},
        typed::{typed_value, typed_values},
    },
};

const REFILL: &str = <SaveRole as leptos::server_fn::ServerFn>::PATH;

#[component]
pub fn RoleComposerPage() -> impl IntoView {
    let params = use_params_map();
    let org_id = move || params.read().get("id").unwrap_or_default();
    let role_id = move || params.read().get("role_id");
    // `?restore=<event id>`: filled with that version from the role's history.
    let query = use_query_map();
    let restore = move || query.read().get("restore");
    // After a save, the address names the version saved: the role is loaded again.
    let saved = move || query.read().get("saved");
    // After a failed post without JavaScript, the policies ticked may not be the role's.
    let typed = typed_values(REFILL, "policy_ids[]");
    let data = Resource::new(
        move || (org_id(), role_id(), restore(), saved()),
        move |(org, role, restore, _)| load_role_composer(org, role, restore, typed.clone()),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <RoleComposer data/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The policies behind a cell: those with a statement covering the type and action.
fn sources_of(policies: &[ComposerPolicy], selected: &[String], resource_type: &str, action: &str) -> String {
    let covers = |s: &Statement| {
        s.resources.iter().any(|r| r == "*" || r == resource_type || r.starts_with(&format!("{resource_type}:")))
            && s.actions.iter().any(|a| a == "*" || a == action)
    };
    let names: Vec<String> = policies
        .iter()
        .filter(|p| selected.contains(&p.id))
        .filter_map(|p| {
            let matching: Vec<&Statement> = p.statements.iter().filter(|s| covers(s)).collect();
            if matching.is_empty() {
                None
            } else if matching.iter().any(|s| s.effect == crate::domain::authz::statements::Effect::Deny) {
                Some(format!("{} (deny)", p.name))
            } else {
                Some(p.name.clone())
            }
        })
        .collect();
    if names.is_empty() { String::new() } else { format!("from {}", names.join(", ")) }
}

/// Policy ids in an order of their own: ticking one and unticking it again changes nothing.
fn as_set(ids: &[String]) -> std::collections::BTreeSet<String> {
    ids.iter().cloned().collect()
}

fn group_list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned).collect()
}

#[component]
fn RoleComposer(data: RoleComposerData) -> impl IntoView {
    let query = use_query_map();
    let schema = Arc::new(data.schema.clone());
    let policies = RwSignal::new(data.policies.clone());
    let role = data.role.clone();
    // After a failed post without JavaScript: what the admin chose, not what is stored.
    let selected = RwSignal::new(
        typed_values(REFILL, "policy_ids[]")
            .unwrap_or_else(|| role.as_ref().map(|r| r.policy_ids.clone()).unwrap_or_default()),
    );
    let groups = RwSignal::new(
        typed_value(REFILL, "sso_groups")
            .unwrap_or_else(|| role.as_ref().map(|r| r.sso_group_names.join(", ")).unwrap_or_default()),
    );
    let is_default = typed_values(REFILL, "is_default")
        .map_or_else(|| role.as_ref().is_some_and(|r| r.is_default), |ticked| !ticked.is_empty());
    let dirty = RwSignal::new(false);
    guard_unsaved_changes(dirty.into());

    let rows = {
        let schema = Arc::clone(&schema);
        Signal::derive(move || {
            let chosen = selected.get();
            let statements: Vec<Statement> = policies
                .with(|all| all.iter().filter(|p| chosen.contains(&p.id)).flat_map(|p| p.statements.clone()).collect());
            rows_for_display(rows_from_statements(&statements), &schema)
        })
    };
    let cell_sources = Callback::new(move |(resource_type, action): (String, String)| {
        policies.with(|all| sources_of(all, &selected.get(), &resource_type, &action))
    });
    let save = ServerAction::<SaveRole>::new();
    let save_error = action_error(save);
    let org_id = data.org_id.clone();
    let role_id = role.as_ref().map(|r| r.id.clone()).unwrap_or_default();
    // The impact of the policies ticked as the page opened came with it: the server is asked
    // only once the admin ticks others (a save loads the page again, with the new impact).
    let impact = {
        let (org_id, role_id) = (org_id.clone(), role_id.clone());
        let (opening_ids, opening) = data.opening_impact.clone();
        let opening_ids = as_set(&opening_ids);
        let is_opening = move || selected.with(|ids| as_set(ids) == opening_ids);
        let previews = LocalResource::new({
            let is_opening = is_opening.clone();
            move || {
                let (org_id, role_id, ids, skip) = (org_id.clone(), role_id.clone(), selected.get(), is_opening());
                async move { if skip { None } else { Some(preview_role_impact(org_id, role_id, ids).await) } }
            }
        });
        Signal::derive(move || if is_opening() { Some(opening.clone()) } else { previews.get().flatten() })
    };
    let read_only = !data.may_save;
    let is_new = role.is_none();
    let title = role.as_ref().map(|r| r.name.clone()).unwrap_or_else(|| "New role".to_owned());
    let tab = tab_title(&[&title, &data.org_name]);
    let saved = query.read_untracked().get("saved").is_some();
    let managed = role.as_ref().is_some_and(|r| r.managed);
    let toggle = move |id: String| {
        dirty.set(true);
        selected.update(|chosen| {
            if let Some(at) = chosen.iter().position(|c| *c == id) {
                chosen.remove(at);
            } else {
                chosen.push(id);
            }
        });
    };
    view! {
        <div class="max-w-6xl space-y-6" data-testid="role-composer">
            <nav aria-label="Breadcrumb" class="text-sm text-slate-500 dark:text-slate-400">
                <a href="/orgs" class="hover:underline">"Organizations"</a>" / "
                <a href=format!("/orgs/{org_id}") class="hover:underline">{data.org_name.clone()}</a>" / "
                <a href=format!("/orgs/{org_id}/roles") class="hover:underline">"Roles"</a>
            </nav>
            <Title text=tab/>
            <h1 class="text-2xl font-semibold" data-testid="role-title">{title}</h1>
            {data.may_read_history.then(|| view! { <HistoryLink org_id=org_id.clone() target_type="role" target_id=role_id.clone()/> })}
            {(!role_id.is_empty()).then(|| view! { <CopyableValue label="Role id" value=role_id.clone() test_id="role-id"/> })}
            {saved.then(|| view! { <p role="status" class="text-sm text-emerald-700 dark:text-emerald-300" data-testid="saved">"Saved."</p> })}
            {data.restoring.clone().map(|version| view! { <RestoringBanner version noun="role"/> })}
            {managed.then(|| view! {
                <p role="note" class="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
                    "This is a predefined role: it cannot be changed. Compose a custom role to grant something else."
                </p>
            })}
            <ActionForm action=save attr:class="space-y-6" attr:data-testid="role-form">
                <input type="hidden" name="org_id" value=org_id.clone()/>
                <input type="hidden" name="role_id" value=role_id.clone()/>
                <input type="hidden" name="version" value=role.as_ref().map(|r| r.version.to_string()).unwrap_or_default()/>
                <input type="hidden" name="restored_from" value=data.restoring.as_ref().map(|r| r.event_id.clone()).unwrap_or_default()/>
                <FormError error=Signal::derive(move || save_error.get().filter(|e| e.fields.iter().all(|f| !["name", "description", "add_policy"].contains(&f.field()))))/>
                <fieldset disabled=read_only class="space-y-4" on:input=move |_| dirty.set(true)>
                    <div class="grid gap-4 md:grid-cols-2">
                        <TextField label="Name" name="name" value=role.as_ref().map(|r| r.name.clone()).unwrap_or_default() check=fields::name_problem error=save_error refill_from=REFILL/>
                        <TextField label="Description (optional)" name="description" required=false
                            value=role.as_ref().map(|r| r.description.clone()).unwrap_or_default() check=fields::description_problem error=save_error refill_from=REFILL/>
                    </div>
                    <label class="flex items-center gap-2 text-sm">
                        <input type="checkbox" name="is_default" value="1" checked=is_default class="h-4 w-4" data-testid="role-default"/>
                        "Default role: every new member of this organization gets it (and SSO users whom no group maps)"
                    </label>
                    <GroupChips groups/>
                    <RolePolicies org_id=org_id.clone() policies selected toggle save_error/>
                </fieldset>
                {(!read_only).then(|| view! {
                    <div class="max-w-xs">
                        <SubmitButton label=if is_new { "Create role" } else { "Save role" } pending=save.pending().into()/>
                    </div>
                })}
            </ActionForm>
            <section aria-labelledby="role-matrix-heading" class="space-y-2">
                <h2 id="role-matrix-heading" class="text-lg font-semibold">"Resulting permissions"</h2>
                <p class="text-sm text-slate-600 dark:text-slate-400">"The union of the chosen policies; hover a cell to see which policy grants it. Deny wins over allow."</p>
                <PermissionMatrix schema=Arc::clone(&schema) rows instance_names=RwSignal::new(Vec::new()) cell_sources/>
            </section>
            <ImpactPanelOf impact subject=ImpactSubject::Role/>
        </div>
    }
}

/// The policies of the role as checkboxes (`policy_ids[]`, untick to take one away), and a
/// policy picker: a policy chosen joins them, ticked; without JavaScript the picker's field
/// (`add_policy`) is posted with them.
#[component]
fn RolePolicies(
    org_id: String,
    policies: RwSignal<Vec<ComposerPolicy>>,
    selected: RwSignal<Vec<String>>,
    toggle: impl Fn(String) + Copy + Send + Sync + 'static,
    save_error: Signal<Option<UiError>>,
) -> impl IntoView {
    let find = ServerAction::<FindComposerPolicy>::new();
    let add = {
        let org_id = org_id.clone();
        Callback::new(move |item: PickItem| {
            find.dispatch(FindComposerPolicy { org_id: org_id.clone(), id_or_name: item.value });
        })
    };
    Effect::new(move |_| {
        if let Some(Ok(policy)) = find.value().get() {
            if !policies.with_untracked(|all| all.iter().any(|p| p.id == policy.id)) {
                policies.update(|all| all.push(policy.clone()));
            }
            if !selected.with_untracked(|chosen| chosen.contains(&policy.id)) {
                toggle(policy.id);
            }
        }
    });
    // The picker's error: the last choice's, else the last save's.
    let error = Signal::derive(move || find.value().get().and_then(Result::err).or_else(|| save_error.get()));
    view! {
        <fieldset class="space-y-2" data-testid="policy-picker">
            <legend class="text-sm font-semibold">"Policies"</legend>
            {move || policies.with(Vec::is_empty).then(|| view! {
                <p class="text-sm text-slate-600 dark:text-slate-400">"No policies yet: add one below."</p>
            })}
            <ul class="grid gap-1 rounded-md sm:grid-cols-2">
                <For each=move || policies.get() key=|p| p.id.clone() let:p>
                    {
                        let (id, id_for_check, id_for_prop) = (p.id.clone(), p.id.clone(), p.id.clone());
                        view! {
                            <li>
                                <label class="flex items-start gap-2 rounded px-2 py-1 text-sm hover:bg-slate-50 dark:hover:bg-slate-800">
                                    <input type="checkbox" name="policy_ids[]" value=p.id.clone() class="mt-0.5 h-4 w-4"
                                        data-testid="policy-choice"
                                        checked=move || selected.with(|s| s.contains(&id_for_check))
                                        prop:checked=move || selected.with(|s| s.contains(&id_for_prop))
                                        on:change=move |_| toggle(id.clone())/>
                                    <span>
                                        <span class="font-medium">{p.name}</span>
                                        <span class="block text-xs text-slate-500 dark:text-slate-400">{p.description}</span>
                                    </span>
                                </label>
                            </li>
                        }
                    }
                </For>
            </ul>
            <div class="max-w-md">
                <Picker kind=PickKind::Policy scope=org_id name="add_policy" required=false
                    label="Add a policy (type part of its name and choose)" value=String::new()
                    test_id="add-policy" error=Some(error) refill_from=REFILL on_choose=add/>
                <p role="status" class="text-xs text-slate-600 dark:text-slate-400">
                    {move || find.pending().get().then_some("Adding the policy…")}
                </p>
            </div>
        </fieldset>
    }
}

/// SSO group names: a comma-separated field, shown as chips that can be removed one by one.
#[component]
fn GroupChips(groups: RwSignal<String>) -> impl IntoView {
    let remove = move |name: String| {
        groups.update(|text| *text = group_list(text).into_iter().filter(|g| *g != name).collect::<Vec<_>>().join(", "))
    };
    view! {
        <div class="space-y-1">
            <label for="sso-groups" class="block text-sm font-medium">"SSO groups that grant this role (comma-separated)"</label>
            <ul class="flex flex-wrap gap-2" data-testid="sso-chips">
                {move || group_list(&groups.get()).into_iter().map(|name| {
                    let label = format!("Remove group {name}");
                    let target = name.clone();
                    view! {
                        <li class="flex items-center gap-1 rounded-full bg-slate-200 px-2.5 py-0.5 text-xs dark:bg-slate-700" data-testid="sso-chip">
                            {name}
                            <button type="button" aria-label=label class="text-slate-500 dark:text-slate-400 hover:text-slate-900 dark:hover:text-white"
                                on:click=move |_| remove(target.clone())>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <input id="sso-groups" name="sso_groups" type="text" placeholder="engineering, platform-admins" data-testid="sso-groups"
                prop:value=move || groups.get() value=groups.get_untracked() on:input=move |ev| groups.set(event_target_value(&ev))
                class="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"/>
        </div>
    }
}
