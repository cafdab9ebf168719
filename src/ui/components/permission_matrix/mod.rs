//! The schema picker: resource types as rows, their actions as columns, a checkbox per cell,
//! "all actions" per row, the global row (`*`, every type), a filter over types and actions,
//! a deny toggle per row, and for listable types an instance picker that scopes a row to
//! chosen instances. Read-only when no `on_change` is given (roles show their policies' union).
//!
//! Keyboard: arrows move between cells (skipping cells a type does not have), Space ticks.
//! The rows' DOM stays in place across edits (rows are keyed by position and cells read the
//! row reactively), so focus stays where it was.

pub mod rows;

use std::sync::Arc;

use leptos::prelude::*;

use crate::{
    domain::{authz::permissions::WILDCARD, authz::statements::Effect, schema::PermissionSchema},
    ui::{model::InstanceItem, server_fns::schema::search_resources},
};
use rows::MatrixRow;

type Edit = Box<dyn FnOnce(&mut Vec<MatrixRow>)>;
type InstancesEdit = Box<dyn FnOnce(&mut Vec<String>) + Send>;

/// Every action key of the schema, in the order the types list them.
fn action_columns(schema: &PermissionSchema) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    for action in schema.resource_types.iter().flat_map(|t| &t.actions) {
        if !columns.contains(&action.key) {
            columns.push(action.key.clone());
        }
    }
    columns
}

fn type_label(schema: &PermissionSchema, key: &str) -> String {
    if key == WILDCARD {
        return "Every resource type".into();
    }
    schema.resource_type(key).map(|t| t.label.clone()).unwrap_or_else(|| format!("{key} (not in the schema)"))
}

#[component]
pub fn PermissionMatrix(
    schema: Arc<PermissionSchema>,
    rows: Signal<Vec<MatrixRow>>,
    /// Receives the rows after each edit; without it the matrix is read-only.
    #[prop(optional)]
    on_change: Option<Callback<Vec<MatrixRow>>>,
    /// The organization whose registered instances the picker searches.
    #[prop(optional)]
    org_id: Option<String>,
    /// Names of instances, for the chips of scoped rows; the picker adds the ones it picks.
    instance_names: RwSignal<Vec<InstanceItem>>,
    /// Where a cell's permission comes from, given (resource type, action): shown on hover
    /// and read out with the cell (a role's matrix names the policies behind each cell).
    #[prop(optional)]
    cell_sources: Option<Callback<(String, String), String>>,
) -> impl IntoView {
    // Until the page is interactive (and for good without JavaScript) the cells cannot do
    // anything, so they are shown disabled; the text view below edits the policy instead.
    let interactive = RwSignal::new(false);
    leptos::prelude::Effect::new(move |_| interactive.set(true));
    let editable = on_change.is_some();
    let read_only = Signal::derive(move || !editable || !interactive.get());
    let filter = RwSignal::new(String::new());
    let picker_open = RwSignal::new(None::<usize>);
    let columns = Arc::new(action_columns(&schema));
    let change = move |edit: Edit| {
        if let Some(callback) = on_change {
            let mut next = rows.get_untracked();
            edit(&mut next);
            callback.run(next);
        }
    };
    let header_columns = Arc::clone(&columns);
    let visible_column = {
        let schema = Arc::clone(&schema);
        move |action: &str| {
            let f = filter.get().trim().to_lowercase();
            f.is_empty()
                || action.contains(&f)
                || schema
                    .resource_types
                    .iter()
                    .any(|t| (t.key.contains(&f) || t.label.to_lowercase().contains(&f)) && t.has_action(action))
        }
    };
    let org_id = StoredValue::new(org_id);
    let colspan = columns.len() + 4;
    view! {
        <div class="space-y-3" data-testid="permission-matrix">
            <Show when=move || editable && !interactive.get()>
                <p class="text-sm text-amber-700 dark:text-amber-300">"The matrix can be edited once the page has loaded; without JavaScript, edit the statements as text below."</p>
            </Show>
            <div class="flex items-center gap-3">
                <label for="matrix-filter" class="text-sm font-medium">"Filter"</label>
                <input id="matrix-filter" type="search" placeholder="Type or action, e.g. project or deploy"
                    data-testid="matrix-filter"
                    prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev))
                    class="w-72 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900"/>
                <span class="text-xs text-slate-500 dark:text-slate-400">"Arrow keys move between cells; Space ticks."</span>
            </div>
            <div class="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
                <table class="min-w-full text-sm" on:keydown=matrix_keydown aria-label="Permissions: resource types by actions">
                    <thead class="bg-slate-100 text-left text-xs uppercase tracking-wide text-slate-600 dark:bg-slate-800 dark:text-slate-300">
                        <tr>
                            <th scope="col" class="px-3 py-2">"Resource type"</th>
                            <th scope="col" class="px-2 py-2 text-center">"All"</th>
                            {header_columns.iter().map(|action| {
                                let action = action.clone();
                                let shown = visible_column.clone();
                                let key = action.clone();
                                view! {
                                    <th scope="col" class="px-2 py-2 text-center" class:hidden=move || !shown(&key)>{action}</th>
                                }
                            }).collect_view()}
                            <th scope="col" class="px-2 py-2">"Effect"</th>
                            <th scope="col" class="px-2 py-2"><span class="sr-only">"Row actions"</span></th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-slate-200 dark:divide-slate-800">
                        <For each=move || 0..rows.with(Vec::len) key=|i| *i let:index>
                            <MatrixRowView index rows schema=Arc::clone(&schema) columns=Arc::clone(&columns)
                                filter read_only picker_open instance_names change visible_column=visible_column.clone() cell_sources/>
                            <Show when=move || picker_open.get() == Some(index)>
                                <tr>
                                    <td colspan=colspan class="bg-slate-50 px-3 py-3 dark:bg-slate-900">
                                        <InstancePicker index rows org_id=org_id.get_value().unwrap_or_default() instance_names change/>
                                    </td>
                                </tr>
                            </Show>
                        </For>
                    </tbody>
                </table>
            </div>
        </div>
    }
}

