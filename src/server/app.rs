//! The whole HTTP application: REST API, pages and server functions, static files, and the
//! middleware around them. Used by `warden serve` and by the integration tests alike.

use std::sync::{Arc, OnceLock};

use axum::{Router, middleware};
use leptos::prelude::provide_context;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use tower::{Layer, ServiceBuilder};

use super::{
    api_reference, compression, edge, identity, new_token, security, server_fn_status,
    session_cache::SessionCacheProbe, sessions, sso_sign_in, typed_values,
};
use crate::{domain::DomainResult, ui, web::AppState};

pub async fn router(state: AppState) -> DomainResult<Router> {
    Ok(router_with_probe(state).await?.0)
}

/// The application, and a probe on its session cache.
pub async fn router_with_probe(state: AppState) -> DomainResult<(Router, SessionCacheProbe)> {
    let routes = page_routes();
    let shell = {
        let options = state.leptos_options.clone();
        move || ui::shell(options.clone())
    };
    // The console's own middleware (sign-in redirects, the one-time token cookie, server
    // functions' statuses and refills) is layered around the console alone, so that an API
    // request does not pass through it. Each `ServiceBuilder` is one layer, outermost first:
    // layering one middleware at a time boxed each around the next, and every request cloned
    // the boxed chain once per middleware (a fifth of the CPU time of a small API request).
    let api = crate::api::router();
    let console = Router::new()
        .route(api_reference::PATH, axum::routing::get(api_reference::page))
        .route("/sso/start", axum::routing::post(sso_sign_in::start))
        .route("/sso/callback", axum::routing::get(sso_sign_in::callback))
        .leptos_routes_with_context(&state, routes, server_context(state.clone()), shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            server_context(state.clone()),
            ui::shell,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(middleware::from_fn(identity::require_sign_in_for_pages))
                .layer(middleware::from_fn_with_state(Arc::clone(&state.settings), new_token::reveal_new_token))
                .layer(middleware::from_fn(server_fn_status::server_fn_error_status))
                .layer(middleware::from_fn(typed_values::keep_typed_values)),
        );
    let app = api.merge(console).with_state(state.clone());
    // What every request passes through goes around the whole router, not around each route
    // (`Router::layer`): a route's layers are cloned with it on every request, each layer
    // cloning those under it again. Outermost first: compression (a plain tower layer, which
    // compresses what `edge` answered), `edge`, the session, who calls. The outer `Router` only
    // gives callers (the CLI, tests, benchmarks) the one type they serve.
    let app = middleware::from_fn_with_state(state.clone(), identity::authenticate).layer(app);
    let (app, probe) = sessions::with_sessions(app, &state.settings).await?;
    let app = ServiceBuilder::new()
        .layer(compression::layer())
        .layer(middleware::from_fn_with_state(Arc::clone(&state.settings), edge::edge))
        .service(app);
    let app = Router::new().fallback_service(app);
    Ok((app, probe))
}

/// The console's routes, listed once per process. Listing them renders the app with resource
/// loading suppressed by a process-wide flag, so a page rendering at that moment in another
/// app of the same process (the integration tests start many) waited forever on its data.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(ui::App)).clone()
}

/// What pages and server functions find in their context: the app state, and this
/// response's CSP nonce so that the hydration scripts may run.
fn server_context(state: AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    move || {
        provide_context(state.clone());
        let nonce = leptos::prelude::use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<security::CspNonce>().cloned());
        if let Some(nonce) = nonce {
            provide_context(leptos::nonce::Nonce::from_value(nonce.0));
        }
    }
}
