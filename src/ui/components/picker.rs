//! Choosing a user, an organization, a member, a role or a new parent by typing: the server's
//! matches appear as you type (the same searches as the lists, so they work at any size), the
//! arrows move through them, Enter chooses, Escape closes. The field stays an ordinary text
//! input: it takes an email, an id, a code or a name as typed, which is all it needs without
//! JavaScript; a page that answers from such a field offers the matches as links when what was
//! typed found nothing ([`PickLinks`]).

use leptos::prelude::*;

use super::focus::focus_when;
use crate::ui::{
    error::UiError,
    model::{PickChoices, PickItem, PickKind},
    server_fns::pick::{Pick, pick},
    typed::{TYPED_PREFIX, typed_value},
    url::encode,
};

const INPUT: &str = "w-full rounded-md border border-slate-300 bg-white px-3 py-2 aria-[invalid=true]:border-red-500 \
                     dark:border-slate-700 dark:bg-slate-900";

/// What separates the entries of a field that takes several.
const SEPARATORS: [char; 3] = [',', ';', '\n'];

/// The entry being typed: the whole field, or with `multiple` the text after the last separator.
fn current_entry(text: &str, multiple: bool) -> &str {
    let entry = if multiple { text.rsplit(SEPARATORS).next().unwrap_or_default() } else { text };
    entry.trim_start()
}

