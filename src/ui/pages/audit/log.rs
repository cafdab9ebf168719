//! `/orgs/:id/audit`: the organization's audit log (`audit:read`), newest first, 50 events a
//! page; filtered by actor, action, target, time and text with a GET form (the filters live in
//! the URL), and each event opens (a `<details>`, no script needed) to show what it changed.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    export_link::ExportLink,
    history_link::{ObjectTabs, ObjectView, details_href, history_href},
};
use crate::ui::{
    components::{
        layout::LoadError,
        list_page::{ListHeader, PageLinks},
        picker::{PickLinks, Picker, choices_for},
    },
    model::{AuditEventsPage, AuditRow, PickItem, PickKind},
    server_fns::audit::list_audit_events,
    url::encode,
};

/// [`crate::domain::audit::TEXT_SEARCH_WINDOW`], as the page says it (the domain is not in the
/// browser's build).
const TEXT_SEARCH_WINDOW_LABEL: &str = "3,000";

const INPUT: &str = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900";

/// The filter form's fields, as named in the URL, with their labels.
const FIELDS: [(&str, &str); 7] = [
    ("actor", "Actor (user id, name or email)"),
    ("action", "Action (role.updated, or role.*)"),
    ("target_type", "Target type"),
    ("target_id", "Target"),
    ("from", "From (2026-12-01T00:00:00Z)"),
    ("to", "Until"),
    ("q", "Text"),
];

/// The list's state, as in its URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Filters {
    values: Vec<(&'static str, String)>,
    below: bool,
}

impl Filters {
    fn get(&self, name: &str) -> String {
        self.values.iter().find(|(key, _)| *key == name).map(|(_, value)| value.clone()).unwrap_or_default()
    }

    fn query(&self) -> String {
        let query: Vec<String> = self.values.iter().map(|(key, value)| format!("{key}={}", encode(value))).collect();
        query.join("&")
    }

    /// The same filters with `name` set to `value`.
    fn with_value(mut self, name: &str, value: &str) -> Self {
        if let Some((_, old)) = self.values.iter_mut().find(|(key, _)| *key == name) {
            *old = value.to_owned();
        }
        self
    }

    fn href(&self, org_id: &str, extra: &str) -> String {
        let below = if self.below { "&below=on" } else { "" };
        format!("/orgs/{org_id}/audit?{}{below}{extra}", self.query())
    }

