//! `/`: who you are, and your organizations.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::ui::components::list_page::tab_title;
use crate::ui::{
    components::layout::LoadError,
    error::UiError,
    model::{Me, OrganizationItem},
    server_fns::orgs::my_organizations,
};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let user = expect_context::<OnceResource<Result<Me, UiError>>>();
    let organizations = OnceResource::new(my_organizations());
    view! {
        <div class="max-w-3xl space-y-8">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(user) => view! {
                            <Title text=tab_title(&["Dashboard"])/>
                            <header>
                                <h1 class="text-2xl font-semibold" data-testid="welcome">"Welcome, " {user.full_name}</h1>
                                <p class="text-slate-600 dark:text-slate-400">
                                    "Signed in as " <span class="font-medium">{user.email}</span>
                                </p>
                            </header>
                        }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Suspense>
            <section aria-labelledby="orgs-heading" class="space-y-3">
                <h2 id="orgs-heading" class="text-lg font-semibold">"Your organizations"</h2>
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match organizations.await {
                            Ok(list) if list.is_empty() => view! {
                                <p class="text-slate-600 dark:text-slate-400">"You are not a member of any organization yet."</p>
                            }.into_any(),
                            Ok(list) => view! { <OrganizationList list/> }.into_any(),
                            Err(error) => view! { <LoadError error/> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </div>
    }
}

#[component]
fn OrganizationList(list: Vec<OrganizationItem>) -> impl IntoView {
    view! {
        <ul class="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900"
            data-testid="my-organizations">
            {list.into_iter().map(|org| view! {
                <li class="flex items-center justify-between px-4 py-3">
                    <a href=format!("/orgs/{}", org.id) class="font-medium text-indigo-700 hover:underline dark:text-indigo-300">{org.name}</a>
                    <span class="text-sm text-slate-500 dark:text-slate-400">
                        {org.code.map(|c| format!("code {c}"))}
                        {org.is_root.then_some(" · root organization")}
                    </span>
                </li>
            }).collect_view()}
        </ul>
    }
}
