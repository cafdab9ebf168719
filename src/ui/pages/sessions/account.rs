//! `/account`: your profile, and changing your password (the current one is required).

use leptos::prelude::*;
use leptos_meta::Title;

use leptos_router::hooks::use_query_map;

use crate::domain::sso::SsoFailure;
use crate::ui::components::list_page::tab_title;
use crate::ui::{
    components::{
        form::{FormError, SubmitButton, TextField, action_error},
        layout::LoadError,
    },
    error::UiError,
    model::Me,
    server_fns::sessions::ChangePassword,
};

#[component]
pub fn AccountPage() -> impl IntoView {
    let user = expect_context::<OnceResource<Result<Me, UiError>>>();
    let change = ServerAction::<ChangePassword>::new();
    let error = action_error(change);
    let succeeded = move || matches!(change.value().get(), Some(Ok(())));
    // A failed "Connect single sign-on" comes back here with its reason.
    let query = use_query_map();
    let sso_problem = move || {
        query
            .read()
            .get("sso_error")
            .map(|code| SsoFailure::from_code(&code).unwrap_or(SsoFailure::Unavailable).message())
    };
    view! {
        <div class="max-w-xl space-y-8">
            <Title text=tab_title(&["Account"])/>
            <h1 class="text-2xl font-semibold">"Account"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(user) => view! {
                            <dl class="grid grid-cols-3 gap-2 rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900">
                                <dt class="text-slate-500 dark:text-slate-400">"Name"</dt><dd class="col-span-2">{user.full_name}</dd>
                                <dt class="text-slate-500 dark:text-slate-400">"Email"</dt><dd class="col-span-2">{user.email.clone()}</dd>
                                <dt class="text-slate-500 dark:text-slate-400">"Last sign-in"</dt>
                                <dd class="col-span-2">{user.last_sign_in_at.unwrap_or_else(|| "never".to_owned())}</dd>
                            </dl>
                            <section aria-labelledby="sso-connect-heading" class="mt-8 space-y-3 rounded-lg border border-slate-200 bg-white p-6 dark:border-slate-800 dark:bg-slate-900">
                                <h2 id="sso-connect-heading" class="text-lg font-semibold">"Single sign-on"</h2>
                                <p class="text-sm text-slate-600 dark:text-slate-400">
                                    "If your organization signs in with its identity provider, connect this account to it once;                                      after that you can sign in either way."
                                </p>
                                {sso_problem().map(|message| view! {
                                    <div role="alert" data-testid="sso-error"
                                        class="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
                                        {message}
                                    </div>
                                })}
                                <form method="post" action="/sso/start" data-testid="sso-connect-form">
                                    <input type="hidden" name="identifier" value=user.email.clone()/>
                                    <input type="hidden" name="next" value="/account"/>
                                    <button type="submit" data-testid="sso-connect"
                                        class="rounded-md border border-indigo-600 px-4 py-2 text-sm font-semibold text-indigo-700 hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-slate-800">
                                        "Connect single sign-on"
                                    </button>
                                </form>
                            </section>
                        }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Suspense>
            <section aria-labelledby="password-heading" class="space-y-4 rounded-lg border border-slate-200 bg-white p-6 dark:border-slate-800 dark:bg-slate-900">
                <h2 id="password-heading" class="text-lg font-semibold">"Change password"</h2>
                <p class="text-sm text-slate-600 dark:text-slate-400">
                    "At least 12 characters. Your other sessions end when you change it."
                </p>
                <Show when=succeeded>
                    <div role="status" data-testid="password-changed"
                        class="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100">
                        "Your password was changed."
                    </div>
                </Show>
                <ActionForm action=change attr:class="space-y-4">
                    <FormError error/>
                    <TextField label="Current password" name="current_password" input_type="password" autocomplete="current-password" error/>
                    <TextField label="New password" name="new_password" input_type="password" autocomplete="new-password" error/>
                    <TextField label="Repeat new password" name="confirm_password" input_type="password" autocomplete="new-password" error/>
                    <SubmitButton label="Change password" pending=change.pending().into()/>
                </ActionForm>
            </section>
        </div>
    }
}
