//! `/sign-in`. Works without JavaScript: the form posts to the server function, which
//! redirects to `next` on success or back here with the error.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::ui::{
    components::form::{FormError, SubmitButton, TextField, action_error},
    server_fns::sessions::SignIn,
};

#[component]
pub fn SignInPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let error = action_error(sign_in);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <main class="flex min-h-screen items-center justify-center px-4">
            <div class="w-full max-w-sm space-y-6 rounded-xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-800 dark:bg-slate-900">
                <div class="flex items-center gap-2">
                    <img src="/warden.svg" alt="" class="h-8 w-8"/>
                    <h1 class="text-xl font-semibold">"Sign in to Warden"</h1>
                </div>
                <ActionForm action=sign_in attr:class="space-y-4" attr:data-testid="sign-in-form">
                    <input type="hidden" name="next" value=next/>
                    <FormError error/>
                    <TextField label="Email" name="email" input_type="email" autocomplete="username" autofocus=true error/>
                    <TextField label="Password" name="password" input_type="password" autocomplete="current-password" error/>
                    <SubmitButton label="Sign in" pending=sign_in.pending().into()/>
                </ActionForm>
            </div>
        </main>
    }
}
