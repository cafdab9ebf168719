//! Shows a token made without JavaScript once (see `web::new_token`): on `/tokens`, takes the
//! carried token out of the request for the page, and clears the cookie in the same response
//! (decided here, before the page streams).

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};

use super::compression::Uncompressed;
use crate::{settings::Settings, web::new_token};

pub async fn reveal_new_token(State(settings): State<Arc<Settings>>, mut req: Request, next: Next) -> Response {
    if req.uri().path() != new_token::PAGE {
        return next.run(req).await;
    }
    let Some(revealed) = new_token::carried(req.headers()) else { return next.run(req).await };
    req.extensions_mut().insert(revealed);
    let mut response = next.run(req).await;
    response.extensions_mut().insert(Uncompressed);
    if let Ok(clear) = HeaderValue::from_str(&new_token::clearing_cookie(settings.cookies_secure())) {
        response.headers_mut().append(header::SET_COOKIE, clear);
    }
    response
}
