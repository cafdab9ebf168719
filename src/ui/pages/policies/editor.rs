//! `/orgs/:id/policies/new` and `/orgs/:id/policies/:policy_id`: the policy editor.
//!
//! The matrix (schema picker) and the text view (statements as JSON) show the same policy:
//! ticking a cell rewrites the text, and typing valid text redraws the matrix. Problems are
//! found as the admin types, by the same checks the server runs, and underlined where they
//! are. Before saving, the impact panel shows who would gain or lose what. The form posts the
//! text, so without JavaScript the text view alone edits the policy.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde_json::Value;

use crate::ui::components::copy_button::CopyableValue;
use crate::ui::components::list_page::tab_title;
use crate::ui::pages::audit::{history_link::HistoryLink, restoring_banner::RestoringBanner};
use crate::{
    domain::{
        FieldError,
        authz::statements::Statement,
        fields,
        policies::document::{InstanceStatus, draft_from_statements},
        schema::PermissionSchema,
    },
    ui::{
        components::{
            form::{FormError, PendingButton, SubmitButton, TextField, action_error},
            impact_panel::{ImpactPanel, ImpactSubject},
            json_spans,
            layout::LoadError,
            permission_matrix::{
                PermissionMatrix,
                rows::{MatrixRow, rows_for_display, rows_from_statements, statements_from_rows},
            },
            unsaved_guard::guard_unsaved_changes,
        },
        model::PolicyEditorData,
        server_fns::policies::{DeletePolicy, SavePolicy, load_policy_editor, preview_policy_impact},
        typed::typed_value,
    },
};

const REFILL: &str = <SavePolicy as leptos::server_fn::ServerFn>::PATH;

