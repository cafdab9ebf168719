//! Form building blocks that show server-side validation beside the field it concerns.

use leptos::prelude::*;

use super::focus::focus_when;
use crate::ui::{error::UiError, typed::typed_value};

/// The error of the last submission of a server action, if it failed.
pub fn action_error<I, O>(action: ServerAction<I>) -> Signal<Option<UiError>>
where
    I: leptos::server_fn::ServerFn<Output = O, Error = UiError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

#[component]
pub fn TextField(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] value: Option<String>,
    #[prop(default = false)] autofocus: bool,
    #[prop(default = true)] required: bool,
    /// A rule run as the admin types (the same one the server applies); without JavaScript the
    /// server's answer is shown instead.
    #[prop(optional)]
    check: Option<fn(&str) -> Option<String>>,
    /// The failed submission whose field errors to show.
    error: Signal<Option<UiError>>,
    /// The server function (its `PATH`) whose failed post without JavaScript refills this field
    /// with what was typed (`ui::typed`); never a password.
    #[prop(optional)]
    refill_from: Option<&'static str>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    // After a failed post without JavaScript, what the admin typed rather than what is stored.
    let typed = refill_from.filter(|_| input_type != "password").and_then(|path| typed_value(path, name));
    let value = typed.or(value);
    // Once edited, the field shows its own check rather than the last submission's verdict,
    // until the next submission answers.
    let edited = RwSignal::new(false);
    let own_problem = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        error.track();
        edited.set(false);
    });
    let message = move || if edited.get() { own_problem.get() } else { error.get().and_then(|e| e.field(name)) };
    // A field the last submission refused takes the focus: on a page load the first such field
    // (`autofocus`), after a change made in place when nothing else has the focus.
    let names_this = move |e: &Option<UiError>| e.as_ref().is_some_and(|e| e.field(name).is_some());
    let refused = move || error.with(names_this);
    let autofocus = autofocus || error.with_untracked(names_this);
    let input = NodeRef::<leptos::html::Input>::new();
    focus_when(input, refused);
    let on_input = move |ev: leptos::ev::Event| {
        if let Some(check) = check {
            own_problem.set(check(&event_target_value(&ev)));
            edited.set(true);
        }
    };
    view! {
        <div class="space-y-1">
            <label for=id.clone() class="block text-sm font-medium text-slate-700 dark:text-slate-300">{label}</label>
            <input
                node_ref=input
                id=id
                name=name
                type=input_type
                value=value
                autocomplete=autocomplete
                autofocus=autofocus
                required=required
                on:input=on_input
                aria-invalid=move || if message().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
                class="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm \
                       focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/40 \
                       aria-[invalid=true]:border-red-500 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
            />
            <p id=error_id class="min-h-5 text-sm text-red-600 dark:text-red-400" data-testid=format!("{name}-error")>
                {message}
            </p>
        </div>
    }
}

/// The form-level message of a failed submission (one without field errors). It takes the focus
/// when it appears, so that keyboard and screen reader users land on what went wrong.
#[component]
pub fn FormError(error: Signal<Option<UiError>>) -> impl IntoView {
    let message = move || error.get().filter(|e| e.fields.is_empty()).map(|e| e.message);
    let alert = NodeRef::<leptos::html::Div>::new();
    focus_when(alert, move || error.with(Option::is_some));
    view! {
        <Show when=move || message().is_some()>
            <div node_ref=alert role="alert" tabindex="-1" autofocus data-testid="form-error"
                class="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 \
                       dark:border-red-800 dark:bg-red-950 dark:text-red-200">
                {message}
            </div>
        </Show>
    }
}

/// The full-width submit button of a form page (sign-in, editors).
#[component]
pub fn SubmitButton(label: &'static str, pending: Signal<bool>) -> impl IntoView {
    view! {
        <PendingButton pending
            class="w-full rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm \
                   hover:bg-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/60">
            {label}
        </PendingButton>
    }
}

/// A button that submits its form's action. While the answer is on its way it is disabled (it
/// cannot be pressed twice), busy for screen readers (`aria-busy`) and shows a spinner before
/// its label. Without JavaScript the browser's own page load shows the wait.
#[component]
pub fn PendingButton(
    /// The action's `pending()`.
    #[prop(into)]
    pending: Signal<bool>,
    /// The button's look; layout for the spinner and the disabled look are added.
    #[prop(into)]
    class: String,
    #[prop(optional)] test_id: Option<&'static str>,
    /// Disabled whatever the action does (nothing to submit yet).
    #[prop(optional)]
    blocked: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <button type="submit" data-testid=test_id
            disabled=move || blocked || pending.get()
            aria-busy=move || pending.get().then_some("true")
            class=format!("group inline-flex items-center justify-center gap-2 disabled:opacity-60 aria-busy:cursor-wait {class}")>
            <span aria-hidden="true"
                class="hidden size-3.5 animate-spin rounded-full border-2 border-current border-r-transparent group-aria-busy:inline-block"></span>
            {children()}
        </button>
    }
}

/// Every problem of a failed submission, one per line: for forms whose fields are lists
/// (an error at `user_ids[3]` has no single input to sit beside).
#[component]
pub fn ProblemList(error: Signal<Option<UiError>>) -> impl IntoView {
    let problems = move || {
        error
            .get()
            .map(|e| if e.fields.is_empty() { vec![e.message] } else { e.fields.into_iter().map(|f| f.msg).collect() })
    };
    view! {
        <Show when=move || problems().is_some()>
            <ul role="alert" data-testid="form-problems"
                class="list-inside list-disc rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 \
                       dark:border-red-800 dark:bg-red-950 dark:text-red-200">
                {move || problems().unwrap_or_default().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
            </ul>
        </Show>
    }
}
