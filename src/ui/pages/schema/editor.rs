//! `/schema`: the permission schema. Everyone who signs in sees every resource type and its
//! actions; a Super Admin of the root edits the application types as one JSON document.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::ui::components::list_page::tab_title;
use crate::ui::{
    components::{
        form::{FormError, SubmitButton, action_error},
        layout::LoadError,
    },
    model::SchemaEditorData,
    server_fns::schema::{SaveSchema, load_schema_editor},
    typed::typed_value,
};

/// Where the editor posts, whose failure without JavaScript refills it (a document up to the
/// 1 KB a refill carries; a longer one comes back as stored).
const SCHEMA_PATH: &str = <SaveSchema as leptos::server_fn::ServerFn>::PATH;

#[component]
pub fn SchemaPage() -> impl IntoView {
    let data = OnceResource::new(load_schema_editor());
    view! {
        <div class="max-w-5xl space-y-6">
            <Title text=tab_title(&["Permission schema"])/>
            <h1 class="text-2xl font-semibold">"Permission schema"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(data) => view! { <SchemaView data/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn SchemaView(data: SchemaEditorData) -> impl IntoView {
    let save = ServerAction::<SaveSchema>::new();
    let error = action_error(save);
    let saved = use_query_map().read_untracked().get("saved").is_some();
    let document_error = move || error.get().and_then(|e| (!e.fields.is_empty()).then_some(e.message));
    view! {
        <p class="text-sm text-slate-600 dark:text-slate-400">{format!("Version {}", data.schema.version)}</p>
        {saved.then(|| view! { <p role="status" class="text-sm text-emerald-700 dark:text-emerald-300">"Saved."</p> })}
        <table class="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800" data-testid="schema-types">
            <thead class="text-left text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">
                <tr>
                    <th scope="col" class="py-2 pr-3">"Resource type"</th>
                    <th scope="col" class="px-3 py-2">"Actions"</th>
                    <th scope="col" class="px-3 py-2">"Instances"</th>
                    <th scope="col" class="px-3 py-2">"Source"</th>
                </tr>
            </thead>
            <tbody class="divide-y divide-slate-200 dark:divide-slate-800">
                {data.schema.resource_types.iter().map(|t| view! {
                    <tr>
                        <td class="py-2 pr-3"><span class="font-medium">{t.label.clone()}</span>" "<code class="text-xs text-slate-500 dark:text-slate-400">{t.key.clone()}</code>
                            <span class="block text-xs text-slate-500 dark:text-slate-400">{t.description.clone()}</span></td>
                        <td class="px-3 py-2 font-mono text-xs">{t.actions.iter().map(|a| a.key.clone()).collect::<Vec<_>>().join(", ")}</td>
                        <td class="px-3 py-2">{if t.listable { "Named one by one" } else { "All at once" }}</td>
                        <td class="px-3 py-2">{if t.builtin { "Warden" } else { "Application" }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {data.may_edit.then(|| view! {
            <section aria-labelledby="schema-edit-heading" class="space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
                <h2 id="schema-edit-heading" class="text-lg font-semibold">"Application resource types"</h2>
                <p class="text-sm text-slate-600 dark:text-slate-400">
                    "A JSON list of {key, label, description, listable, actions: [{key, label, description}]}. Types and actions that policies use cannot be removed."
                </p>
                <ActionForm action=save attr:class="space-y-3">
                    <input type="hidden" name="version" value=data.schema.version/>
                    <FormError error/>
                    <label for="schema-document" class="sr-only">"Application resource types as JSON"</label>
                    <textarea id="schema-document" name="document" rows=16 spellcheck="false" data-testid="schema-document"
                        aria-describedby="schema-document-error"
                        class="w-full rounded-md border border-slate-300 bg-white p-3 font-mono text-sm dark:border-slate-700 dark:bg-slate-950">
                        {typed_value(SCHEMA_PATH, "document").unwrap_or_else(|| data.application_document.clone())}
                    </textarea>
                    <p id="schema-document-error" class="text-sm text-red-600 dark:text-red-400">{document_error}</p>
                    <div class="max-w-xs"><SubmitButton label="Save schema" pending=save.pending().into()/></div>
                </ActionForm>
            </section>
        })}
    }
}