#[component]
pub fn PolicyEditorPage() -> impl IntoView {
    let params = use_params_map();
    let org_id = move || params.read().get("id").unwrap_or_default();
    let policy_id = move || params.read().get("policy_id");
    // `?restore=<event id>`: filled with that version from the policy's history.
    let query = use_query_map();
    let restore = move || query.read().get("restore");
    // After a save, the address names the version saved: the policy is loaded again.
    let saved = move || query.read().get("saved");
    let data = Resource::new(
        move || (org_id(), policy_id(), restore(), saved()),
        |(org, policy, restore, _)| load_policy_editor(org, policy, restore),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <PolicyEditor data/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn pretty(statements: &[Statement]) -> String {
    serde_json::to_string_pretty(statements).unwrap_or_else(|_| "[]".to_owned())
}

/// A problem in the text view: what, and where (a byte range of the text).
#[derive(Debug, Clone, PartialEq)]
struct TextProblem {
    message: String,
    span: Option<(usize, usize)>,
}

/// The path inside the statements list of a `body / statements / ...` location.
fn statement_path(loc: &[String]) -> Option<&[String]> {
    match loc {
        [body, field, rest @ ..] if body == "body" && (field == "statements" || field == "definitions") => Some(rest),
        _ => None,
    }
}

fn located(text: &str, errors: Vec<FieldError>) -> Vec<TextProblem> {
    errors
        .into_iter()
        .filter_map(|e| {
            let path = statement_path(&e.loc)?;
            let span = if path.is_empty() { None } else { json_spans::locate(text, path) };
            Some(TextProblem { message: e.msg, span })
        })
        .collect()
}

/// Checks the text as the server will (instances are checked by the server only: the browser
/// does not know every registered instance).
fn problems_in(text: &str, schema: &PermissionSchema) -> Vec<TextProblem> {
    let values: Vec<Value> = match serde_json::from_str(text) {
        Ok(values) => values,
        Err(e) => {
            let at = json_spans::offset_of(text, e.line(), e.column());
            return vec![TextProblem {
                message: format!("Not a valid JSON list of statements: {e}"),
                span: Some((at.saturating_sub(1), at.max(1).min(text.len()))),
            }];
        }
    };
    let draft = match draft_from_statements("statements", &values) {
        Ok(draft) => draft,
        Err(errors) => return located(text, errors),
    };
    let instances =
        draft.instance_refs().into_iter().map(|r| (r, InstanceStatus::Registered { name: String::new() })).collect();
    match draft.validate(schema, &instances) {
        Ok(_) => Vec::new(),
        // An empty list is where a new policy starts; saving it is refused by the server.
        Err(errors) => located(text, errors.into_iter().filter(|e| e.kind != "empty" || e.loc.len() > 2).collect()),
    }
}

#[component]
fn PolicyEditor(data: PolicyEditorData) -> impl IntoView {
    let query = use_query_map();
    let schema = Arc::new(data.schema.clone());
    // After a failed post without JavaScript: the document as typed (when it was short enough
    // to be carried back), in the text and, if it reads, in the matrix.
    let typed_document = typed_value(REFILL, "document");
    let initial: Vec<Statement> = typed_document
        .as_deref()
        .and_then(|typed| serde_json::from_str(typed).ok())
        .unwrap_or_else(|| data.policy.as_ref().map(|p| p.statements.clone()).unwrap_or_default());
    let text = RwSignal::new(typed_document.unwrap_or_else(|| pretty(&initial)));
    let rows = RwSignal::new(rows_for_display(rows_from_statements(&initial), &schema));
    let instance_names = RwSignal::new(data.instances.clone());
    let dirty = RwSignal::new(false);
    guard_unsaved_changes(dirty.into());

    let on_matrix_change = {
        let schema = Arc::clone(&schema);
        Callback::new(move |next: Vec<MatrixRow>| {
            text.set(pretty(&statements_from_rows(&next)));
            rows.set(rows_for_display(next, &schema));
            dirty.set(true);
        })
    };
    let on_text_input = {
        let schema = Arc::clone(&schema);
        move |value: String| {
            dirty.set(true);
            if let Ok(values) = serde_json::from_str::<Vec<Value>>(&value)
                && let Ok(draft) = draft_from_statements("statements", &values)
            {
                rows.set(rows_for_display(rows_from_statements(&draft.statements()), &schema));
            }
            text.set(value);
        }
    };
    let problems = {
        let schema = Arc::clone(&schema);
        Memo::new(move |_| problems_in(&text.get(), &schema))
    };

    let save = ServerAction::<SavePolicy>::new();
    let save_error = action_error(save);
    let delete = ServerAction::<DeletePolicy>::new();
    let delete_error = action_error(delete);
    // What the server found in the text last submitted, until the text changes.
    let submitted = RwSignal::new(None::<String>);
    let server_problems = Memo::new(move |_| {
        let error = save_error.get()?;
        let current = text.get();
        match submitted.get() {
            Some(sent) if sent == current => Some(located(&current, error.fields)),
            Some(_) => None,
            // A submission without JavaScript: the text it sent is not on this page.
            None => Some(located("", error.fields)),
        }
    });
    let shown_problems = Memo::new(move |_| {
        let mut all = problems.get();
        all.extend(server_problems.get().unwrap_or_default());
        all
    });

    let policy = data.policy.clone();
    let policy_id = policy.as_ref().map(|p| p.id.clone());
    let is_new = policy.is_none();
    let read_only = !data.may_save;
    let org_id = data.org_id.clone();
    let title = policy.as_ref().map(|p| p.name.clone()).unwrap_or_else(|| "New policy".to_owned());
    let tab = tab_title(&[&title, &data.org_name]);
    let saved = query.read_untracked().get("saved").is_some();
    let org_name = data.org_name.clone();
    let delete_form = data.may_delete.then(|| (org_id.clone(), policy_id.clone().unwrap_or_default()));
    let history = policy_id.clone().filter(|_| data.may_read_history).map(|id| (org_id.clone(), id));

    let impact_key = move || problems.with(Vec::is_empty).then(|| pretty(&statements_from_rows(&rows.get())));
    let impact = {
        let org_id = org_id.clone();
        let policy_id = policy_id.clone();
        Resource::new(impact_key, move |document| {
            let org_id = org_id.clone();
            let policy_id = policy_id.clone();
            async move {
                match (policy_id, document) {
                    (Some(policy_id), Some(document)) => Some(preview_policy_impact(org_id, policy_id, document).await),
                    _ => None,
                }
            }
        })
    };

    view! {
        <div class="max-w-6xl space-y-6" data-testid="policy-editor">
            <nav aria-label="Breadcrumb" class="text-sm text-slate-500 dark:text-slate-400">
                <a href="/orgs" class="hover:underline">"Organizations"</a>" / "
                <a href=format!("/orgs/{org_id}") class="hover:underline">{org_name}</a>" / "
                <a href=format!("/orgs/{org_id}/policies") class="hover:underline">"Policies"</a>
            </nav>
            <header class="flex flex-wrap items-center gap-3">
                <Title text=tab/>
                <h1 class="text-2xl font-semibold" data-testid="policy-title">{title}</h1>
                {history.map(|(org_id, policy_id)| view! { <HistoryLink org_id target_type="policy" target_id=policy_id/> })}
                {policy.as_ref().map(|p| view! { <PolicyBadge managed=p.managed/> })}
                {policy.as_ref().map(|p| view! {
                    <span class="text-sm text-slate-500 dark:text-slate-400">
                        {format!("Used by {} role(s) held by {} member(s)", p.roles_dependency_count, p.users_dependency_count)}
                    </span>
                })}
            </header>
            {policy.as_ref().map(|p| view! { <CopyableValue label="Policy id" value=p.id.clone() test_id="policy-id"/> })}
            {saved.then(|| view! { <p role="status" class="text-sm text-emerald-700 dark:text-emerald-300" data-testid="saved">"Saved."</p> })}
            {data.restoring.clone().map(|version| view! { <RestoringBanner version noun="policy"/> })}
            {(policy.as_ref().is_some_and(|p| p.managed)).then(|| view! {
                <p role="note" class="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
                    "This is a predefined policy: it cannot be changed. Create a custom policy to grant something else."
                </p>
            })}
            <ActionForm action=save attr:class="space-y-6" attr:data-testid="policy-form"
                on:submit=move |_| submitted.set(Some(text.get_untracked()))>
                <input type="hidden" name="org_id" value=org_id.clone()/>
                <input type="hidden" name="policy_id" value=policy_id.clone().unwrap_or_default()/>
                <input type="hidden" name="version" value=policy.as_ref().map(|p| p.version.to_string()).unwrap_or_default()/>
                <input type="hidden" name="restored_from" value=data.restoring.as_ref().map(|r| r.event_id.clone()).unwrap_or_default()/>
                <FormError error=Signal::derive(move || save_error.get().filter(|e| e.fields.iter().all(|f| statement_path(&f.loc).is_none() && f.field() != "name" && f.field() != "description")))/>
                <fieldset disabled=read_only class="grid gap-4 md:grid-cols-2" on:input=move |_| dirty.set(true)>
                    <TextField label="Name" name="name" value=policy.as_ref().map(|p| p.name.clone()).unwrap_or_default() check=fields::name_problem error=save_error refill_from=REFILL/>
                    <TextField label="Description (optional)" name="description" required=false
                        value=policy.as_ref().map(|p| p.description.clone()).unwrap_or_default() check=fields::description_problem error=save_error refill_from=REFILL/>
                </fieldset>
                <section aria-labelledby="matrix-heading" class="space-y-2">
                    <h2 id="matrix-heading" class="text-lg font-semibold">"Permissions"</h2>
                    {if read_only {
                        view! { <PermissionMatrix schema=Arc::clone(&schema) rows=rows.into() instance_names/> }.into_any()
                    } else {
                        view! { <PermissionMatrix schema=Arc::clone(&schema) rows=rows.into() on_change=on_matrix_change org_id=org_id.clone() instance_names/> }.into_any()
                    }}
                </section>
                <StatementText text on_input=on_text_input problems=shown_problems read_only/>
                {(!read_only).then(|| view! {
                    <div class="max-w-xs">
                        <SubmitButton label=if is_new { "Create policy" } else { "Save policy" } pending=save.pending().into()/>
                    </div>
                })}
            </ActionForm>
            {(!is_new).then(|| view! { <ImpactPanel impact subject=ImpactSubject::Policy/> })}
            {delete_form.map(|(org_id, policy_id)| view! {
                <section aria-labelledby="delete-policy-heading" class="space-y-3 rounded-lg border border-red-300 p-4 dark:border-red-900">
                    <h2 id="delete-policy-heading" class="text-lg font-semibold text-red-700 dark:text-red-400">"Delete this policy"</h2>
                    <ActionForm action=delete attr:class="space-y-3">
                        <input type="hidden" name="org_id" value=org_id/>
                        <input type="hidden" name="policy_id" value=policy_id/>
                        <FormError error=delete_error/>
                        <label class="flex items-center gap-2 text-sm">
                            <input type="checkbox" name="detach" class="h-4 w-4"/>
                            "Also take it out of the roles that use it"
                        </label>
                        <PendingButton pending=delete.pending() test_id="delete-policy"
                            on:click=move |_| dirty.set(false)
                            class="rounded-md bg-red-600 px-4 py-2 text-sm font-semibold text-white hover:bg-red-500">"Delete policy"</PendingButton>
                    </ActionForm>
                </section>
            })}
        </div>
    }
}

#[component]
pub fn PolicyBadge(managed: bool) -> impl IntoView {
    let (text, class) = if managed {
        (
            "Managed",
            "rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-700 dark:bg-slate-700 dark:text-slate-200",
        )
    } else {
        (
            "Custom",
            "rounded-full bg-indigo-100 px-2 py-0.5 text-xs font-medium text-indigo-800 dark:bg-indigo-900 dark:text-indigo-100",
        )
    };
    view! { <span class=class data-testid="policy-badge">{text}</span> }
}

/// The text view: a textarea over a mirror of its text in which problems are underlined.
#[component]
fn StatementText(
    text: RwSignal<String>,
    on_input: impl Fn(String) + Send + Sync + 'static,
    problems: Memo<Vec<TextProblem>>,
    read_only: bool,
) -> impl IntoView {
    let line_count = move || text.with(|t| t.lines().count()).max(3) + 1;
    let mirror = move || {
        let text = text.get();
        let mut spans: Vec<(usize, usize)> = problems.get().into_iter().filter_map(|p| p.span).collect();
        spans.sort_unstable();
        let mut pieces = Vec::new();
        let mut at = 0;
        for (start, end) in spans {
            if start < at || end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                continue;
            }
            pieces.push((text[at..start].to_owned(), false));
            pieces.push((text[start..end].to_owned(), true));
            at = end;
        }
        pieces.push((text[at..].to_owned(), false));
        pieces
            .into_iter()
            .map(|(piece, marked)| {
                if marked {
                    view! { <mark class="bg-transparent text-transparent underline decoration-red-600 decoration-wavy decoration-2" data-testid="text-problem-mark">{piece}</mark> }.into_any()
                } else {
                    view! { <span>{piece}</span> }.into_any()
                }
            })
            .collect_view()
    };
    let shared = "m-0 w-full whitespace-pre-wrap break-words p-3 font-mono text-sm leading-6";
    view! {
        <section aria-labelledby="text-heading" class="space-y-2">
            <h2 id="text-heading" class="text-lg font-semibold">"As text"</h2>
            <p class="text-sm text-slate-600 dark:text-slate-400">
                "The same permissions as statements: "<code>"effect"</code>" (allow or deny), "<code>"resources"</code>
                " (type, type:id or *) and "<code>"actions"</code>" (or *). Edits here redraw the matrix."
            </p>
            <div class="relative rounded-md border border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-900">
                <div aria-hidden="true" class=format!("{shared} pointer-events-none absolute inset-0 text-transparent")>{mirror}</div>
                <label for="policy-document" class="sr-only">"Statements as JSON"</label>
                <textarea id="policy-document" name="document" data-testid="policy-text" spellcheck="false"
                    readonly=read_only rows=line_count
                    aria-invalid=move || if problems.with(Vec::is_empty) { "false" } else { "true" }
                    aria-describedby="policy-text-problems"
                    class=format!("{shared} relative resize-y border-0 bg-transparent text-slate-900 focus:outline-none focus:ring-2 focus:ring-indigo-500/40 dark:text-slate-100")
                    prop:value=move || text.get()
                    on:input=move |ev| on_input(event_target_value(&ev))>
                    {text.get_untracked()}
                </textarea>
            </div>
            <ul id="policy-text-problems" class="space-y-1 text-sm text-red-700 dark:text-red-400" data-testid="text-problems" aria-live="polite">
                {move || problems.get().into_iter().map(|p| {
                    let line = p.span.map(|(start, _)| text.with(|t| t[..start.min(t.len())].lines().count().max(1)));
                    view! { <li>{line.map(|l| format!("Line {l}: ")).unwrap_or_default()}{p.message}</li> }
                }).collect_view()}
            </ul>
        </section>
    }
}
