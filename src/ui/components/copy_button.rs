//! Copying a value to the clipboard: ids, codes, the SSO callback address, a secret shown once.
//! The button needs JavaScript, so it appears only once the page is interactive; without it
//! the value beside it stays plain, selectable text.

use leptos::prelude::*;

const BUTTON_CLASS: &str = "rounded-md border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800";

/// "Copy", then "Copied" (announced to screen readers). `what` names what it copies, for
/// screen readers ("Copy organization id"); `class` replaces the default look.
#[component]
pub fn CopyButton(
    value: String,
    #[prop(into)] what: String,
    #[prop(into)] test_id: String,
    #[prop(optional, into)] class: Option<String>,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let interactive = RwSignal::new(false);
    Effect::new(move || interactive.set(true));
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window().navigator().clipboard().write_text(&value);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &value;
        copied.set(true);
    };
    view! {
        <button type="button" on:click=copy hidden=move || !interactive.get() data-testid=test_id
            class=class.unwrap_or_else(|| BUTTON_CLASS.to_owned())>
            {move || if copied.get() { "Copied" } else { "Copy" }}
            <span class="sr-only">" "{what}</span>
        </button>
        <span role="status" class="sr-only">{move || copied.get().then_some("Copied to the clipboard")}</span>
    }
}

/// A labelled value (an id, a code) with its copy button: "Organization id 0192… [Copy]".
#[component]
pub fn CopyableValue(label: &'static str, value: String, test_id: &'static str) -> impl IntoView {
    view! {
        <p class="flex flex-wrap items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
            <span>{label}</span>
            <code class="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-800 dark:bg-slate-800 dark:text-slate-200" data-testid=test_id>
                {value.clone()}
            </code>
            <CopyButton value what=label.to_lowercase() test_id=format!("copy-{test_id}")/>
        </p>
    }
}
