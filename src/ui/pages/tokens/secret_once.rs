//! The secret of the token just made, shown this once with a copy button and a plain warning.

use leptos::prelude::*;

use crate::ui::{components::copy_button::CopyButton, model::NewTokenSecret};

#[component]
pub fn SecretOnce(new: NewTokenSecret) -> impl IntoView {
    view! {
        <section role="region" aria-labelledby="new-token-heading" data-testid="new-token"
            class="space-y-3 rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
            <h2 id="new-token-heading" class="font-semibold">{format!("Copy your new token \"{}\" now", new.name)}</h2>
            <p class="text-sm">
                "This is the only time Warden shows it: it keeps only a fingerprint. Put it in your program's secret \
                 store now. If you lose it, revoke it and make another."
            </p>
            <div class="flex gap-2">
                <label for="new-token-secret" class="sr-only">"Your new token"</label>
                <input id="new-token-secret" readonly value=new.secret.clone() data-testid="new-token-secret"
                    class="block w-full rounded-md border border-amber-300 bg-white px-3 py-2 font-mono text-sm text-slate-900 dark:border-amber-700 dark:bg-slate-900 dark:text-slate-100"/>
                <CopyButton value=new.secret.clone() what="your new token" test_id="copy-token"
                    class="rounded-md bg-amber-700 px-4 py-2 text-sm font-semibold text-white hover:bg-amber-600"/>
            </div>
        </section>
    }
}
