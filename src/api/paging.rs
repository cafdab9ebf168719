//! The `limit` query parameter, the same on every list endpoint.

use crate::domain::{DomainError, FieldError};

/// A page's size when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 50;
/// The largest page any list serves.
pub const MAX_LIMIT: usize = 200;

/// `limit` if given (it must be within 1..=[`MAX_LIMIT`]), else [`DEFAULT_LIMIT`].
pub fn limit(given: Option<i64>) -> Result<usize, DomainError> {
    let Some(given) = given else { return Ok(DEFAULT_LIMIT) };
    match usize::try_from(given) {
        Ok(limit) if (1..=MAX_LIMIT).contains(&limit) => Ok(limit),
        _ => Err(DomainError::Invalid(vec![FieldError::query(
            "limit",
            "value_error.number.out_of_range",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        )])),
    }
}
