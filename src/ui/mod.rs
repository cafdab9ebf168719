//! The browser console: the HTML shell, the routes, and the pages. Pages reach data only
//! through server functions (`server_fns`), which are thin adapters over the domain.

pub mod components;
pub mod error;
pub mod model;
pub mod pages;
pub mod server_fns;
pub mod url;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{ParentRoute, Route, Router, Routes},
    path,
};

use components::layout::AppShell;
use pages::{
    audit::log::AuditLogPage,
    dashboard::DashboardPage,
    explorer::ExplorerPage,
    groups::GroupsPage,
    members::MembersPage,
    not_found::NotFoundPage,
    orgs::{detail::OrganizationPage, tree::OrganizationsPage},
    policies::{editor::PolicyEditorPage, list::PoliciesPage},
    roles::{composer::RoleComposerPage, list::RolesPage},
    schema::editor::SchemaPage,
    sessions::{account::AccountPage, sign_in::SignInPage},
    sso::{choose::SsoChoicePage, setup::SsoSetupPage},
    tokens::{members::MemberTokensPage, mine::MyTokensPage},
    users::UsersPage,
};

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
    // Tests (and people) can tell that the page is interactive from this attribute.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title text="Warden"/>
        <Router>
            <Routes fallback=NotFoundPage>
                // Async: each page is sent once its data is read, whole, so that it works
                // without JavaScript (out-of-order chunks need a script to be put in place) and
                // its <title>, set where the data is, is in the head (in-order streaming sends
                // the head before the page's data, and the tab said "Warden" everywhere).
                <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/sign-in/sso") view=SsoChoicePage ssr=SsrMode::Async/>
                <ParentRoute path=path!("") view=AppShell ssr=SsrMode::Async>
                    <Route path=path!("") view=DashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("tokens") view=MyTokensPage ssr=SsrMode::Async/>
                    <Route path=path!("orgs") view=OrganizationsPage ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id") view=OrganizationPage ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/members") view=MembersPage ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/groups") view=GroupsPage ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/tokens") view=MemberTokensPage ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/sso") view=SsoSetupPage ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/audit") view=AuditLogPage ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/roles") view=RolesPage ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/roles/new") view=RoleComposerPage ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/roles/:role_id") view=RoleComposerPage ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/policies") view=PoliciesPage ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/policies/new") view=PolicyEditorPage ssr=SsrMode::Async/>
                    <Route path=path!("orgs/:id/policies/:policy_id") view=PolicyEditorPage ssr=SsrMode::Async/>
                    <Route path=path!("users") view=UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("schema") view=SchemaPage ssr=SsrMode::Async/>
                    <Route path=path!("explorer") view=ExplorerPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
