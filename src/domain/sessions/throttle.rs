//! Sign-in throttling, shaped so that it cannot be turned against an account's owner.
//!
//! Failures are counted in the database over a sliding window, so every app server sees the
//! same counts; unknown emails are throttled exactly like known ones, which keeps throttling
//! from revealing which accounts exist. Within the window ([`ThrottlePolicy::default`]):
//! - one client address may fail 20 times in all (any accounts); then that address waits;
//! - one address may fail 5 times for one account; then it waits for that account;
//! - an account failed 10 times (from anywhere) is not locked but slowed: each further attempt
//!   must come 1, 2, 4, ... up to 60 seconds after its latest failure. Many addresses guessing
//!   one account get a guess a minute at best, while its owner, from an address without
//!   failures, signs in at once below that ceiling and within a minute above it.
//!
//! Refused attempts are counted per account and address ([`ThrottlePolicy::count_refused`]);
//! the audit log gets one event per minute of such a run, not a row per attempt.

use sqlx::Row;
use time::Duration;

use crate::domain::{Database, DomainError, DomainResult, Timestamp, ids::new_id};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub window: Duration,
    /// Failures from one address, for any accounts.
    pub max_failures_per_address: i64,
    /// Failures from one address for one account.
    pub max_failures_per_address_and_account: i64,
    /// Failures for one account past which its attempts are spaced out.
    pub account_ceiling: i64,
    /// The longest spacing between attempts on an account past the ceiling.
    pub max_account_delay: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            window: Duration::minutes(15),
            max_failures_per_address: 20,
            max_failures_per_address_and_account: 5,
            account_ceiling: 10,
            max_account_delay: Duration::seconds(60),
        }
    }
}

/// Failures seen inside the window before the attempt being decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecentFailures {
    pub for_account: i64,
    pub for_address: i64,
    pub for_address_and_account: i64,
    /// The oldest failure from the address (for any account), and for the account from it.
    pub oldest_for_address: Option<Timestamp>,
    pub oldest_for_address_and_account: Option<Timestamp>,
    /// The latest failure for the account, from anywhere.
    pub latest_for_account: Option<Timestamp>,
}

impl ThrottlePolicy {
    /// Refuses an attempt that one of the rules holds back; the error says how long to wait.
    pub fn check(&self, failures: RecentFailures, now: Timestamp) -> DomainResult<()> {
        let until_window_forgets = |oldest: Option<Timestamp>| {
            let waited = oldest.map(|oldest| now.seconds_since(oldest)).unwrap_or(0);
            self.window.whole_seconds() - waited
        };
        let mut wait = 0;
        if failures.for_address >= self.max_failures_per_address {
            wait = wait.max(until_window_forgets(failures.oldest_for_address));
        }
        if failures.for_address_and_account >= self.max_failures_per_address_and_account {
            wait = wait.max(until_window_forgets(failures.oldest_for_address_and_account));
        }
        if failures.for_account >= self.account_ceiling
            && let Some(latest) = failures.latest_for_account
        {
            let delay = self.account_delay(failures.for_account).whole_seconds();
            wait = wait.max(delay - now.seconds_since(latest));
        }
        if wait > 0 { Err(DomainError::TooManyAttempts { retry_after_secs: wait as u64 }) } else { Ok(()) }
    }

    /// The spacing between attempts on an account with `failures` in the window: doubling from
    /// one second at the ceiling, up to [`Self::max_account_delay`].
    pub fn account_delay(&self, failures: i64) -> Duration {
        let past = (failures - self.account_ceiling).clamp(0, 30) as u32;
        Duration::seconds(1_i64 << past).min(self.max_account_delay)
    }

    async fn recent_failures(
        &self,
        db: &Database,
        email_key: &str,
        client_addr: &str,
        except: &str,
    ) -> DomainResult<RecentFailures> {
        let since = Timestamp::now().minus(self.window).to_rfc3339();
        let row = sqlx::query(
            "SELECT \
               (SELECT COUNT(*) FROM sign_in_failures WHERE email_normalized = $1 AND at > $3 AND id <> $4) AS for_account, \
               (SELECT COUNT(*) FROM sign_in_failures WHERE client_addr = $2 AND at > $3 AND id <> $4) AS for_address, \
               (SELECT COUNT(*) FROM sign_in_failures WHERE email_normalized = $1 AND client_addr = $2 AND at > $3 \
                  AND id <> $4) AS for_pair, \
               (SELECT MIN(at) FROM sign_in_failures WHERE client_addr = $2 AND at > $3 AND id <> $4) AS oldest_address, \
               (SELECT MIN(at) FROM sign_in_failures WHERE email_normalized = $1 AND client_addr = $2 AND at > $3 \
                  AND id <> $4) AS oldest_pair, \
               (SELECT MAX(at) FROM sign_in_failures WHERE email_normalized = $1 AND at > $3 AND id <> $4) AS latest_account",
        )
        .bind(email_key)
        .bind(client_addr)
        .bind(since)
        .bind(except)
        .fetch_one(db.pool())
        .await?;
        let at = |column: &str| -> DomainResult<Option<Timestamp>> {
            Ok(row.try_get::<Option<String>, _>(column)?.as_deref().and_then(Timestamp::parse))
        };
        Ok(RecentFailures {
            for_account: row.try_get("for_account")?,
            for_address: row.try_get("for_address")?,
            for_address_and_account: row.try_get("for_pair")?,
            oldest_for_address: at("oldest_address")?,
            oldest_for_address_and_account: at("oldest_pair")?,
            latest_for_account: at("latest_account")?,
        })
    }

