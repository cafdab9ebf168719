//! `/sign-in`. Works without JavaScript: the form posts to the server function, which
//! redirects to `next` on success or back here with the error. Below it, single sign-on: a
//! plain form to `/sso/start` (an email address or organization code picks the organization);
//! a failed SSO sign-in comes back here with `sso_error`, explained in words.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::ui::components::list_page::tab_title;
use crate::{
    domain::sso::SsoFailure,
    ui::{
        components::form::{FormError, SubmitButton, TextField, action_error},
        server_fns::sessions::SignIn,
    },
};

/// Where the form posts, whose failure without JavaScript refills the email (never the password).
const REFILL: &str = <SignIn as leptos::server_fn::ServerFn>::PATH;

#[component]
pub fn SignInPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let error = action_error(sign_in);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let sso_problem = move || {
        query
            .read()
            .get("sso_error")
            .map(|code| SsoFailure::from_code(&code).unwrap_or(SsoFailure::Unavailable).message())
    };
    let identifier = move || query.read().get("identifier").unwrap_or_default();
    view! {
        <main class="flex min-h-screen items-center justify-center px-4">
            <div class="w-full max-w-sm space-y-6 rounded-xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-800 dark:bg-slate-900">
                <div class="flex items-center gap-2">
                    <img src="/warden.svg" alt="" class="h-8 w-8"/>
                    <Title text=tab_title(&["Sign in"])/>
                    <h1 class="text-xl font-semibold">"Sign in to Warden"</h1>
                </div>
                <ActionForm action=sign_in attr:class="space-y-4" attr:data-testid="sign-in-form">
                    <input type="hidden" name="next" value=next/>
                    <FormError error/>
                    <TextField label="Email" name="email" input_type="email" autocomplete="username" autofocus=true error refill_from=REFILL/>
                    <TextField label="Password" name="password" input_type="password" autocomplete="current-password" error/>
                    <SubmitButton label="Sign in" pending=sign_in.pending().into()/>
                </ActionForm>
                <div class="flex items-center gap-3 text-xs uppercase text-slate-500 dark:text-slate-400" aria-hidden="true">
                    <span class="h-px flex-1 bg-slate-200 dark:bg-slate-800"></span>"or"<span class="h-px flex-1 bg-slate-200 dark:bg-slate-800"></span>
                </div>
                <form method="post" action="/sso/start" class="space-y-3" data-testid="sso-form">
                    <input type="hidden" name="next" value=next/>
                    {move || sso_problem().map(|message| view! {
                        <div role="alert" data-testid="sso-error"
                            class="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
                            {message}
                        </div>
                    })}
                    <div class="space-y-1">
                        <label for="sso-identifier" class="block text-sm font-medium text-slate-700 dark:text-slate-300">"Work email or organization code"</label>
                        <input id="sso-identifier" name="identifier" value=identifier autocomplete="username"
                            class="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"/>
                    </div>
                    <button type="submit" data-testid="sso-submit"
                        class="inline-flex w-full justify-center rounded-md border border-indigo-600 px-4 py-2 text-sm font-semibold text-indigo-700 hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-slate-800">
                        "Sign in with SSO"
                    </button>
                </form>
            </div>
        </main>
    }
}
