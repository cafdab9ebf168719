//! The signed-in layout: a sidebar with the user and the pages that exist, and the page.

use leptos::prelude::*;
use leptos_router::{
    components::{A, Outlet},
    hooks::use_location,
};

use crate::ui::{
    components::form::PendingButton,
    error::UiErrorKind,
    model::Me,
    server_fns::sessions::{SignOut, current_user},
};

#[component]
pub fn AppShell() -> impl IntoView {
    let user = OnceResource::new(current_user());
    provide_context(user);
    view! {
        // The first thing a keyboard reaches: past the navigation to the page itself.
        <a href="#main" data-testid="skip-link"
            class="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded-md focus:bg-white focus:px-4 focus:py-2 focus:font-semibold focus:text-indigo-700 focus:shadow">
            "Skip to content"
        </a>
        <div class="flex min-h-screen flex-col md:flex-row">
            <aside class="flex shrink-0 flex-col gap-6 bg-slate-900 px-4 py-6 text-slate-100 md:w-64">
                <a href="/" class="flex items-center gap-2 text-lg font-semibold tracking-tight">
                    <img src="/warden.svg" alt="" class="h-7 w-7"/>
                    "Warden"
                </a>
                <nav aria-label="Main" class="flex flex-col gap-1 text-sm">
                    <NavLink href="/" label="Dashboard"/>
                    <NavLink href="/explorer" label="Access explorer"/>
                    <NavLink href="/orgs" label="Organizations"/>
                    <NavLink href="/users" label="Users"/>
                    <NavLink href="/schema" label="Permission schema"/>
                    <NavLink href="/account" label="Account"/>
                    <NavLink href="/tokens" label="My API tokens"/>
                    // A page the server renders from the OpenAPI document, outside the router.
                    <a href="/api-docs" rel="external" data-testid="api-reference-link"
                        class="rounded-md px-3 py-2 text-slate-300 hover:bg-slate-800">"API reference"</a>
                </nav>
                <div class="mt-auto border-t border-slate-700 pt-4 text-sm">
                    <Suspense fallback=|| view! { <p class="text-slate-400">"…"</p> }>
                        {move || Suspend::new(async move {
                            user.await.ok().map(|u: Me| view! {
                                <p class="font-medium" data-testid="sidebar-user-name">{u.full_name}</p>
                                <p class="truncate text-slate-400">{u.email}</p>
                            })
                        })}
                    </Suspense>
                    <SignOutButton/>
                </div>
            </aside>
            <main id="main" tabindex="-1" class="flex-1 px-6 py-8 focus:outline-none md:px-10">
                <Outlet/>
            </main>
        </div>
    }
}

#[component]
fn NavLink(href: &'static str, label: &'static str) -> impl IntoView {
    let location = use_location();
    let current = move || {
        let path = location.pathname.get();
        path == href || (href != "/" && path.starts_with(&format!("{href}/")))
    };
    view! {
        <A href=href attr:class=move || {
            if current() { "rounded-md bg-slate-800 px-3 py-2 font-medium" } else { "rounded-md px-3 py-2 text-slate-300 hover:bg-slate-800" }
        }>{label}</A>
    }
}

#[component]
fn SignOutButton() -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <ActionForm action=sign_out attr:class="mt-3">
            <PendingButton pending=sign_out.pending() test_id="sign-out"
                class="w-full justify-start! rounded-md border border-slate-600 px-3 py-1.5 text-left text-slate-200 hover:bg-slate-800">
                "Sign out"
            </PendingButton>
        </ActionForm>
    }
}

/// Shown where a page's data could not be loaded.
#[component]
pub fn LoadError(error: crate::ui::error::UiError) -> impl IntoView {
    let sign_in_again = error.kind == UiErrorKind::Unauthenticated;
    view! {
        <div role="alert" class="rounded-md border border-amber-300 bg-amber-50 p-4 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
            <p>{error.message}</p>
            <Show when=move || sign_in_again>
                <a class="underline" href="/sign-in">"Sign in"</a>
            </Show>
        </div>
    }
}