    /// Claims one attempt before the password is checked: records it first, then counts the
    /// others, so that parallel guesses cannot all slip in under a limit. A refused attempt's
    /// claim is withdrawn. A claim that ends in a wrong password stays as the failure; a
    /// successful one is forgotten with the account's others.
    pub async fn claim_attempt(&self, db: &Database, email_key: &str, client_addr: &str) -> DomainResult<()> {
        let claim = self.record_failure(db, email_key, client_addr).await?;
        let before_this_one = self.recent_failures(db, email_key, client_addr, &claim).await?;
        if let Err(refused) = self.check(before_this_one, Timestamp::now()) {
            sqlx::query("DELETE FROM sign_in_failures WHERE id = $1").bind(claim).execute(db.pool()).await?;
            return Err(refused);
        }
        Ok(())
    }

    /// Counts a refused attempt at `now`. The audit log gets one event per minute of a run
    /// for an account and address: the first refusal of each minute answers how many
    /// refusals that event records (itself and those since the previous event); the others
    /// answer `None`.
    pub async fn count_refused(
        &self,
        db: &Database,
        email_key: &str,
        client_addr: &str,
        now: Timestamp,
    ) -> DomainResult<Option<i64>> {
        let since = now.minus(self.window).to_rfc3339();
        // Every SET expression reads the row as it was before this refusal.
        let to_record: i64 = sqlx::query(
            "INSERT INTO sign_in_throttled \
               (email_normalized, client_addr, first_at, last_at, attempts, minute, unrecorded, to_record) \
             VALUES ($1, $2, $3, $3, 1, $5, 0, 1) \
             ON CONFLICT (email_normalized, client_addr) DO UPDATE SET \
               attempts = CASE WHEN sign_in_throttled.last_at > $4 THEN sign_in_throttled.attempts + 1 ELSE 1 END, \
               first_at = CASE WHEN sign_in_throttled.last_at > $4 THEN sign_in_throttled.first_at ELSE $3 END, \
               to_record = CASE \
                 WHEN sign_in_throttled.last_at <= $4 THEN 1 \
                 WHEN sign_in_throttled.minute = $5 THEN 0 \
                 ELSE sign_in_throttled.unrecorded + 1 END, \
               unrecorded = CASE \
                 WHEN sign_in_throttled.last_at > $4 AND sign_in_throttled.minute = $5 \
                   THEN sign_in_throttled.unrecorded + 1 \
                 ELSE 0 END, \
               minute = $5, \
               last_at = $3 \
             RETURNING to_record",
        )
        .bind(email_key)
        .bind(client_addr)
        .bind(now.to_rfc3339())
        .bind(since)
        .bind(now.minute())
        .fetch_one(db.pool())
        .await?
        .try_get("to_record")?;
        Ok(Some(to_record).filter(|n| *n > 0))
    }

    /// Counts a failure, and forgets failures and refusals that have left the window; returns
    /// its id.
    async fn record_failure(&self, db: &Database, email_key: &str, client_addr: &str) -> DomainResult<String> {
        let now = Timestamp::now();
        let forgotten = now.minus(self.window).to_rfc3339();
        let id = new_id();
        let mut tx = db.begin().await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE at <= $1").bind(&forgotten).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM sign_in_throttled WHERE last_at <= $1").bind(&forgotten).execute(&mut *tx).await?;
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

    /// After a successful sign-in the account starts afresh (the address counts stay).
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

    fn ago(now: Timestamp, seconds: i64) -> Option<Timestamp> {
        Some(now.minus(Duration::seconds(seconds)))
    }

    fn refused_for(result: DomainResult<()>) -> Option<u64> {
        match result {
            Ok(()) => None,
            Err(DomainError::TooManyAttempts { retry_after_secs }) => Some(retry_after_secs),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn below_every_limit_attempts_go_through() {
        let policy = ThrottlePolicy::default();
        let now = Timestamp::now();
        assert_eq!(refused_for(policy.check(RecentFailures::default(), now)), None);
        let busy = RecentFailures {
            for_account: 9,
            for_address: 19,
            for_address_and_account: 4,
            oldest_for_address: ago(now, 60),
            oldest_for_address_and_account: ago(now, 60),
            latest_for_account: ago(now, 0),
        };
        assert_eq!(refused_for(policy.check(busy, now)), None);
    }

    #[test]
    fn an_address_that_failed_waits_until_its_failures_leave_the_window() {
        let policy = ThrottlePolicy::default();
        let now = Timestamp::now();
        let one_account = RecentFailures {
            for_address_and_account: 5,
            oldest_for_address_and_account: ago(now, 600),
            ..Default::default()
        };
        assert_eq!(refused_for(policy.check(one_account, now)), Some(300));
        let any_accounts = RecentFailures { for_address: 20, oldest_for_address: ago(now, 0), ..Default::default() };
        assert_eq!(refused_for(policy.check(any_accounts, now)), Some(900));
    }

    #[test]
    fn an_account_guessed_from_many_addresses_is_slowed_not_locked() {
        let policy = ThrottlePolicy::default();
        let now = Timestamp::now();
        // Failures from elsewhere only: this address has none.
        let guessed = |failures: i64, seconds_since_latest: i64| RecentFailures {
            for_account: failures,
            latest_for_account: ago(now, seconds_since_latest),
            ..Default::default()
        };
        assert_eq!(refused_for(policy.check(guessed(10, 0), now)), Some(1));
        assert_eq!(refused_for(policy.check(guessed(10, 1), now)), None, "a second later it goes through");
        assert_eq!(refused_for(policy.check(guessed(13, 3), now)), Some(5), "the delay doubles: 8 s");
        assert_eq!(refused_for(policy.check(guessed(500, 0), now)), Some(60), "and stops growing at a minute");
        assert_eq!(refused_for(policy.check(guessed(500, 60), now)), None);
    }
}