/// The field once `value` is chosen for the entry being typed.
fn with_chosen(text: &str, value: &str, multiple: bool) -> String {
    if !multiple {
        return value.to_owned();
    }
    let kept = text.rfind(SEPARATORS).map_or("", |at| &text[..=at]);
    let space = if kept.is_empty() { "" } else { " " };
    format!("{kept}{space}{value}, ")
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
/// The field once the lines `pasted` replace the selection `start..end` (UTF-16 offsets, as the
/// browser counts): each line an entry, set apart from an entry before it; and where the caret
/// goes then (UTF-16).
fn with_pasted(text: &str, start: u32, end: u32, pasted: &str) -> (String, u32) {
    let byte_at = |units: u32| {
        let mut seen = 0;
        text.char_indices()
            .find(|(_, c)| {
                let reached = seen >= units;
                seen += c.len_utf16() as u32;
                reached
            })
            .map_or(text.len(), |(at, _)| at)
    };
    let (before, after) = (&text[..byte_at(start)], &text[byte_at(end.max(start))..]);
    let entries: Vec<&str> = pasted.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
    let open = before.trim_end();
    let separator = if open.is_empty() || open.ends_with(SEPARATORS) { "" } else { ", " };
    let joined = format!("{before}{separator}{}", entries.join(", "));
    let caret = u32::try_from(joined.encode_utf16().count()).unwrap_or(u32::MAX);
    (format!("{joined}{after}"), caret)
}

/// Puts `value` into the field at once (its reactive value follows later), and submits its
/// form when asked, as pressing a submit button would (the router's forms navigate in place).
fn fill(input: NodeRef<leptos::html::Input>, value: &str, submit: bool) {
    #[cfg(feature = "hydrate")]
    if let Some(input) = input.get_untracked() {
        input.set_value(value);
        if submit && let Some(form) = input.form() {
            let _ = form.request_submit();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (input, value, submit);
}

/// A text field named `name` with suggestions of `kind`: `label` names it; it holds `value`
/// (the page's state, such as a URL parameter) until the admin types or chooses.
#[component]
pub fn Picker(
    kind: PickKind,
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(into)] value: Signal<String>,
    test_id: &'static str,
    /// The organization whose members, roles or new parents are offered.
    #[prop(optional, into)]
    scope: String,
    #[prop(default = "")] placeholder: &'static str,
    #[prop(default = true)] required: bool,
    /// Several entries separated by commas: suggestions are for the last one.
    #[prop(optional)]
    multiple: bool,
    /// Choosing submits the form the field is in (a filter, a search that leads somewhere).
    #[prop(optional)]
    submit_on_choose: bool,
    /// The last submission's error: its message for this field shows under it.
    #[prop(default = None)]
    error: Option<Signal<Option<UiError>>>,
    /// The server function (its `PATH`) whose failed post without JavaScript refills this
    /// field with what was typed (`ui::typed`).
    #[prop(optional)]
    refill_from: Option<&'static str>,
    /// Hands a choice to the page (which lists it beside the field, to post in fields of its
    /// own) and empties the field for the next one, instead of filling the field with it.
    #[prop(optional, into)]
    on_choose: Option<Callback<PickItem>>,
    /// The field's id, where several pickers of the same `name` share a page (one per row).
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let field_id = id.unwrap_or_else(|| format!("pick-{name}"));
    let list_id = format!("{field_id}-choices");
    let error_id = format!("{field_id}-error");
    let initial = refill_from.and_then(|path| typed_value(path, name)).unwrap_or_else(|| value.get_untracked());
    let text = RwSignal::new(initial.clone());
    // What was chosen, named under the field (an organization's id alone says little).
    let chosen = RwSignal::new(None::<PickItem>);
    // A link or a navigation that changes the page's state changes the field.
    Effect::watch(
        move || value.get(),
        move |value, _, _| {
            if chosen.with_untracked(|chosen| chosen.as_ref().is_some_and(|item| &item.value != value)) {
                chosen.set(None);
            }
            text.set(value.clone());
        },
        false,
    );
    // What the server offered for a term it found nothing for (a failed post): while the field
    // still holds that term, its error shows with the offers as choices; once another value is
    // chosen, neither does.
    let offered = move || {
        let suggestion = error.and_then(|error| error.get())?.suggestions.into_iter().find(|s| s.field == name)?;
        Some(suggestion).filter(|_| !multiple)
    };
    let moved_on = move || offered().is_some_and(|s| text.with(|text| text.trim() != s.term));
    let message = move || error.and_then(|error| error.get()).and_then(|e| e.field(name)).filter(|_| !moved_on());
    let refused = move || message().is_some();
    let input = NodeRef::<leptos::html::Input>::new();
    focus_when(input, refused);
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let search = ServerAction::<Pick>::new();
    // The action holds whichever answer came last, and the one for an earlier keystroke may
    // come after the one for the last: each answer is kept only if it is for the entry being
    // typed, and stays until the entry changes.
    let answer = RwSignal::new(None::<PickChoices>);
    Effect::new(move |_| {
        if let Some(Ok(found)) = search.value().get()
            && text.with_untracked(|text| found.q == current_entry(text, multiple))
        {
            answer.set(Some(found));
        }
    });
    let choices = move || {
        answer.get().filter(|found| text.with(|text| found.q == current_entry(text, multiple))).map(|found| found.items)
    };
    let count = move || choices().map_or(0, |items| items.len());
    let choose = move |index: usize| {
        if let Some(item) = choices().and_then(|items| items.into_iter().nth(index)) {
            if let Some(hand_over) = on_choose {
                fill(input, "", false);
                text.set(String::new());
                hand_over.run(item);
            } else {
                let filled = text.with_untracked(|text| with_chosen(text, &item.value, multiple));
                fill(input, &filled, submit_on_choose);
                text.set(filled);
                chosen.set(Some(item));
            }
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
        // A field that hands its choice to the page does not submit a half-typed entry: Enter
        // takes the suggestion, as with the arrows.
        "Enter" if on_choose.is_some() && text.with_untracked(|text| !text.trim().is_empty()) => {
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
    let after_typing = move |typed: String| {
        let entry = current_entry(&typed, multiple).to_owned();
        text.set(typed);
        chosen.set(None);
        active.set(None);
        open.set(!entry.trim().is_empty());
        search.dispatch(Pick { kind, scope: scope.clone(), q: entry });
    };
    let on_input = {
        let after_typing = after_typing.clone();
        move |ev: leptos::ev::Event| after_typing(event_target_value(&ev))
    };
    // A text field runs pasted lines together: in a field of several entries, each line
    // pasted becomes an entry.
    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        #[cfg(feature = "hydrate")]
        if multiple
            && let Some(pasted) = ev.clipboard_data().and_then(|data| data.get_data("text").ok())
            && pasted.contains('\n')
            && let Some(field) = input.get_untracked()
        {
            ev.prevent_default();
            let text = field.value();
            let start = field.selection_start().ok().flatten().unwrap_or(u32::MAX);
            let end = field.selection_end().ok().flatten().unwrap_or(start);
            let (value, caret) = with_pasted(&text, start, end, &pasted);
            field.set_value(&value);
            let _ = field.set_selection_range(caret, caret);
            after_typing(value);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, &after_typing);
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
            <label for=field_id.clone() class="text-sm">{label.clone()}</label>
            <input node_ref=input id=field_id name=name type="text" value=initial placeholder=placeholder required=required autocomplete="off"
                autofocus=error.is_some_and(|error| error.with_untracked(|e| e.as_ref().is_some_and(|e| e.field(name).is_some())))
                role="combobox" aria-autocomplete="list" aria-controls=list_id.clone() aria-expanded=expanded
                aria-activedescendant=active_option data-testid=test_id class=INPUT
                aria-invalid=move || if refused() { "true" } else { "false" } aria-describedby=error_id.clone()
                prop:value=move || text.get() on:input=on_input on:paste=on_paste on:keydown=on_key on:blur=move |_| open.set(false)/>
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
            <p id=error_id class="text-sm text-red-600 empty:hidden dark:text-red-400" data-testid=format!("{name}-error")>{message}</p>
            // Links to this page with the field refilled with a choice (everything else typed
            // kept): what a browser without JavaScript follows; with it, a choice fills the field.
            {move || offered().filter(|_| !moved_on()).map(|suggestion| {
                let location = leptos_router::hooks::use_location();
                let href = move |value: &str| {
                    let (path, query) = (location.pathname.get_untracked(), location.search.get_untracked());
                    format!("{path}?{}", with_typed(&query, name, value))
                };
                let on_choose = Callback::new(move |value: String| {
                    fill(input, &value, false);
                    text.set(value);
                });
                view! { <PickLinks kind term=suggestion.term items=suggestion.items href on_choose/> }
            })}
            <p class="mt-1 text-xs text-slate-600 dark:text-slate-400" aria-live="polite" data-testid="pick-chosen">
                {move || chosen.get().map(|item| if item.detail.is_empty() { item.label } else { format!("{} · {}", item.label, item.detail) })}
            </p>
        </div>
    }
}

/// `query` (a URL's, without `?`) with the typed value of the field `name` set to `value`.
fn with_typed(query: &str, name: &str, value: &str) -> String {
    let key = format!("{TYPED_PREFIX}{name}=");
    let mut pairs: Vec<String> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with(&key))
        .map(str::to_owned)
        .collect();
    pairs.push(format!("{key}{}", encode(value)));
    pairs.join("&")
}

/// What `term` could have meant, as links (`href` makes a link for a chosen value): what a
/// page shows, with or without JavaScript, when a picker's field found nothing as typed.
/// `items` are what [`pick`] offered for it; the page fetches them in the same resource as its
/// answer (a resource made inside another's suspense does not hydrate reliably).
#[component]
pub fn PickLinks(
    kind: PickKind,
    term: String,
    items: Vec<PickItem>,
    href: impl Fn(&str) -> String + Send + Sync + 'static,
    /// With JavaScript, a choice is handed to this instead of followed.
    #[prop(optional, into)]
    on_choose: Option<Callback<String>>,
) -> impl IntoView {
    let noun = kind.noun();
    // What was typed, when it is itself a choice, needs no link (the trouble was elsewhere).
    let items: Vec<PickItem> = items.into_iter().filter(|item| item.value != term).collect();
    (!items.is_empty()).then(|| {
        view! {
            <div class="text-sm" data-testid=format!("pick-links-{}", noun.replace(' ', "-"))>
                <p>{format!("Did you mean one of these? Choose the {noun}:")}</p>
                <ul class="mt-1 list-disc pl-5">
                    {items.into_iter().map(|item| {
                        let value = item.value.clone();
                        let choose = move |ev: leptos::ev::MouseEvent| {
                            if let Some(on_choose) = on_choose {
                                ev.prevent_default();
                                on_choose.run(value.clone());
                            }
                        };
                        view! {
                            <li>
                                <a href=href(&item.value) on:click=choose data-testid="pick-link"
                                    class="text-indigo-700 underline dark:text-indigo-300">{item.label}</a>
                                <span class="text-slate-600 dark:text-slate-400">{format!(" {}", item.detail)}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        }
    })
}

/// What [`pick`] offers for `term` (nothing when it fails): for a page's resource that also
/// shows [`PickLinks`].
pub async fn choices_for(kind: PickKind, scope: String, term: String) -> Vec<PickItem> {
    pick(kind, scope, term).await.map(|found| found.items).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{current_entry, with_chosen, with_pasted, with_typed};

    #[test]
    fn a_choice_replaces_the_fields_typed_value_and_keeps_the_others() {
        assert_eq!(
            with_typed("?__path=%2Fapi%2Fx&__err=e&__typed.org=dock%20sev&__typed.email=a%40b", "org", "id 1"),
            "__path=%2Fapi%2Fx&__err=e&__typed.email=a%40b&__typed.org=id%201"
        );
        assert_eq!(with_typed("", "org", "x"), "__typed.org=x");
    }

    #[test]
    fn pasted_lines_become_entries_where_the_caret_is() {
        assert_eq!(with_pasted("", 0, 0, "a@x\nb@y\n"), ("a@x, b@y".to_owned(), 8));
        assert_eq!(with_pasted("ann@x", 5, 5, "a@x\nb@y"), ("ann@x, a@x, b@y".to_owned(), 15));
        assert_eq!(with_pasted("ann@x, ", 7, 7, "a@x\nb@y"), ("ann@x, a@x, b@y".to_owned(), 15));
        // Replacing a selection, with text after it, counted in UTF-16 like the browser.
        assert_eq!(with_pasted("é@x, old, z@z", 5, 8, "a@x\nb@y"), ("é@x, a@x, b@y, z@z".to_owned(), 13));
    }

    #[test]
    fn a_field_of_several_entries_suggests_for_the_last_and_keeps_the_others() {
        assert_eq!(current_entry("ann@x.example, be", true), "be");
        assert_eq!(current_entry("ann@x.example, be", false), "ann@x.example, be");
        assert_eq!(current_entry("", true), "");
        assert_eq!(with_chosen("ann@x.example, be", "ben@x.example", true), "ann@x.example, ben@x.example, ");
        assert_eq!(with_chosen("be", "ben@x.example", true), "ben@x.example, ");
        assert_eq!(with_chosen("be", "ben@x.example", false), "ben@x.example");
    }
}
