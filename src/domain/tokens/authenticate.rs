//! Authenticating a request by the token it presents: at most one indexed look-up by the
//! secret's hash, cached for a second (see `cache`), and every presented text, well-formed or
//! not, known or not, takes the same path to the same refusal.

use std::sync::Arc;

use super::{
    Secret,
    cache::{USE_FLUSH_INTERVAL, Usable},
    secret::{self, constant_time_eq},
    storage,
};
use crate::domain::{ActingToken, Domain, DomainError, DomainResult, Timestamp, User, UserStatus};

impl Domain {
    /// The user a presented token acts for, and the token: refused (`Unauthenticated`) when the
    /// text is not a token Warden made, or its token is unknown, revoked or expired, or its
    /// creator is not active. Notes the use (time and client address) for the batch writer.
    pub async fn authenticate_token(
        &self,
        presented: &str,
        client_addr: Option<&str>,
    ) -> DomainResult<(User, ActingToken)> {
        // A malformed token costs the same look-up as an unknown one: every refusal takes the
        // same time (issue 14), whatever was wrong with the token.
        let hash = secret::hash(presented);
        let well_formed = Secret::parse(presented).is_some();
        let epoch = self.authz.epoch(&self.db).await?;
        let usable = match self.tokens.get(&hash, epoch) {
            Some(cached) => cached,
            None => {
                let usable = self.usable_token(&hash).await?.map(Arc::new);
                self.tokens.put(hash.clone(), epoch, usable.clone());
                usable
            }
        };
        let now = Timestamp::now();
        let Some(usable) = usable.filter(|u| {
            well_formed
                && constant_time_eq(&u.token.secret_hash, &hash)
                && u.effective_expires_at.is_none_or(|until| now < until)
        }) else {
            return Err(DomainError::Unauthenticated);
        };
        if self.tokens.note_use(&usable.token.id, client_addr) {
            self.start_use_writer();
        }
        let token = ActingToken {
            token_id: usable.token.id.clone(),
            name: usable.token.name.clone(),
            restriction: usable.token.restriction.clone(),
        };
        Ok((usable.creator.clone(), token))
    }

    /// What the hash stands for in the database: a token not revoked, of an active creator,
    /// with when it stops working under the creator's policy.
    async fn usable_token(&self, secret_hash: &str) -> DomainResult<Option<Usable>> {
        let Some(token) = storage::find_by_hash(&self.db, secret_hash).await? else { return Ok(None) };
        if token.revoked_at.is_some() || !token.creator_active {
            return Ok(None);
        }
        let Some(creator) = self.find_user(&token.user_id).await?.filter(|u| u.status == UserStatus::Active) else {
            return Ok(None);
        };
        let policy = self.token_policy_of(&creator.id).await?;
        let effective_expires_at = policy.effective_expiry(
            Timestamp::parse(&token.created_at).unwrap_or_else(Timestamp::now),
            token.expires_at.as_deref().and_then(Timestamp::parse),
        );
        Ok(Some(Usable { token, creator, effective_expires_at }))
    }

    /// Writes the uses of tokens gathered since the last write; returns how many. The batch
    /// writer calls this every few seconds; tests call it to see `last_used_at` at once.
    pub async fn flush_token_uses(&self) -> DomainResult<usize> {
        let uses = self.tokens.take_uses();
        storage::record_uses(&self.db, &uses).await?;
        Ok(uses.len())
    }

    /// Starts the batch writer, which stops once a round finds nothing to write.
    fn start_use_writer(&self) {
        let domain = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(USE_FLUSH_INTERVAL).await;
                match domain.flush_token_uses().await {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(error) => tracing::warn!(%error, "could not record the last use of API tokens"),
                }
            }
        });
    }
}
