//! An API token as its creator and admins see it (never with its secret, but on creation), what
//! a request to create one says, and an organization's token policy.

use serde::Serialize;

use super::Secret;
use crate::domain::{Timestamp, TokenRestriction};

/// The longest a name may be.
pub const MAX_NAME_CHARS: usize = 100;
/// The most permission patterns one token's restriction may list.
pub const MAX_RESTRICTION_PERMISSIONS: usize = 200;
/// The most tokens one user may hold that are not revoked.
pub const MAX_TOKENS_PER_USER: i64 = 100;
/// The lifetimes offered, in days.
pub const LIFETIMES: [i64; 4] = [7, 30, 90, 365];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenStatus {
    Active,
    /// Active, but its own expiry lies beyond what its creator's organizations now allow: it
    /// stops working at the policy's limit instead.
    ExceedsPolicy,
    Expired,
    Revoked,
}

impl TokenStatus {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "active" => Some(Self::Active),
            "exceeds_policy" => Some(Self::ExceedsPolicy),
            "expired" => Some(Self::Expired),
            "revoked" => Some(Self::Revoked),
            _ => None,
        }
    }
}

/// A token, never with its secret.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Token {
    pub token_id: String,
    pub name: String,
    /// The secret's first characters, to tell tokens apart.
    pub prefix: String,
    pub restriction: TokenRestriction,
    /// The name of the organization the token is restricted to, if it is.
    pub restricted_org_name: Option<String>,
    pub created_at: String,
    /// `None`: no expiry.
    pub expires_at: Option<String>,
    /// When it stops working: its own expiry, or sooner if its creator's organizations' policy
    /// now allows less.
    pub effective_expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub last_used_addr: Option<String>,
    pub status: TokenStatus,
    pub revoked_at: Option<String>,
    /// Revoked by an admin rather than by its creator.
    pub revoked_by_admin: bool,
    pub creator_id: String,
    pub creator_email: String,
}

/// When a new token expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expiry {
    /// After this many days (one of [`LIFETIMES`]).
    Days(i64),
    /// At the end of this day (`YYYY-MM-DD`, UTC).
    Date(String),
    /// Never (only where every organization of the creator allows it).
    Never,
    /// Nothing chosen: this many days, or the creator's policy's limit if that is shorter.
    Default(i64),
}

#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    pub expiry: Expiry,
    pub restriction: TokenRestriction,
}

/// A token just made: the only time its secret is known.
#[derive(Debug, Clone)]
pub struct CreatedToken {
    pub token: Token,
    pub secret: Secret,
}

/// What an organization allows its members' tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TokenPolicy {
    pub max_lifetime_days: i64,
    pub allow_no_expiry: bool,
}

impl Default for TokenPolicy {
    fn default() -> Self {
        Self { max_lifetime_days: 365, allow_no_expiry: false }
    }
}

/// A change to a token policy: the fields given change, the others keep their value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenPolicyChanges {
    pub max_lifetime_days: Option<i64>,
    pub allow_no_expiry: Option<bool>,
}

impl TokenPolicyChanges {
    /// `current` with these changes.
    pub fn applied_to(self, current: TokenPolicy) -> TokenPolicy {
        TokenPolicy {
            max_lifetime_days: self.max_lifetime_days.unwrap_or(current.max_lifetime_days),
            allow_no_expiry: self.allow_no_expiry.unwrap_or(current.allow_no_expiry),
        }
    }
}

impl TokenPolicy {
    /// The most a policy may allow.
    pub const MAX_LIFETIME_DAYS: i64 = 3650;

    /// The strictest of several policies: the shortest lifetime, and no expiry only if all
    /// allow it.
    pub fn strictest(policies: impl IntoIterator<Item = TokenPolicy>) -> TokenPolicy {
        policies.into_iter().fold(
            TokenPolicy { max_lifetime_days: Self::MAX_LIFETIME_DAYS, allow_no_expiry: true },
            |a, b| TokenPolicy {
                max_lifetime_days: a.max_lifetime_days.min(b.max_lifetime_days),
                allow_no_expiry: a.allow_no_expiry && b.allow_no_expiry,
            },
        )
    }

    /// When a token created at `created`, expiring at `expires` (`None`: never), stops working
    /// under this policy: its own expiry, capped at the policy's lifetime (a token without expiry
    /// keeps none only while the policy allows it).
    pub fn effective_expiry(&self, created: Timestamp, expires: Option<Timestamp>) -> Option<Timestamp> {
        let cap = created.plus(time::Duration::days(self.max_lifetime_days));
        match (expires, self.allow_no_expiry) {
            (None, true) => None,
            (None, false) => Some(cap),
            (Some(expires), _) => Some(expires.min(cap)),
        }
    }
}

/// Which tokens an admin lists: by creator (id or email), status, and "not used for N days".
#[derive(Debug, Clone, Default)]
pub struct TokenFilter {
    pub creator: Option<String>,
    pub status: Option<TokenStatus>,
    pub dormant_days: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TokenPage {
    /// How many tokens match in all, when the database alone can count them (not for the
    /// statuses that depend on each creator's policy).
    pub total: Option<usize>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    /// Whether the reader may revoke these tokens (`token:revoke` there).
    pub may_revoke: bool,
    pub tokens: Vec<Token>,
}

/// A page of one's own tokens, newest first.
#[derive(Debug, Clone)]
pub struct OwnTokenPage {
    pub tokens: Vec<Token>,
    /// How many tokens the user made in all.
    pub total: i64,
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tightened_policy_caps_older_tokens() {
        let created = Timestamp::now();
        let in_days = |d: i64| created.plus(time::Duration::days(d));
        let policy = TokenPolicy { max_lifetime_days: 30, allow_no_expiry: false };
        assert_eq!(policy.effective_expiry(created, Some(in_days(7))), Some(in_days(7)));
        assert_eq!(policy.effective_expiry(created, Some(in_days(365))), Some(in_days(30)));
        assert_eq!(policy.effective_expiry(created, None), Some(in_days(30)));
        let open = TokenPolicy { max_lifetime_days: 30, allow_no_expiry: true };
        assert_eq!(open.effective_expiry(created, None), None);
    }

    #[test]
    fn the_strictest_policy_wins() {
        let loose = TokenPolicy { max_lifetime_days: 365, allow_no_expiry: true };
        let strict = TokenPolicy { max_lifetime_days: 30, allow_no_expiry: false };
        assert_eq!(TokenPolicy::strictest([loose, strict]), strict);
        assert_eq!(TokenPolicy::strictest([loose]), loose);
    }
}
