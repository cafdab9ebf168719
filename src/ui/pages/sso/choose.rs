//! `/sign-in/sso`: when an email domain signs in to several organizations, the person picks
//! one; each choice is a form to `/sso/start` (works without JavaScript).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::ui::components::list_page::tab_title;
use crate::ui::{components::layout::LoadError, server_fns::sso::sso_choices};

#[component]
pub fn SsoChoicePage() -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    let choices = Resource::new(move || get("identifier"), sso_choices);
    view! {
        <main class="flex min-h-screen items-center justify-center px-4">
            <div class="w-full max-w-sm space-y-4 rounded-xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-800 dark:bg-slate-900">
                <Title text=tab_title(&["Choose your organization"])/>
                <h1 class="text-xl font-semibold">"Choose your organization"</h1>
                <Transition fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match choices.await {
                            Ok(choices) => view! {
                                <ul class="space-y-2" data-testid="sso-choices">
                                    {choices.into_iter().map(|choice| view! {
                                        <li>
                                            <form method="post" action="/sso/start">
                                                <input type="hidden" name="org_id" value=choice.org_id/>
                                                <input type="hidden" name="identifier" value=get("identifier")/>
                                                <input type="hidden" name="next" value=get("next")/>
                                                <button type="submit" class="w-full rounded-md border border-slate-300 px-4 py-2 text-left hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800">
                                                    {choice.name}
                                                </button>
                                            </form>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(error) => view! { <LoadError error/> }.into_any(),
                        }
                    })}
                </Transition>
                <a href="/sign-in" class="text-sm text-indigo-700 underline dark:text-indigo-300">"Back to sign-in"</a>
            </div>
        </main>
    }
}
