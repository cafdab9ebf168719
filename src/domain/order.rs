//! The order of a list of people (user accounts, an organization's members): by one column,
//! ascending or descending, written as clients and URLs write it (`name`, `-last_sign_in`).
//! Paging follows that order: a cursor holds the column's value and the id of the last person
//! served (see [`super::cursor`]).

use super::{DomainError, DomainResult, FieldError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeopleColumn {
    #[default]
    Email,
    Name,
    /// When the account was made.
    Created,
    /// When the person joined the organization (members only).
    Joined,
    /// The last sign-in; people who never signed in come first ascending, last descending.
    LastSignIn,
}

/// What the user list can be ordered by.
pub const USER_ORDERS: &[PeopleColumn] =
    &[PeopleColumn::Email, PeopleColumn::Name, PeopleColumn::Created, PeopleColumn::LastSignIn];
/// What an organization's member list can be ordered by.
pub const MEMBER_ORDERS: &[PeopleColumn] =
    &[PeopleColumn::Email, PeopleColumn::Name, PeopleColumn::Joined, PeopleColumn::LastSignIn];

impl PeopleColumn {
    pub fn name(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Name => "name",
            Self::Created => "created",
            Self::Joined => "joined",
            Self::LastSignIn => "last_sign_in",
        }
    }

    /// The id that breaks ties in this order, as SQL: the membership's for [`Self::Joined`]
    /// (so that the memberships' index gives the whole order), the user's otherwise.
    pub(crate) fn id_sql(self) -> &'static str {
        if self == Self::Joined { "m.user_id" } else { "u.id" }
    }

    /// The column's value as SQL over `users u` (and `memberships m` for [`Self::Joined`]).
    /// Never NULL, so that keyset comparisons hold; indexed on the same expressions.
    pub(crate) fn key_sql(self) -> &'static str {
        match self {
            Self::Email => "u.email_normalized",
            Self::Name => "LOWER(u.full_name)",
            Self::Created => "u.created_at",
            Self::Joined => "m.joined_at",
            Self::LastSignIn => "COALESCE(u.last_sign_in_at, '')",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PeopleOrder {
    pub column: PeopleColumn,
    pub descending: bool,
}

impl PeopleOrder {
    /// `sort` as written (`name`, `-name`; empty or absent: by email), one of `allowed`.
    pub fn parse(sort: Option<&str>, allowed: &[PeopleColumn]) -> DomainResult<Self> {
        let sort = sort.unwrap_or_default().trim();
        if sort.is_empty() {
            return Ok(Self::default());
        }
        let (descending, name) = match sort.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, sort),
        };
        match allowed.iter().find(|column| column.name() == name) {
            Some(column) => Ok(Self { column: *column, descending }),
            None => Err(unknown_sort(allowed)),
        }
    }

    /// This order, if a list that allows only `allowed` can be read in it (422 otherwise).
    pub(crate) fn within(self, allowed: &[PeopleColumn]) -> DomainResult<Self> {
        if allowed.contains(&self.column) { Ok(self) } else { Err(unknown_sort(allowed)) }
    }

    /// As written in a URL or query: `name`, `-name`.
    pub fn to_query(self) -> String {
        format!("{}{}", if self.descending { "-" } else { "" }, self.column.name())
    }

    /// The same column, the other way round.
    pub(crate) fn reversed(self) -> Self {
        Self { descending: !self.descending, ..self }
    }

    /// `ASC` or `DESC`, and the comparison that finds what comes after a key in this order.
    pub(crate) fn sql_direction(self) -> (&'static str, &'static str) {
        if self.descending { ("DESC", "<") } else { ("ASC", ">") }
    }
}

/// The 422 for a `sort` the list cannot be ordered by, naming those it can.
fn unknown_sort(allowed: &[PeopleColumn]) -> DomainError {
    let names: Vec<&str> = allowed.iter().map(|column| column.name()).collect();
    DomainError::Invalid(vec![FieldError::query(
        "sort",
        "value_error.sort",
        format!("Sort by one of {}, with a leading '-' for descending", names.join(", ")),
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_parameters_read_as_written_and_refuse_the_unknown() {
        let parse = |sort| PeopleOrder::parse(Some(sort), MEMBER_ORDERS);
        assert_eq!(parse("").ok(), Some(PeopleOrder::default()));
        assert_eq!(
            parse("-last_sign_in").ok(),
            Some(PeopleOrder { column: PeopleColumn::LastSignIn, descending: true })
        );
        assert_eq!(parse("name").map(PeopleOrder::to_query).ok(), Some("name".to_owned()));
        assert!(parse("created").is_err(), "members are ordered by when they joined, not by account age");
        assert!(PeopleOrder::parse(Some("joined"), USER_ORDERS).is_err());
        assert!(parse("--name").is_err());
        let joined = PeopleOrder { column: PeopleColumn::Joined, descending: false };
        assert!(joined.within(USER_ORDERS).is_err() && joined.within(MEMBER_ORDERS).is_ok());
    }
}