#[component]
fn MatrixRowView(
    index: usize,
    rows: Signal<Vec<MatrixRow>>,
    schema: Arc<PermissionSchema>,
    columns: Arc<Vec<String>>,
    filter: RwSignal<String>,
    read_only: Signal<bool>,
    picker_open: RwSignal<Option<usize>>,
    instance_names: RwSignal<Vec<InstanceItem>>,
    change: impl Fn(Edit) + Copy + Send + Sync + 'static,
    visible_column: impl Fn(&str) -> bool + Clone + Send + Sync + 'static,
    cell_sources: Option<Callback<(String, String), String>>,
) -> impl IntoView {
    let row = move || rows.with(|r| r.get(index).cloned()).unwrap_or_else(|| MatrixRow::blank(WILDCARD));
    let row_type =
        Memo::new(move |_| rows.with(|r| r.get(index).map(|row| row.resource_type.clone())).unwrap_or_default());
    let label = {
        let schema = Arc::clone(&schema);
        Memo::new(move |_| type_label(&schema, &row_type.get()))
    };
    let visible = {
        let schema = Arc::clone(&schema);
        Memo::new(move |_| {
            let f = filter.get().trim().to_lowercase();
            let key = row_type.get();
            f.is_empty()
                || key.contains(&f)
                || type_label(&schema, &key).to_lowercase().contains(&f)
                || schema.resource_type(&key).is_some_and(|t| t.actions.iter().any(|a| a.key.contains(&f)))
        })
    };
    let listable = {
        let schema = Arc::clone(&schema);
        Memo::new(move |_| schema.resource_type(&row_type.get()).is_some_and(|t| t.listable))
    };
    let label = move || label.get();
    let visible = move || visible.get();
    let listable = move || listable.get();
    let scope = move || {
        let r = row();
        if r.instances.is_empty() {
            return String::new();
        }
        let names = instance_names.get();
        let shown: Vec<String> = r
            .instances
            .iter()
            .map(|id| {
                names
                    .iter()
                    .find(|n| n.resource_type == r.resource_type && &n.id == id)
                    .map(|n| n.name.clone())
                    .unwrap_or_else(|| id.clone())
            })
            .collect();
        shown.join(", ")
    };
    let effect_word = move || if row().effect == Effect::Deny { "Deny" } else { "Allow" };
    let source = move |action: &str| {
        cell_sources.map(|sources| sources.run((row_type.get(), action.to_owned()))).filter(|s| !s.is_empty())
    };
    let cell_label = move |action: &str| {
        let scope = scope();
        let on = if scope.is_empty() { String::new() } else { format!(" ({scope})") };
        let from = source(action).map(|s| format!(", {s}")).unwrap_or_default();
        format!("{} {action} on {}{on}{from}", effect_word(), label())
    };
    let toggle = move |action: String| {
        change(Box::new(move |rows: &mut Vec<MatrixRow>| {
            if let Some(r) = rows.get_mut(index) {
                r.toggle(&action);
            }
        }))
    };
    let cells = {
        let schema = Arc::clone(&schema);
        move || {
            let key = row_type.get();
            columns
                .iter()
                .enumerate()
                .map(|(c, action)| {
                    let has_cell = key == WILDCARD
                        || schema
                            .resource_type(&key)
                            .map_or_else(|| row().actions.contains(action), |t| t.has_action(action));
                    let shown = visible_column.clone();
                    let a = action.clone();
                    let cell = has_cell.then(|| {
                        let a2 = a.clone();
                        let a3 = a.clone();
                        let a4 = a.clone();
                        view! {
                            <input type="checkbox" data-row=index data-col=c + 1 class="h-4 w-4"
                                aria-label=move || cell_label(&a2)
                                checked=move || row().has(&a4)
                                prop:checked=move || row().has(&a3)
                                disabled=move || read_only.get() || row().all_actions()
                                on:change=move |_| toggle(a.clone())/>
                        }
                    });
                    let key_for_display = action.clone();
                    let key_for_source = action.clone();
                    view! {
                        <td class="px-2 py-2 text-center" class:hidden=move || !shown(&key_for_display)
                            title=move || has_cell.then(|| source(&key_for_source)).flatten()>{cell}</td>
                    }
                })
                .collect_view()
        }
    };
    let flip_effect = move |_| {
        change(Box::new(move |rows: &mut Vec<MatrixRow>| {
            if let Some(r) = rows.get_mut(index) {
                r.effect = if r.effect == Effect::Deny { Effect::Allow } else { Effect::Deny };
            }
        }))
    };
    let add_row = move |_| {
        change(Box::new(move |rows: &mut Vec<MatrixRow>| {
            let key = rows.get(index).map(|r| r.resource_type.clone()).unwrap_or_default();
            rows.insert(index + 1, MatrixRow::blank(&key));
        }))
    };
    let remove_row = move |_| {
        picker_open.set(None);
        change(Box::new(move |rows: &mut Vec<MatrixRow>| {
            let key = rows.get(index).map(|r| r.resource_type.clone()).unwrap_or_default();
            if rows.iter().filter(|r| r.resource_type == key).count() > 1 {
                rows.remove(index);
            } else if let Some(r) = rows.get_mut(index) {
                *r = MatrixRow::blank(&key);
            }
        }))
    };
    view! {
        <tr class:hidden=move || !visible()
            data-testid=move || format!("matrix-row-{}", row_type.get())
            class=move || if row().effect == Effect::Deny { "bg-red-50/60 dark:bg-red-950/40" } else { "" }>
            <th scope="row" class="whitespace-nowrap px-3 py-2 text-left font-medium">
                <span>{label}</span>
                <span class="ml-1 font-mono text-xs text-slate-500 dark:text-slate-400">{move || row_type.get()}</span>
                <Show when=move || !scope().is_empty()>
                    <span class="ml-2 rounded bg-indigo-100 px-1.5 py-0.5 text-xs text-indigo-800 dark:bg-indigo-900 dark:text-indigo-100" data-testid="row-scope">
                        {scope}
                    </span>
                </Show>
            </th>
            <td class="px-2 py-2 text-center">
                <input type="checkbox" data-row=index data-col=0 class="h-4 w-4"
                    aria-label=move || format!("{} all actions on {}", effect_word(), label())
                    checked=move || row().all_actions() prop:checked=move || row().all_actions() disabled=move || read_only.get()
                    on:change=move |_| toggle(WILDCARD.to_owned())/>
            </td>
            {cells}
            <td class="px-2 py-2">
                <button type="button" disabled=move || read_only.get() data-testid="effect-toggle" on:click=flip_effect
                    aria-pressed=move || if row().effect == Effect::Deny { "true" } else { "false" }
                    aria-label=move || format!("{} row: {}. Press to switch between allow and deny.", label(), effect_word())
                    class=move || if row().effect == Effect::Deny {
                        "rounded-full bg-red-600 px-2.5 py-0.5 text-xs font-semibold text-white"
                    } else {
                        "rounded-full bg-emerald-700 px-2.5 py-0.5 text-xs font-semibold text-white"
                    }>
                    {effect_word}
                </button>
            </td>
            <td class="whitespace-nowrap px-2 py-2 text-xs">
                <Show when=move || !read_only.get()>
                    <Show when=listable>
                        <button type="button" class="mr-2 text-indigo-700 underline dark:text-indigo-300" data-testid="pick-instances"
                            aria-expanded=move || if picker_open.get() == Some(index) { "true" } else { "false" }
                            on:click=move |_| picker_open.update(|open| *open = if *open == Some(index) { None } else { Some(index) })>
                            "Instances…"
                        </button>
                    </Show>
                    <button type="button" class="mr-2 text-slate-600 underline dark:text-slate-300" on:click=add_row
                        aria-label=move || format!("Add another {} row", label())>"+ row"</button>
                    <button type="button" class="text-slate-600 underline dark:text-slate-300" on:click=remove_row
                        aria-label=move || format!("Clear or remove this {} row", label())>"Clear"</button>
                </Show>
            </td>
        </tr>
    }
}

