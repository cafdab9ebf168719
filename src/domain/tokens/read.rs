//! Reading tokens: your own, an organization's members' (for admins with `token:read`), a
//! member's live ones, and an organization's token policy. Never a secret.

use super::{
    Token, TokenFilter, TokenPage, TokenPolicy, TokenStatus,
    storage::{self, MemberTokens, StoredToken},
};
use crate::domain::{Actor, Domain, DomainError, DomainResult, Timestamp, authz::permissions::Permission, cursor};

pub(super) fn token_not_found(token_id: &str) -> DomainError {
    DomainError::NotFound { resource_type: "token", resource_id: token_id.to_owned() }
}

/// How the token stands now under its creator's policy.
fn status(stored: &StoredToken, policy: &TokenPolicy, now: Timestamp) -> (TokenStatus, Option<Timestamp>) {
    let created = Timestamp::parse(&stored.created_at).unwrap_or(now);
    let own = stored.expires_at.as_deref().and_then(Timestamp::parse);
    let effective = policy.effective_expiry(created, own);
    let status = if stored.revoked_at.is_some() {
        TokenStatus::Revoked
    } else if effective.is_some_and(|until| until <= now) {
        TokenStatus::Expired
    } else if effective != own {
        TokenStatus::ExceedsPolicy
    } else {
        TokenStatus::Active
    };
    (status, effective)
}

/// The token as its creator and admins see it.
pub(super) fn present(stored: StoredToken, policy: &TokenPolicy, now: Timestamp) -> Token {
    let (status, effective) = status(&stored, policy, now);
    Token {
        token_id: stored.id,
        name: stored.name,
        prefix: stored.prefix,
        restriction: stored.restriction,
        created_at: stored.created_at,
        expires_at: stored.expires_at,
        effective_expires_at: effective.map(Timestamp::to_rfc3339),
        last_used_at: stored.last_used_at,
        last_used_addr: stored.last_used_addr,
        status,
        revoked_at: stored.revoked_at,
        revoked_by_admin: stored.revoked_by_admin,
        creator_id: stored.user_id,
        creator_email: stored.creator_email,
    }
}

impl Domain {
    /// The policy that applies to the user's tokens (the strictest of their organizations').
    pub async fn token_policy_of(&self, user_id: &str) -> DomainResult<TokenPolicy> {
        let mut policies = storage::policies_of_users(&self.db, &[user_id.to_owned()]).await?;
        Ok(policies.remove(user_id).unwrap_or_default())
    }

    /// Stored tokens as their readers see them, each under its creator's policy.
    async fn present_all(&self, stored: Vec<StoredToken>) -> DomainResult<Vec<Token>> {
        let mut creators: Vec<String> = stored.iter().map(|t| t.user_id.clone()).collect();
        creators.sort();
        creators.dedup();
        let policies = storage::policies_of_users(&self.db, &creators).await?;
        let now = Timestamp::now();
        Ok(stored
            .into_iter()
            .map(|t| {
                let policy = policies.get(&t.user_id).copied().unwrap_or_default();
                present(t, &policy, now)
            })
            .collect())
    }

    /// The actor's own tokens, newest first.
    pub async fn my_tokens(&self, actor: &Actor) -> DomainResult<Vec<Token>> {
        let stored = storage::of_user(&self.db, actor.user_id()?).await?;
        self.present_all(stored).await
    }

    /// One of the actor's own tokens; anyone else's answers like one that does not exist.
    pub async fn my_token(&self, actor: &Actor, token_id: &str) -> DomainResult<Token> {
        let stored = self.own_stored_token(actor, token_id).await?;
        self.present_one(stored).await
    }

    pub(super) async fn present_one(&self, stored: StoredToken) -> DomainResult<Token> {
        let policy = self.token_policy_of(&stored.user_id).await?;
        Ok(present(stored, &policy, Timestamp::now()))
    }

    pub(super) async fn own_stored_token(&self, actor: &Actor, token_id: &str) -> DomainResult<StoredToken> {
        let user_id = actor.user_id()?;
        storage::find(&self.db, token_id)
            .await?
            .filter(|t| t.user_id == user_id)
            .ok_or_else(|| token_not_found(token_id))
    }

    /// The tokens of the organization's members (needs `token:read` there), newest first,
    /// filtered by creator (id or email, a member the actor may see), status and dormancy.
    pub async fn organization_tokens(
        &self,
        actor: &Actor,
        org_id: &str,
        filter: &TokenFilter,
        after: Option<&str>,
        limit: usize,
    ) -> DomainResult<TokenPage> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("token", "read")).await?;
        let creator = match filter.creator.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(creator) => Some(self.visible_user_by_id_or_email(actor, creator).await?.id),
            None => None,
        };
        let unused_since =
            filter.dormant_days.map(|days| Timestamp::now().minus(time::Duration::days(days)).to_rfc3339());
        let revoked = filter.status.map(|s| s == TokenStatus::Revoked);
        let query = MemberTokens { creator_id: creator.as_deref(), revoked, unused_since: unused_since.as_deref() };
        let stored = storage::of_members(&self.db, &org.id, &query).await?;
        let mut tokens = self.present_all(stored).await?;
        if let Some(status) = filter.status {
            tokens.retain(|t| t.status == status);
        }
        let total = tokens.len();
        let start = match after.map(cursor::decode).transpose()? {
            Some((created_at, id)) => tokens
                .iter()
                .position(|t| (t.created_at.as_str(), t.token_id.as_str()) < (created_at.as_str(), id.as_str())),
            None => Some(0),
        }
        .unwrap_or(tokens.len());
        let mut page: Vec<Token> = tokens.into_iter().skip(start).take(limit + 1).collect();
        let has_more = page.len() > limit;
        page.truncate(limit);
        let next_cursor = has_more.then(|| page.last().map(|t| cursor::encode(&t.created_at, &t.token_id))).flatten();
        Ok(TokenPage { total, has_more, next_cursor, tokens: page })
    }

    /// A member's tokens that still work (for the member drawer; needs `token:read` there).
    pub async fn member_tokens(&self, actor: &Actor, org_id: &str, user_id: &str) -> DomainResult<Vec<Token>> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("token", "read")).await?;
        let user = self.visible_user(actor, user_id).await?;
        let query = MemberTokens { creator_id: Some(&user.id), revoked: Some(false), unused_since: None };
        let mut tokens = self.present_all(storage::of_members(&self.db, &org.id, &query).await?).await?;
        tokens.retain(|t| matches!(t.status, TokenStatus::Active | TokenStatus::ExceedsPolicy));
        Ok(tokens)
    }

    /// The organization's token policy (needs `org:read`; the default when it has none).
    pub async fn organization_token_policy(&self, actor: &Actor, org_id: &str) -> DomainResult<TokenPolicy> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("org", "read")).await?;
        Ok(storage::policy(&self.db, &org.id).await?.unwrap_or_default())
    }
}
