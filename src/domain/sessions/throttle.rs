//! Sign-in throttling, per account and per client address.
//!
//! Failures are counted in the database over a sliding window, so every app server sees the
//! same counts. Unknown emails are throttled exactly like known ones, which keeps throttling
//! from revealing which accounts exist.

use sqlx::Row;
use time::Duration;

use crate::domain::{Database, DomainError, DomainResult, Timestamp, ids::new_id};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub window: Duration,
    pub max_failures_per_account: i64,
    pub max_failures_per_address: i64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self { window: Duration::minutes(15), max_failures_per_account: 5, max_failures_per_address: 20 }
    }
}

/// Failures seen inside the window, and when the oldest of them happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentFailures {
    pub for_account: i64,
    pub for_address: i64,
    pub oldest: Option<Timestamp>,
}

impl ThrottlePolicy {
    /// Refuses an attempt when either count has reached its limit; the error says how long
    /// until the oldest failure leaves the window.
    pub fn check(&self, failures: RecentFailures, now: Timestamp) -> DomainResult<()> {
        let limited = failures.for_account >= self.max_failures_per_account
            || failures.for_address >= self.max_failures_per_address;
        if !limited {
            return Ok(());
        }
        let waited = failures.oldest.map(|oldest| now.seconds_since(oldest)).unwrap_or(0);
        let retry_after_secs = (self.window.whole_seconds() - waited).max(1) as u64;
        Err(DomainError::TooManyAttempts { retry_after_secs })
    }

    pub async fn recent_failures(
        &self,
        db: &Database,
        email_key: &str,
        client_addr: &str,
    ) -> DomainResult<RecentFailures> {
        let since = Timestamp::now().minus(self.window).to_rfc3339();
        let row = sqlx::query(
            "SELECT \
               (SELECT COUNT(*) FROM sign_in_failures WHERE email_normalized = $1 AND at > $3) AS for_account, \
               (SELECT COUNT(*) FROM sign_in_failures WHERE client_addr = $2 AND at > $3) AS for_address, \
               (SELECT MIN(at) FROM sign_in_failures WHERE (email_normalized = $1 OR client_addr = $2) AND at > $3) AS oldest",
        )
        .bind(email_key)
        .bind(client_addr)
        .bind(since)
        .fetch_one(db.pool())
        .await?;
        Ok(RecentFailures {
            for_account: row.try_get("for_account")?,
            for_address: row.try_get("for_address")?,
            oldest: row.try_get::<Option<String>, _>("oldest")?.as_deref().and_then(Timestamp::parse),
        })
    }

    /// Claims one attempt before the password is checked: records it first, then counts it
    /// with the others, so that parallel guesses cannot all slip in under the limit. Above a
    /// limit the claim is withdrawn and the attempt refused. A claim that ends in a wrong
    /// password stays as the failure; a successful one is forgotten with the account's others.
    pub async fn claim_attempt(&self, db: &Database, email_key: &str, client_addr: &str) -> DomainResult<()> {
        let claim = self.record_failure(db, email_key, client_addr).await?;
        let counted = self.recent_failures(db, email_key, client_addr).await?;
        let before_this_one = RecentFailures {
            for_account: counted.for_account - 1,
            for_address: counted.for_address - 1,
            oldest: counted.oldest,
        };
        if let Err(refused) = self.check(before_this_one, Timestamp::now()) {
            sqlx::query("DELETE FROM sign_in_failures WHERE id = $1").bind(claim).execute(db.pool()).await?;
            return Err(refused);
        }
        Ok(())
    }

    /// Counts a failure, and forgets failures that have left the window; returns its id.
    async fn record_failure(&self, db: &Database, email_key: &str, client_addr: &str) -> DomainResult<String> {
        let now = Timestamp::now();
        let id = new_id();
        let mut tx = db.begin().await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE at <= $1")
            .bind(now.minus(self.window).to_rfc3339())
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO sign_in_failures (id, at, email_normalized, client_addr) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(now.to_rfc3339())
            .bind(email_key)
            .bind(client_addr)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// After a successful sign-in the account starts afresh (the address count stays).
    pub async fn forget_account(&self, db: &Database, email_key: &str) -> DomainResult<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE email_normalized = $1")
            .bind(email_key)
            .execute(db.pool())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failures(for_account: i64, for_address: i64, oldest: Option<Timestamp>) -> RecentFailures {
        RecentFailures { for_account, for_address, oldest }
    }

    #[test]
    fn allows_attempts_below_both_limits() {
        let policy = ThrottlePolicy::default();
        assert!(policy.check(failures(0, 0, None), Timestamp::now()).is_ok());
        assert!(policy.check(failures(4, 19, Some(Timestamp::now())), Timestamp::now()).is_ok());
    }

    #[test]
    fn refuses_at_the_account_limit() {
        let policy = ThrottlePolicy::default();
        let result = policy.check(failures(5, 5, Some(Timestamp::now())), Timestamp::now());
        assert!(matches!(result, Err(DomainError::TooManyAttempts { .. })));
    }

    #[test]
    fn refuses_at_the_address_limit_whatever_the_account() {
        let policy = ThrottlePolicy::default();
        let result = policy.check(failures(0, 20, Some(Timestamp::now())), Timestamp::now());
        assert!(matches!(result, Err(DomainError::TooManyAttempts { .. })));
    }

    #[test]
    fn retry_after_counts_down_from_the_oldest_failure() {
        let policy = ThrottlePolicy::default();
        let now = Timestamp::now();
        let oldest = now.minus(Duration::minutes(10));
        let Err(DomainError::TooManyAttempts { retry_after_secs }) = policy.check(failures(5, 5, Some(oldest)), now)
        else {
            panic!("expected throttling");
        };
        assert!((299..=300).contains(&retry_after_secs), "{retry_after_secs}");
    }
}
