//! Optimistic concurrency over HTTP. A single object that has a `version` answers a GET with
//! it as its `ETag` (`"3"`); a change may send it back in `If-Match` instead of, or as well as,
//! the body's `version`. Either is optional; when given and stale, the change is a 409, and
//! nothing is written.

use axum::{
    Json,
    extract::FromRequestParts,
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use serde::Serialize;

use super::error::{ApiError, ApiResult};
use crate::domain::{DomainError, FieldError};

/// `If-Match` as the OpenAPI document describes it (handlers read it through [`IfMatch`]).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // Described to clients only.
pub struct IfMatchHeader {
    /// The version last read, as its ETag (`"3"`), or `*` for any; a stale one is 409.
    #[param(rename = "If-Match")]
    if_match: Option<String>,
}

/// The version named by a request's `If-Match` header: `None` without one, or for `*` (any
/// current version).
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts.headers.get(header::IF_MATCH).map_or(Ok(None), parse).map(Self)
    }
}

impl IfMatch {
    /// The version the change expects: the header's or the body's (the same one when both are
    /// given), or none.
    pub fn expected(self, body_version: Option<i64>) -> ApiResult<Option<i64>> {
        match (self.0, body_version) {
            (Some(header), Some(body)) if header != body => Err(ApiError::status(
                StatusCode::CONFLICT,
                "CONFLICT",
                format!("If-Match names version {header} and the body's version is {body}: send one of them"),
            )),
            (header, body) => Ok(header.or(body)),
        }
    }
}

/// An `ETag` as this API gives it (`"3"`, or weak `W/"3"`); `*` matches any version.
fn parse(value: &HeaderValue) -> ApiResult<Option<i64>> {
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    let tag = text.strip_prefix("W/").unwrap_or(text);
    match tag.strip_prefix('"').and_then(|tag| tag.strip_suffix('"')).map(str::parse::<i64>) {
        Some(Ok(version)) => Ok(Some(version)),
        _ => {
            let msg = "If-Match takes one ETag as a GET of this object returned it, such as \"3\", or *";
            let loc = vec!["header".to_owned(), "If-Match".to_owned()];
            Err(DomainError::Invalid(vec![FieldError { loc, msg: msg.into(), kind: "value_error".into() }]).into())
        }
    }
}

/// A single object answered with its version as its `ETag`.
pub struct Versioned<T>(pub i64, pub T);

impl<T: Serialize> IntoResponse for Versioned<T> {
    fn into_response(self) -> Response {
        let Self(version, body) = self;
        ([(header::ETAG, format!("\"{version}\""))], Json(body)).into_response()
    }
}
