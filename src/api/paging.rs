//! Paging, the same on every list endpoint: `limit` and `cursor`.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::domain::{DomainError, FieldError};

/// The query of a list that takes nothing but its page.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The page's size: 1 to 200, 50 if not given.
    pub limit: Option<i64>,
    /// Where the page starts: the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// A page's size when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 50;
/// The largest page any list serves.
pub const MAX_LIMIT: usize = 200;

/// `limit` if given (it must be within 1..=[`MAX_LIMIT`]), else [`DEFAULT_LIMIT`].
pub fn limit(given: Option<i64>) -> Result<usize, DomainError> {
    limit_within(given, DEFAULT_LIMIT, MAX_LIMIT)
}

/// `limit` if given (within 1..=`max`), else `default`: for the other references' own rules
/// (`src/api/compat/`).
pub fn limit_within(given: Option<i64>, default: usize, max: usize) -> Result<usize, DomainError> {
    let Some(given) = given else { return Ok(default) };
    match usize::try_from(given) {
        Ok(limit) if (1..=max).contains(&limit) => Ok(limit),
        _ => Err(DomainError::Invalid(vec![FieldError::query(
            "limit",
            "value_error.number.out_of_range",
            format!("limit must be between 1 and {max}"),
        )])),
    }
}
