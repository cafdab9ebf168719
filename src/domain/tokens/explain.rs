//! "Can this token do this here, and why?": its creator's decision, and what its restriction
//! says, side by side.

use serde::Serialize;

use super::{Token, TokenStatus, storage};
use crate::domain::{
    Actor, Domain, DomainResult,
    authz::{RestrictionCheck, permissions::Permission},
    explorer::AccessExplanation,
    tokens::read::token_not_found,
};

#[derive(Debug, Clone, Serialize)]
pub struct TokenAccessExplanation {
    pub allowed: bool,
    pub summary: String,
    pub token: Token,
    /// Whether the token still works at all (not revoked nor expired).
    pub usable: bool,
    pub restriction: RestrictionCheck,
    /// The creator's own decision, explained as for any user.
    pub creator: AccessExplanation,
}

impl Domain {
    /// Explains `permission` at the organization for a token: the actor's own, or (with
    /// `token:read` and `member:read` there) a token of one of its members.
    pub async fn explain_token_access(
        &self,
        actor: &Actor,
        org_id: &str,
        token_id: &str,
        permission: &str,
    ) -> DomainResult<TokenAccessExplanation> {
        let org = self.visible_organization(actor, org_id).await?;
        let stored = storage::find(&self.db, token_id).await?.ok_or_else(|| token_not_found(token_id))?;
        let own = stored.user_id == actor.user_id()?;
        // Someone else's token the actor may not read answers like one that does not exist.
        let readable = own
            || (self.may(actor, &org.id, &Permission::new("token", "read")).await?
                && self.is_direct_member(&stored.user_id, &org.id).await?);
        if !readable {
            return Err(token_not_found(token_id));
        }
        let creator_id = stored.user_id.clone();
        let creator = self.explain_access(actor, &org.id, (!own).then_some(creator_id.as_str()), permission).await?;
        let parsed = crate::domain::explorer::parse_permission("body", permission)?;
        let restriction = self.restriction_allows(&stored.restriction, &org.id, &parsed).await?;
        let token = self.present_one(stored).await?;
        let usable = matches!(token.status, TokenStatus::Active | TokenStatus::ExceedsPolicy);
        let allowed = usable && restriction.both() && creator.allowed;
        let summary = if !usable {
            format!("No: the token is {}.", if token.status == TokenStatus::Revoked { "revoked" } else { "expired" })
        } else if !restriction.permission {
            format!("No: the token's restriction does not include {permission}.")
        } else if !restriction.organization {
            format!("No: the token is restricted to another part of the tree than \"{}\".", org.name)
        } else if !creator.allowed {
            format!("No: its creator may not. {}", creator.summary)
        } else {
            format!("Yes: its restriction allows it, and so do its creator's rights. {}", creator.summary)
        };
        Ok(TokenAccessExplanation { allowed, summary, token, usable, restriction, creator })
    }
}