/// Search-as-you-type over a listable type's registered instances; picking one scopes the row.
#[component]
fn InstancePicker(
    index: usize,
    rows: Signal<Vec<MatrixRow>>,
    org_id: String,
    instance_names: RwSignal<Vec<InstanceItem>>,
    change: impl Fn(Edit) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let resource_type = rows.with_untracked(|r| r.get(index).map(|row| row.resource_type.clone())).unwrap_or_default();
    let found = {
        let resource_type = resource_type.clone();
        Resource::new(move || query.get(), move |q| search_resources(org_id.clone(), resource_type.clone(), q))
    };
    let chosen = move || rows.with(|r| r.get(index).map(|row| row.instances.clone())).unwrap_or_default();
    let set_instances = move |edit: InstancesEdit| {
        change(Box::new(move |rows: &mut Vec<MatrixRow>| {
            if let Some(r) = rows.get_mut(index) {
                edit(&mut r.instances);
            }
        }))
    };
    let name_of = move |id: &str| {
        instance_names
            .with(|names| names.iter().find(|n| n.id == id).map(|n| n.name.clone()))
            .unwrap_or_else(|| id.to_owned())
    };
    view! {
        <div class="space-y-2" data-testid="instance-picker">
            <p class="text-xs text-slate-600 dark:text-slate-400">
                {format!("Scope this row to chosen {resource_type} instances; with none chosen it covers all of them.")}
            </p>
            <ul class="flex flex-wrap gap-2" aria-label="Chosen instances">
                {move || chosen().into_iter().map(|id| {
                    let remove_id = id.clone();
                    view! {
                        <li class="flex items-center gap-1 rounded-full bg-indigo-100 px-2 py-0.5 text-xs text-indigo-900 dark:bg-indigo-900 dark:text-indigo-100">
                            {name_of(&id)}
                            <button type="button" aria-label=format!("Remove {}", name_of(&id))
                                on:click=move |_| { let id = remove_id.clone(); set_instances(Box::new(move |list| list.retain(|i| *i != id))) }>
                                "×"
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <label class="sr-only" for=format!("instance-search-{index}")>"Search instances"</label>
            <input id=format!("instance-search-{index}") type="search" placeholder="Search by name or id" data-testid="instance-search"
                prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))
                class="w-72 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900"/>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match found.await {
                        Ok(list) if list.is_empty() => view! { <p class="text-xs text-slate-500 dark:text-slate-400">"No registered instance matches."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="space-y-1" data-testid="instance-results">
                                {list.into_iter().map(|item| {
                                    let picked = item.clone();
                                    view! {
                                        <li>
                                            <button type="button" class="text-left text-sm text-indigo-700 underline dark:text-indigo-300"
                                                on:click=move |_| {
                                                    let item = picked.clone();
                                                    instance_names.update(|names| if !names.contains(&item) { names.push(item.clone()) });
                                                    let id = item.id.clone();
                                                    set_instances(Box::new(move |list| if !list.contains(&id) { list.push(id) }));
                                                }>
                                                {format!("Add {} ({})", item.name, item.id)}
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <p class="text-xs text-red-600">{error.message}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// Arrow keys move between the matrix's checkboxes (by row and column), skipping hidden rows
/// and cells that a type does not have.
fn matrix_keydown(event: leptos::ev::KeyboardEvent) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::HtmlElement;

        let key = event.key();
        if !matches!(key.as_str(), "ArrowUp" | "ArrowDown" | "ArrowLeft" | "ArrowRight") {
            return;
        }
        let Some(current) = event.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) else { return };
        let position = |e: &HtmlElement| -> Option<(i64, i64)> {
            Some((e.get_attribute("data-row")?.parse().ok()?, e.get_attribute("data-col")?.parse().ok()?))
        };
        let Some((row, col)) = position(&current) else { return };
        let Some(table) = current.closest("table").ok().flatten() else { return };
        let Ok(list) = table.query_selector_all("input[data-row]") else { return };
        let cells: Vec<(HtmlElement, (i64, i64))> = (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
            .filter(|e| e.offset_parent().is_some())
            .filter_map(|e| position(&e).map(|p| (e, p)))
            .collect();
        let distance = |(r, c): (i64, i64)| match key.as_str() {
            "ArrowRight" if r == row && c > col => Some(c - col),
            "ArrowLeft" if r == row && c < col => Some(col - c),
            "ArrowDown" if r > row => Some((r - row) * 1000 + (c - col).abs()),
            "ArrowUp" if r < row => Some((row - r) * 1000 + (c - col).abs()),
            _ => None,
        };
        let next = cells.iter().filter_map(|(e, p)| distance(*p).map(|d| (d, e))).min_by_key(|(d, _)| *d);
        if let Some((_, element)) = next {
            let _ = element.focus();
        }
        event.prevent_default();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = event;
}
