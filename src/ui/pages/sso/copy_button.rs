//! A button that copies a value to the clipboard (with JavaScript; the value stays selectable
//! without it).

use leptos::prelude::*;

#[component]
pub fn CopyButton(value: String, test_id: &'static str) -> impl IntoView {
    let copied = RwSignal::new(false);
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
        <button type="button" on:click=copy data-testid=test_id
            class="rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}
