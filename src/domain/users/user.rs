//! A user account: the type, its rules, and the shapes the API shows it in.

use serde::Serialize;

use crate::domain::{DomainError, DomainResult, FieldError, email};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum UserStatus {
    Active,
    Disabled,
    /// Created without a password: cannot sign in until one is set.
    Invited,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disabled => "disabled",
            Self::Invited => "invited",
        }
    }

    pub fn parse(text: &str) -> DomainResult<Self> {
        match text {
            "active" => Ok(Self::Active),
            "disabled" => Ok(Self::Disabled),
            "invited" => Ok(Self::Invited),
            other => Err(DomainError::Internal(format!("unknown user status {other:?}"))),
        }
    }
}

/// A user as the rest of Warden sees it: never with the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub status: UserStatus,
    /// Sessions carry the epoch they were made in; a newer epoch voids them.
    #[serde(skip)]
    pub session_epoch: i64,
    pub created_at: String,
    pub last_sign_in_at: Option<String>,
}

/// A new account, validated.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub full_name: String,
    pub password_hash: Option<String>,
}

impl NewUser {
    pub fn validate(email_input: &str, full_name: &str) -> DomainResult<(String, String)> {
        let mut errors = Vec::new();
        let email = email::validate("email", email_input).map_err(|e| errors.push(e)).ok();
        let full_name = full_name.trim();
        if full_name.is_empty() {
            errors.push(FieldError::new("full_name", "missing", "Full name is required"));
        } else if full_name.chars().count() > 200 {
            errors.push(FieldError::new("full_name", "too_long", "Full name must be at most 200 characters"));
        }
        match email {
            Some(email) if errors.is_empty() => Ok((email, full_name.to_owned())),
            _ => Err(DomainError::Invalid(errors)),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UserNames {
    pub first_name: String,
    pub last_name: String,
    pub preferred_name: String,
}

impl UserNames {
    /// The preferred name if there is one, else first and last name.
    pub fn full_name(&self) -> String {
        if !self.preferred_name.trim().is_empty() {
            return self.preferred_name.trim().to_owned();
        }
        format!("{} {}", self.first_name.trim(), self.last_name.trim()).trim().to_owned()
    }
}

/// What a user search matches against (see [`super::db::search_pattern`]): the email key
/// and the lower-cased full name.
pub fn search_key(email_key: &str, full_name: &str) -> String {
    format!("{email_key} {}", full_name.to_lowercase())
}

pub const MAX_NAME_PART_CHARS: usize = 100;

#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub email: String,
    pub names: UserNames,
    pub password: Option<String>,
    pub organization_id: String,
}

#[derive(Debug, Clone, Default)]
pub struct AccountChanges {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub preferred_name: Option<String>,
    /// `active` or `disabled`.
    pub status: Option<String>,
}

/// A user as the API shows one: never with the password hash.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Account {
    pub user_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub preferred_name: String,
    pub full_name: String,
    pub status: UserStatus,
    pub created_at: String,
    pub last_sign_in_at: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AccountFilter<'a> {
    pub q: Option<&'a str>,
    pub organization_id: Option<&'a str>,
    pub status: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccountPage {
    pub total: usize,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    /// The cursor of the page before this one (absent on the first page).
    pub previous_cursor: Option<String>,
    pub users: Vec<Account>,
}

pub(super) fn names_problems(names: &UserNames) -> Vec<FieldError> {
    [("first_name", &names.first_name), ("last_name", &names.last_name), ("preferred_name", &names.preferred_name)]
        .into_iter()
        .filter(|(_, value)| value.trim().chars().count() > MAX_NAME_PART_CHARS)
        .map(|(field, _)| FieldError::new(field, "too_long", format!("At most {MAX_NAME_PART_CHARS} characters")))
        .collect()
}