    /// The REST export of the same events (the API names the checkbox `include_descendants`).
    fn export_href(&self, org_id: &str, format: &str) -> String {
        let below = if self.below { "&include_descendants=true" } else { "" };
        format!("/v1/orgs/{org_id}/iam/audit/export?format={format}&{}{below}", self.query())
    }
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let org_id = move || params.read().get("id").unwrap_or_default();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    let filters = move || Filters {
        values: FIELDS.iter().map(|(key, _)| (*key, get(key))).collect(),
        below: get("below") == "on",
    };
    let page = Resource::new(
        move || (org_id(), filters(), get("cursor")),
        |(org, f, cursor)| async move {
            let below = if f.below { "on".to_owned() } else { String::new() };
            let (target_type, target) = (f.get("target_type"), f.get("target_id"));
            let page = list_audit_events(
                org.clone(),
                f.get("actor"),
                f.get("action"),
                target_type.clone(),
                target.clone(),
                f.get("from"),
                f.get("to"),
                f.get("q"),
                below,
                cursor,
            )
            .await;
            // A target typed that names nothing (it was not found by id, email, name or code)
            // and found no event: what it could have meant, fetched here (a resource made
            // inside this one's suspense would not hydrate reliably).
            let lost = page.as_ref().is_ok_and(|page| {
                page.events.is_empty()
                    && page.searched_to.is_none()
                    && !target.trim().is_empty()
                    && page.target_id == target.trim()
            });
            let choices = match target_picker(&target_type, &org) {
                Some((kind, scope)) if lost => choices_for(kind, scope, target.trim().to_owned()).await,
                _ => Vec::new(),
            };
            page.map(|page| (page, choices))
        },
    );
    view! {
        <div class="max-w-6xl space-y-6">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok((page, choices)) => view! { <AuditLog page choices org_id=org_id() filters=filters()/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn AuditLog(page: AuditEventsPage, choices: Vec<PickItem>, org_id: String, filters: Filters) -> impl IntoView {
    let next = page.next_cursor.as_ref().map(|c| filters.href(&org_id, &format!("&cursor={}", encode(c))));
    let empty = page.events.is_empty() && page.searched_to.is_none();
    let searched_to = page.searched_to.map(|at| {
        format!(
            "This text is in too many events (or too short) to look up at once, so it is searched {TEXT_SEARCH_WINDOW_LABEL} events at a time: this page holds the matches among events back to {at}. The next page searches older ones."
        )
    });
    // Narrowed to one object with a page of its own: this is that object's History tab.
    let (target_type, target_id) = (filters.get("target_type"), page.target_id.clone());
    let did_you_mean = target_picker(&target_type, &org_id).map(|(kind, _)| {
        let (term, filters, org_id) = (filters.get("target_id"), filters.clone(), org_id.clone());
        let href = move |value: &str| filters.clone().with_value("target_id", value).href(&org_id, "");
        view! { <PickLinks kind term items=choices href/> }
    });
    let tabs = details_href(&org_id, &target_type, &target_id).filter(|_| !target_id.is_empty()).map(|details| {
        let history = history_href(&org_id, &target_type, &target_id);
        view! { <ObjectTabs history details current=ObjectView::History/> }
    });
    view! {
        {tabs}
        <ListHeader title="Audit log" org=Some((org_id.clone(), page.org_name.clone()))/>
        <p class="text-sm text-slate-600 dark:text-slate-400">
            "Every change made here, by whom, when and from where, newest first. Events cannot be changed or deleted."
        </p>
        <form method="get" action=format!("/orgs/{org_id}/audit") class="grid gap-3 sm:grid-cols-4" data-testid="audit-filters">
            {FIELDS.iter().map(|(name, label)| {
                let id = format!("audit-{name}");
                if *name == "actor" {
                    // People are picked by name or email; an id or a name no longer anyone's is typed.
                    return view! {
                        <Picker kind=PickKind::User name="actor" label=*label value=filters.get(name)
                            test_id="audit-actor" required=false/>
                    }.into_any();
                }
                if *name == "target_type" {
                    let (target_type, target) = (filters.get("target_type"), filters.get("target_id"));
                    return view! { <TargetFields org_id=org_id.clone() target_type target/> }.into_any();
                }
                if *name == "target_id" {
                    // With its type, above.
                    return ().into_any();
                }
                view! {
                    <div class="space-y-1">
                        <label for=id.clone() class="block text-sm font-medium">{*label}</label>
                        <input id=id name=*name value=filters.get(name) class=INPUT/>
                    </div>
                }.into_any()
            }).collect_view()}
            <div class="flex items-end gap-2">
                <input id="audit-below" type="checkbox" name="below" value="on" checked=filters.below/>
                <label for="audit-below" class="text-sm">"Include suborganizations"</label>
            </div>
            <div class="flex items-end">
                <button type="submit" class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">"Filter"</button>
            </div>
        </form>
        <p class="flex gap-4 text-sm" data-testid="audit-exports">
            "Download every matching event: "
            <ExportLink href=filters.export_href(&org_id, "csv") label="CSV" file_name=format!("audit-{org_id}.csv")/>
            <ExportLink href=filters.export_href(&org_id, "jsonl") label="JSON Lines" file_name=format!("audit-{org_id}.jsonl")/>
        </p>
        {empty.then(|| view! { <p class="text-sm" data-testid="audit-empty">"No events match."</p> })}
        {did_you_mean}
        {searched_to.map(|text| view! { <p class="text-sm" role="status" data-testid="audit-searched-to">{text}</p> })}
        <ol class="divide-y divide-slate-200 rounded-md border border-slate-200 dark:divide-slate-800 dark:border-slate-800" data-testid="audit-events">
            {page.events.into_iter().map(|event| view! { <AuditEvent event/> }).collect_view()}
        </ol>
        <PageLinks first=None next/>
    }
}

/// The kinds of object events target, as the log names them, with what the page calls them.
const TARGET_TYPES: [(&str, &str); 9] = [
    ("organization", "Organization"),
    ("role", "Role"),
    ("policy", "Policy"),
    ("user", "User or member"),
    ("user_group", "Group"),
    ("token", "API token"),
    ("sso_configuration", "Single sign-on"),
    ("resource", "Resource"),
    ("permission_schema", "Permission schema"),
];

/// The picker for a target of this type, with the organization whose roles or policies it
/// offers; `None`: the target is typed (by id).
fn target_picker(target_type: &str, org_id: &str) -> Option<(PickKind, String)> {
    match target_type {
        "user" => Some((PickKind::User, String::new())),
        "organization" => Some((PickKind::Organization, String::new())),
        "role" => Some((PickKind::Role, org_id.to_owned())),
        "policy" => Some((PickKind::Policy, org_id.to_owned())),
        _ => None,
    }
}

/// The target's type and the target: picked (a user by name or email, a role or a policy of
/// this organization by name, an organization by name or code) where the type has a picker,
/// else typed by id. Choosing another type changes the field at once.
#[component]
fn TargetFields(org_id: String, target_type: String, target: String) -> impl IntoView {
    let chosen_type = RwSignal::new(target_type.clone());
    view! {
        <TargetTypeField value=target_type chosen=chosen_type/>
        {move || match target_picker(&chosen_type.get(), &org_id) {
            Some((kind, scope)) => view! {
                <Picker kind scope name="target_id" label=format!("Target ({})", kind.noun()) value=target.clone()
                    test_id="audit-target" required=false/>
            }.into_any(),
            None => view! {
                <div class="space-y-1">
                    <label for="audit-target_id" class="block text-sm font-medium">"Target id"</label>
                    <input id="audit-target_id" name="target_id" value=target.clone() class=INPUT data-testid="audit-target"/>
                </div>
            }.into_any(),
        }}
    }
}

/// The target type, chosen from the kinds there are (one the URL names that is not among them
/// stays chosen, so that nothing typed into the address is lost).
#[component]
fn TargetTypeField(value: String, chosen: RwSignal<String>) -> impl IntoView {
    let unknown = (!value.is_empty() && !TARGET_TYPES.iter().any(|(kind, _)| *kind == value)).then(|| value.clone());
    view! {
        <div class="space-y-1">
            <label for="audit-target_type" class="block text-sm font-medium">"Target type"</label>
            <select id="audit-target_type" name="target_type" data-testid="audit-target-type" class=INPUT
                on:change=move |ev| chosen.set(event_target_value(&ev))>
                <option value="" selected=value.is_empty()>"Any"</option>
                {TARGET_TYPES.iter().map(|(kind, label)| {
                    view! { <option value=*kind selected=value == *kind>{*label}</option> }
                }).collect_view()}
                {unknown.map(|kind| view! { <option value=kind.clone() selected=true>{kind.clone()}</option> })}
            </select>
        </div>
    }
}

#[component]
fn AuditEvent(event: AuditRow) -> impl IntoView {
    let via = event.token.map(|token| format!(" through the API token {token}"));
    let from = Some(event.client_addr).filter(|a| !a.is_empty()).map(|a| format!(" from {a}"));
    let has_changes = !event.changes.is_empty();
    view! {
        <li class="p-3 text-sm" data-testid="audit-event" data-action=event.action.clone()>
            <details>
                <summary class="cursor-pointer">
                    <time datetime=event.at.clone() class="font-mono text-xs text-slate-500 dark:text-slate-400">{event.at.clone()}</time>
                    " " <span class="font-semibold">{event.action.clone()}</span>
                    " " <span>{event.target.clone()}</span>
                    " · " <span>{event.actor.clone()}</span>
                    {Some(event.org_path.clone()).filter(|p| !p.is_empty()).map(|path| view! { " · " <span class="text-slate-500 dark:text-slate-400">{path}</span> })}
                </summary>
                <p class="mt-2 text-slate-600 dark:text-slate-400">
                    {format!("By {}{}{}.", event.actor, via.unwrap_or_default(), from.unwrap_or_default())}
                </p>
                {event.restore_href.map(|href| view! {
                    <a href=href data-testid="audit-restore" class="mt-2 inline-block text-indigo-700 underline dark:text-indigo-300">"Restore this version"</a>
                })}
                {has_changes.then(|| view! {
                    <table class="mt-2 w-full table-fixed text-left text-xs" data-testid="audit-changes">
                        <thead><tr><th class="w-1/5 py-1">"Field"</th><th class="py-1">"Before"</th><th class="py-1">"After"</th></tr></thead>
                        <tbody>
                            {event.changes.into_iter().map(|change| view! {
                                <tr class="align-top">
                                    <th scope="row" class="py-1 font-medium">{change.field}</th>
                                    <td class="break-all py-1 font-mono text-red-800 dark:text-red-300">{change.before}</td>
                                    <td class="break-all py-1 font-mono text-green-800 dark:text-green-300">{change.after}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
            </details>
        </li>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn the_page_names_the_domains_text_search_window() {
        let label = super::TEXT_SEARCH_WINDOW_LABEL.replace(',', "");
        assert_eq!(label, crate::domain::audit::TEXT_SEARCH_WINDOW.to_string());
    }
}
