//! The browser console: the HTML shell, the routes, and the pages. Pages reach data only
//! through server functions (`server_fns`), which are thin adapters over the domain.

pub mod components;
pub mod error;
pub mod model;
pub mod pages;
pub mod server_fns;
pub mod typed;
pub mod url;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, SsrMode,
    components::{ParentRoute, Route, Router, Routes},
    path,
};

use pages::{
    lazy::{
        AccountRoute, AppShellRoute, AuditLogRoute, DashboardRoute, ExplorerRoute, GroupsRoute, MemberTokensRoute,
        MembersRoute, MyTokensRoute, OrganizationRoute, OrganizationsRoute, PoliciesRoute, PolicyEditorRoute,
        RoleComposerRoute, RolesRoute, SchemaRoute, SsoChoiceRoute, SsoSetupRoute, UsersRoute,
    },
    not_found::NotFoundPage,
    sessions::sign_in::SignInPage,
};

/// Tests (and people) can tell that the page is interactive from this attribute, set once
/// hydration has finished (`crate::hydrate`), the page's own WebAssembly chunk included.
#[cfg(feature = "hydrate")]
pub fn mark_hydrated() {
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

/// The HTML document around the app. The hydration scripts carry this response's CSP nonce.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" type="image/svg+xml" href="/warden.svg"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="Warden"/>
        <Router>
            <Routes fallback=NotFoundPage>
                // Async: each page is sent once its data is read, whole, so that it works
                // without JavaScript (out-of-order chunks need a script to be put in place) and
                // its <title>, set where the data is, is in the head (in-order streaming sends
                // the head before the page's data, and the tab said "Warden" everywhere).
                <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/sign-in/sso") view={Lazy::<SsoChoiceRoute>::new()} ssr=SsrMode::Async/>
                <ParentRoute path=path!("") view={Lazy::<AppShellRoute>::new()} ssr=SsrMode::Async>
                    <Route path=path!("") view={Lazy::<DashboardRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("tokens") view={Lazy::<MyTokensRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("orgs") view={Lazy::<OrganizationsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id") view={Lazy::<OrganizationRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/members") view={Lazy::<MembersRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/groups") view={Lazy::<GroupsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/tokens") view={Lazy::<MemberTokensRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/sso") view={Lazy::<SsoSetupRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/audit") view={Lazy::<AuditLogRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/roles") view={Lazy::<RolesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/roles/new") view={Lazy::<RoleComposerRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/roles/:role_id") view={Lazy::<RoleComposerRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/policies") view={Lazy::<PoliciesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/policies/new") view={Lazy::<PolicyEditorRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/policies/:policy_id") view={Lazy::<PolicyEditorRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("users") view={Lazy::<UsersRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("schema") view={Lazy::<SchemaRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("explorer") view={Lazy::<ExplorerRoute>::new()} ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
