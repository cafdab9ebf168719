//! The `limit` query parameter of list endpoints.

use crate::domain::{DomainError, FieldError};

/// `limit` if given (it must be within 1..=`max`), else `default`.
pub fn limit(given: Option<i64>, default: usize, max: usize) -> Result<usize, DomainError> {
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
