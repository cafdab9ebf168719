//! API tokens as the token pages show them: never a secret, except the one just made.

use serde::{Deserialize, Serialize};

use crate::domain::schema::PermissionSchema;
#[cfg(feature = "ssr")]
use crate::ui::components::moment::to_the_minute;

/// A token in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub token_id: String,
    pub name: String,
    pub prefix: String,
    /// "Everything you may do", or the permissions and organization it is restricted to.
    pub restriction: String,
    pub created_at: String,
    /// When it stops working ("never" for no expiry).
    pub expires: String,
    pub last_used: String,
    /// `active`, `exceeds_policy`, `expired` or `revoked`.
    pub status: String,
    /// What the status column says ("revoked by an admin", "exceeds policy: stops …").
    pub status_label: String,
    pub creator_email: String,
    pub works: bool,
}

/// `/tokens`: your tokens, and what a new one may be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyTokensPage {
    /// The newest of your tokens.
    pub tokens: Vec<TokenRow>,
    /// How many tokens you made in all (revoked and expired ones too).
    pub total: i64,
    /// The lifetimes offered (those within your organizations' policy), in days.
    pub lifetimes: Vec<i64>,
    pub max_lifetime_days: i64,
    pub allow_no_expiry: bool,
    pub schema: PermissionSchema,
}

/// A token just made, with its secret: shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTokenSecret {
    pub name: String,
    pub secret: String,
}

/// `/orgs/:id/tokens`: the tokens of an organization's members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberTokensPage {
    pub org_name: String,
    /// Unknown for the statuses that depend on each creator's policy.
    pub total: Option<usize>,
    pub next_cursor: Option<String>,
    pub tokens: Vec<TokenRow>,
    pub may_revoke: bool,
    /// Whether the reader may open the organization's audit log (each token's history).
    pub may_read_history: bool,
    /// The creator filter names nobody the reader can see: what to say above the empty list.
    pub creator_problem: Option<String>,
}

#[cfg(feature = "ssr")]
impl TokenRow {
    pub fn new(token: crate::domain::tokens::Token) -> Self {
        use crate::domain::tokens::TokenStatus;
        let day = |at: &str| at.get(..10).unwrap_or(at).to_owned();
        let restriction = match (&token.restriction.permissions, &token.restricted_org_name) {
            (None, None) => "Everything you may do".to_owned(),
            (permissions, org) => {
                let what = permissions.as_ref().map(|p| p.join(", ")).unwrap_or_else(|| "every permission".into());
                match org {
                    Some(org) => format!("{what}; only in {org} and below"),
                    None => what,
                }
            }
        };
        let expires = token.effective_expires_at.as_deref().map(day).unwrap_or_else(|| "never".to_owned());
        let status_label = match token.status {
            TokenStatus::Active => "active".to_owned(),
            TokenStatus::ExceedsPolicy => format!("exceeds policy: stops on {expires}"),
            TokenStatus::Expired => "expired".to_owned(),
            TokenStatus::Revoked if token.revoked_by_admin => "revoked by an admin".to_owned(),
            TokenStatus::Revoked => "revoked".to_owned(),
        };
        let last_used = match (&token.last_used_at, &token.last_used_addr) {
            (Some(at), Some(addr)) if !addr.is_empty() => {
                format!("{} from {addr}", to_the_minute(at))
            }
            (Some(at), _) => to_the_minute(at),
            (None, _) => "never".to_owned(),
        };
        Self {
            works: matches!(token.status, TokenStatus::Active | TokenStatus::ExceedsPolicy),
            status: serde_json::to_value(token.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            token_id: token.token_id,
            name: token.name,
            prefix: token.prefix,
            restriction,
            created_at: day(&token.created_at),
            expires,
            last_used,
            status_label,
            creator_email: token.creator_email,
        }
    }
}
