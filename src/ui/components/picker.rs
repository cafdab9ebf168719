//! Choosing a user or an organization by typing: the server's matches appear as you type (the
//! same searches as the user list and the organization tree, so they work at any size), the
//! arrows move through them, Enter chooses, Escape closes. The field stays an ordinary text
//! input: it takes an email, an id or a code as typed, which is all it needs without
//! JavaScript; a page that answers a search from such a field offers the matches as links
//! when what was typed found nothing ([`PickLinks`]).

use std::sync::Arc;

use leptos::prelude::*;

use crate::ui::{
    model::{PickChoices, PickItem, PickKind},
    server_fns::pick::{Pick, pick},
};

const INPUT: &str =
    "w-full rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900";

/// A required text field named `name` with suggestions: `label` names it; it holds `value`
/// (the page's state, such as a URL parameter) until the admin types or chooses.
#[component]
pub fn Picker(
    kind: PickKind,
    name: &'static str,
    label: &'static str,
    #[prop(into)] value: Signal<String>,
    test_id: &'static str,
    #[prop(default = "")] placeholder: &'static str,
) -> impl IntoView {
    let field_id = format!("pick-{name}");
    let list_id = format!("{field_id}-choices");
    let text = RwSignal::new(value.get_untracked());
    // What was chosen, named under the field (an organization's id alone says little).
    let chosen = RwSignal::new(None::<PickItem>);
    // A link or a navigation that changes the page's state changes the field.
    Effect::new(move |_| {
        let value = value.get();
        if chosen.with_untracked(|chosen| chosen.as_ref().is_some_and(|item| item.value != value)) {
            chosen.set(None);
        }
        text.set(value);
    });
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let search = ServerAction::<Pick>::new();
    // Only the answer for what the field holds now: one for an earlier keystroke may come last.
    let choices = move || {
        search
            .value()
            .get()
            .and_then(Result::ok)
            .filter(|found: &PickChoices| found.q == text.get())
            .map(|found| found.items)
    };
    let count = move || choices().map_or(0, |items| items.len());
    let choose = move |index: usize| {
        if let Some(item) = choices().and_then(|items| items.into_iter().nth(index)) {
            text.set(item.value.clone());
            chosen.set(Some(item));
        }
        open.set(false);
        active.set(None);
    };
    let step = move |forward: bool| {
        let n = count();
        if n > 0 {
            open.set(true);
            active.update(|at| {
                *at = Some(match (*at, forward) {
                    (None, true) => 0,
                    (None, false) => n - 1,
                    (Some(i), true) => (i + 1) % n,
                    (Some(i), false) => (i + n - 1) % n,
                });
            });
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "ArrowDown" => {
            ev.prevent_default();
            step(true);
        }
        "ArrowUp" => {
            ev.prevent_default();
            step(false);
        }
        "Enter" if open.get_untracked() && active.get_untracked().is_some() => {
            ev.prevent_default();
            choose(active.get_untracked().unwrap_or_default());
        }
        "Escape" if open.get_untracked() => {
            ev.prevent_default();
            open.set(false);
            active.set(None);
        }
        _ => {}
    };
    let on_input = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        text.set(typed.clone());
        chosen.set(None);
        active.set(None);
        open.set(!typed.trim().is_empty());
        search.dispatch(Pick { kind, q: typed });
    };
    let option_id = {
        let list_id = list_id.clone();
        move |index: usize| format!("{list_id}-{index}")
    };
    let active_option = {
        let option_id = option_id.clone();
        move || active.get().map(&option_id)
    };
    let expanded = move || if open.get() && count() > 0 { "true" } else { "false" };
    view! {
        <div class="relative">
            <label for=field_id.clone() class="text-sm">{label}</label>
            <input id=field_id name=name type="text" value=value.get_untracked() placeholder=placeholder required autocomplete="off"
                role="combobox" aria-autocomplete="list" aria-controls=list_id.clone() aria-expanded=expanded
                aria-activedescendant=active_option data-testid=test_id class=INPUT
                prop:value=move || text.get() on:input=on_input on:keydown=on_key on:blur=move |_| open.set(false)/>
            <ul id=list_id role="listbox" aria-label=label hidden=move || expanded() == "false" data-testid="pick-choices"
                class="absolute z-10 mt-1 max-h-72 w-full overflow-auto rounded-md border border-slate-300 bg-white py-1 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900">
                {move || choices().unwrap_or_default().into_iter().enumerate().map(|(index, item)| {
                    let selected = move || active.get() == Some(index);
                    view! {
                        <li id=option_id(index) role="option" aria-selected=move || if selected() { "true" } else { "false" }
                            data-testid="pick-choice" on:mousedown=move |ev| { ev.prevent_default(); choose(index); }
                            class=move || if selected() { "cursor-pointer bg-indigo-600 px-3 py-1.5 text-white" } else { "cursor-pointer px-3 py-1.5" }>
                            <span class="font-medium">{item.label}</span>
                            <span class=move || if selected() { "block text-xs text-indigo-100" } else { "block text-xs text-slate-600 dark:text-slate-400" }>{item.detail}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="mt-1 text-xs text-slate-600 dark:text-slate-400" aria-live="polite" data-testid="pick-chosen">
                {move || chosen.get().map(|item| if item.detail.is_empty() { item.label } else { format!("{} · {}", item.label, item.detail) })}
            </p>
        </div>
    }
}

/// What `term` could have meant, as links (`href` makes a link for a chosen value): what a
/// page shows, with or without JavaScript, when a picker's field found nothing as typed.
#[component]
pub fn PickLinks(kind: PickKind, term: String, href: impl Fn(&str) -> String + Send + Sync + 'static) -> impl IntoView {
    // What was typed, when it is itself a choice, needs no link (the trouble was elsewhere).
    let typed = term.clone();
    let found = Resource::new(move || term.clone(), move |term| pick(kind, term));
    let href = Arc::new(href);
    let noun = match kind {
        PickKind::User => "user",
        PickKind::Organization => "organization",
    };
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (href, typed) = (Arc::clone(&href), typed.clone());
                Suspend::new(async move {
                let mut items = found.await.map(|found| found.items).unwrap_or_default();
                items.retain(|item| item.value != typed);
                (!items.is_empty()).then(|| view! {
                    <div class="text-sm" data-testid=format!("pick-links-{noun}")>
                        <p>{format!("Did you mean one of these? Choose the {noun}:")}</p>
                        <ul class="mt-1 list-disc pl-5">
                            {items.into_iter().map(|item| view! {
                                <li>
                                    <a href=href(&item.value) class="text-indigo-700 underline dark:text-indigo-300">{item.label}</a>
                                    <span class="text-slate-600 dark:text-slate-400">{format!(" {}", item.detail)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    </div>
                })
                })
            }}
        </Suspense>
    }
}
