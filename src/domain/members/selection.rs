//! Which members a question or a bulk change is about, as SQL over `memberships m`.

use crate::domain::{DomainError, DomainResult, FieldError, db, fields, order::PeopleColumn};

/// The most users one bulk change may name (selecting every match has no such limit).
pub const MAX_BULK_USERS: usize = 1000;

/// Which members a bulk change applies to: these users, or every member matching a filter
/// (all of them, not just the page on screen).
#[derive(Debug, Clone, Copy)]
pub enum MemberSelection<'a> {
    Users(&'a [String]),
    Matching { q: Option<&'a str>, role_id: Option<&'a str>, status: Option<&'a str> },
}

impl MemberSelection<'_> {
    /// Named users: at most [`MAX_BULK_USERS`], each once.
    pub fn check(&self) -> DomainResult<()> {
        let Self::Users(ids) = self else { return Ok(()) };
        let repeated = fields::repeated_items("user_ids", ids.iter(), MAX_BULK_USERS)
            .map_err(|e| DomainError::Invalid(vec![e]))?;
        match repeated.iter().min() {
            Some(index) => Err(DomainError::Invalid(vec![FieldError::item(
                "user_ids",
                Some(*index),
                "duplicate",
                format!("{} is listed twice", ids[*index]),
            )])),
            None => Ok(()),
        }
    }

    /// A condition on `memberships m` selecting these members, with its values, `$1` being
    /// the organization's id.
    pub(crate) fn condition(&self, org_id: &str) -> (String, Vec<String>) {
        match self {
            Self::Users(ids) => (
                format!("m.org_id = $1 AND m.user_id IN ({})", db::placeholders(2, ids.len().max(1))),
                std::iter::once(org_id.to_owned())
                    .chain(ids.iter().cloned())
                    .chain(ids.is_empty().then(String::new))
                    .collect(),
            ),
            Self::Matching { q, role_id, status } => (
                MATCHES.to_owned(),
                vec![
                    org_id.to_owned(),
                    db::search_pattern(*q),
                    role_id.unwrap_or_default().to_owned(),
                    status.unwrap_or_default().to_owned(),
                ],
            ),
        }
    }

    /// `FROM memberships m WHERE ...` selecting these members, with its values.
    pub(crate) fn in_memberships(&self, org_id: &str) -> (String, Vec<String>) {
        let (condition, values) = self.condition(org_id);
        (format!("FROM memberships m WHERE {condition}"), values)
    }

    /// How to read these members' rows in listing order by `column`. Named users are looked
    /// up by their membership, and so is the order of joining (by the memberships' index).
    /// Otherwise the users are walked in the column's order (an index on `users` each) and each
    /// checked for membership, which stops at the end of the page however large the
    /// organization is, where starting from its memberships would sort them all first.
    /// (`CROSS JOIN` makes SQLite keep the order; PostgreSQL plans the join itself.)
    pub(super) fn join_order(&self, column: PeopleColumn) -> &'static str {
        match (self, column) {
            (Self::Users(_), _) | (_, PeopleColumn::Joined) => "memberships m CROSS JOIN users u",
            (Self::Matching { .. }, _) => "users u CROSS JOIN memberships m",
        }
    }
}

/// Members matching a search (`$2`), holding a role (`$3`), with a status (`$4`); each is
/// ignored when empty, and without a search or status no user row is read.
const MATCHES: &str = "m.org_id = $1 \
     AND ($3 = '' OR EXISTS (SELECT 1 FROM membership_roles mr WHERE mr.org_id = m.org_id AND mr.user_id = m.user_id AND mr.role_id = $3)) \
     AND (($2 = '' AND $4 = '') OR EXISTS (SELECT 1 FROM users s WHERE s.id = m.user_id \
          AND ($2 = '' OR s.search_key LIKE $2) AND ($4 = '' OR s.status = $4)))";
