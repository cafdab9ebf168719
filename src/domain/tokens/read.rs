//! Reading tokens: your own, an organization's members' (for admins with `token:read`), a
//! member's live ones, and an organization's token policy. Never a secret.

use super::{
    OwnTokenPage, Token, TokenFilter, TokenPage, TokenPolicy, TokenStatus,
    storage::{self, MemberTokens, StoredToken},
};
use crate::domain::{Actor, Domain, DomainError, DomainResult, Timestamp, authz::permissions::Permission, cursor};

/// How many tokens an admin's page reads from the database at a time, and at most per page.
const SCAN_BATCH: usize = 200;
const MAX_SCANNED: usize = 5_000;
/// How many organizations the tokens of a count may be restricted to, each checked for sight.
const MAX_COUNTED_ORGANIZATIONS: usize = 200;

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
        restricted_org_name: stored.restricted_org_name,
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
    pub(super) async fn present_all(&self, stored: Vec<StoredToken>) -> DomainResult<Vec<Token>> {
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

    /// A page of the actor's own tokens, newest first (revoked and expired ones too), after
    /// `cursor`.
    pub async fn my_tokens(&self, actor: &Actor, cursor: Option<&str>, limit: usize) -> DomainResult<OwnTokenPage> {
        let user_id = actor.user_id()?;
        let after = cursor.map(cursor::decode).transpose()?;
        let after = after.as_ref().map(|(created, id)| (created.as_str(), id.as_str()));
        let mut stored = storage::of_user(&self.db, user_id, after, limit + 1).await?;
        let next_cursor = cursor::page_end(&mut stored, limit, |t| (&t.created_at, &t.id));
        Ok(OwnTokenPage {
            tokens: self.present_all(stored).await?,
            total: storage::count_of_user(&self.db, user_id).await?,
            next_cursor,
        })
    }

    /// One of the actor's own tokens; anyone else's answers like one that does not exist.
    pub async fn my_token(&self, actor: &Actor, token_id: &str) -> DomainResult<Token> {
        let stored = self.own_stored_token(actor, token_id).await?;
        self.present_one(stored).await
    }

    /// Whether `secret` is the secret of one of the actor's own tokens.
    pub async fn is_own_secret(&self, actor: &Actor, secret: &str) -> DomainResult<bool> {
        let user_id = actor.user_id()?;
        let stored = storage::find_by_hash(&self.db, &super::secret::hash(secret)).await?;
        Ok(stored.is_some_and(|t| t.user_id == user_id))
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
        let mut position = after.map(cursor::decode).transpose()?;
        let mut page = Vec::new();
        let mut scanned = 0;
        // The status beyond "revoked" depends on each creator's policy, so it is filtered here,
        // batch by batch; a page stops early (with a cursor) after MAX_SCANNED tokens.
        let exhausted = loop {
            let at = position.as_ref().map(|(created, id): &(String, String)| (created.as_str(), id.as_str()));
            let batch = storage::of_members(&self.db, &org.id, &query, at, SCAN_BATCH).await?;
            let fetched = batch.len();
            scanned += fetched;
            if let Some(last) = batch.last() {
                position = Some((last.created_at.clone(), last.id.clone()));
            }
            for token in self.present_all(batch).await? {
                if filter.status.is_none_or(|s| s == token.status) && self.may_read_restriction(actor, &token).await? {
                    page.push(token);
                }
            }
            if fetched < SCAN_BATCH {
                break true;
            }
            if page.len() > limit || scanned >= MAX_SCANNED {
                break false;
            }
        };
        let has_more = page.len() > limit || !exhausted;
        page.truncate(limit);
        let resume = if page.len() == limit {
            page.last().map(|t| (t.created_at.clone(), t.token_id.clone()))
        } else {
            position
        };
        let next_cursor = has_more.then(|| resume.map(|(created, id)| cursor::encode(&created, &id))).flatten();
        let total = match filter.status {
            None | Some(TokenStatus::Revoked) => self.count_member_tokens(actor, &org.id, &query).await?,
            Some(_) => None,
        };
        let may_revoke = self.may(actor, &org.id, &Permission::new("token", "revoke")).await?;
        Ok(TokenPage { total, has_more, next_cursor, may_revoke, tokens: page })
    }

    /// How many tokens match, counting only those the actor may see (unrestricted, or restricted
    /// to an organization the actor may see); unknown past [`MAX_COUNTED_ORGANIZATIONS`].
    async fn count_member_tokens(
        &self,
        actor: &Actor,
        org_id: &str,
        query: &MemberTokens<'_>,
    ) -> DomainResult<Option<usize>> {
        let groups = storage::count_of_members(&self.db, org_id, query, MAX_COUNTED_ORGANIZATIONS + 1).await?;
        if groups.len() > MAX_COUNTED_ORGANIZATIONS {
            return Ok(None);
        }
        let mut total = 0;
        for (restricted_to, count) in groups {
            let visible = match restricted_to {
                Some(restricted_to) => self.may_see_organization(actor, &restricted_to).await?,
                None => true,
            };
            total += if visible { count } else { 0 };
        }
        Ok(Some(total))
    }

    /// Whether the actor may see where the token is restricted to: a token restricted to an
    /// organization the actor may not see is left out, as if it did not exist.
    async fn may_read_restriction(&self, actor: &Actor, token: &Token) -> DomainResult<bool> {
        match &token.restriction.org_id {
            Some(org_id) => self.may_see_organization(actor, org_id).await,
            None => Ok(true),
        }
    }

    /// A member's tokens that still work, for the member drawer: `None` when the actor may not
    /// read tokens there (`token:read`).
    pub async fn member_tokens(&self, actor: &Actor, org_id: &str, user_id: &str) -> DomainResult<Option<Vec<Token>>> {
        let org = self.visible_organization(actor, org_id).await?;
        if !self.may(actor, &org.id, &Permission::new("token", "read")).await? {
            return Ok(None);
        }
        let user = self.visible_user(actor, user_id).await?;
        let query = MemberTokens { creator_id: Some(&user.id), revoked: Some(false), unused_since: None };
        let stored = storage::of_members(&self.db, &org.id, &query, None, MAX_SCANNED).await?;
        let mut tokens = Vec::new();
        for token in self.present_all(stored).await? {
            let usable = matches!(token.status, TokenStatus::Active | TokenStatus::ExceedsPolicy);
            if usable && self.may_read_restriction(actor, &token).await? {
                tokens.push(token);
            }
        }
        Ok(Some(tokens))
    }

    /// The organization's token policy (needs `org:read`; the default when it has none).
    pub async fn organization_token_policy(&self, actor: &Actor, org_id: &str) -> DomainResult<TokenPolicy> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("org", "read")).await?;
        Ok(storage::policy(self.db.pool(), &org.id).await?.unwrap_or_default())
    }
}
