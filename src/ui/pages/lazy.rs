//! Pages the browser downloads when it first shows them. A new visitor's first load carries the
//! sign-in page and what every page shares; each page behind it (and the signed-in layout) is
//! a WebAssembly chunk of its own, split off by `cargo leptos build --split`. On the server a
//! lazy page renders as any other, and the response preloads the chunks the page needs, so a
//! page opened directly hydrates without waiting for a second round trip.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// A route view that loads `$page` (a component without props) on demand.
macro_rules! lazy_page {
    ($($route:ident => $page:path;)*) => {$(
        #[doc = concat!("The route of [`", stringify!($page), "`], loaded on demand.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                untrack($page).into_any()
            }
        }
    )*};
}

lazy_page! {
    AppShellRoute => crate::ui::components::layout::AppShell;
    DashboardRoute => super::dashboard::DashboardPage;
    AccountRoute => super::sessions::account::AccountPage;
    SsoChoiceRoute => super::sso::choose::SsoChoicePage;
    MyTokensRoute => super::tokens::mine::MyTokensPage;
    OrganizationsRoute => super::orgs::tree::OrganizationsPage;
    OrganizationRoute => super::orgs::detail::OrganizationPage;
    MembersRoute => super::members::MembersPage;
    GroupsRoute => super::groups::GroupsPage;
    MemberTokensRoute => super::tokens::members::MemberTokensPage;
    SsoSetupRoute => super::sso::setup::SsoSetupPage;
    AuditLogRoute => super::audit::log::AuditLogPage;
    RolesRoute => super::roles::list::RolesPage;
    RoleComposerRoute => super::roles::composer::RoleComposerPage;
    PoliciesRoute => super::policies::list::PoliciesPage;
    PolicyEditorRoute => super::policies::editor::PolicyEditorPage;
    UsersRoute => super::users::UsersPage;
    SchemaRoute => super::schema::editor::SchemaPage;
    ExplorerRoute => super::explorer::ExplorerPage;
}
