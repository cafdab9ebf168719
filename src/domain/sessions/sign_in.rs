//! Signing in and out, sessions' validity, and changing one's own password.

use super::passwords::{self, hash_blocking};
use crate::domain::{
    Actor, AuditEvent, Domain, DomainError, DomainResult, FieldError, Mutation, Timestamp, User, UserStatus, audit,
    authz::cache::Change, email,
};

/// Why a sign-in failed. Recorded in the audit log only; the caller always gets the same error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FailureReason {
    UnknownEmail,
    WrongPassword,
    Disabled,
    NoPassword,
}

impl FailureReason {
    fn as_str(self) -> &'static str {
        match self {
            Self::UnknownEmail => "unknown_email",
            Self::WrongPassword => "wrong_password",
            Self::Disabled => "account_disabled",
            Self::NoPassword => "no_password_set",
        }
    }
}

impl Domain {
    /// Checks credentials. Unknown emails, wrong passwords and disabled accounts all fail with
    /// the same [`DomainError::InvalidCredentials`] after the same amount of hashing work.
    pub async fn sign_in(&self, actor: &Actor, email_input: &str, password: &str) -> DomainResult<User> {
        if email_input.trim().is_empty() || password.is_empty() {
            let mut errors = Vec::new();
            if email_input.trim().is_empty() {
                errors.push(FieldError::new("email", "missing", "Enter your email address"));
            }
            if password.is_empty() {
                errors.push(FieldError::new("password", "missing", "Enter your password"));
            }
            return Err(DomainError::Invalid(errors));
        }
        let email_key = email::normalize(email_input);
        let client = actor.client_addr.clone().unwrap_or_else(|| "unknown".to_owned());

        if let Err(throttled) = self.throttle.claim_attempt(&self.db, &email_key, &client).await {
            // Counted; the audit log records them a minute at a time per account and address.
            // Refusals for an existing account are written whole (in its history too); those
            // for emails nobody has, which an address past its limit can make up one per
            // request, within the budget of such events a minute.
            if let Some(refused) = self.throttle.count_refused(&self.db, &email_key, &client, Timestamp::now()).await? {
                let event = AuditEvent::new("sign_in.throttled")
                    .after(serde_json::json!({ "email": email_key, "refused": refused }));
                match self.user_credentials(&email_key).await? {
                    Some((user, _)) => {
                        audit::record(&self.db, actor, event.target("user", &user.id, &email_key)).await?
                    }
                    None => audit::record_within_budget(&self.db, actor, event).await?,
                }
            }
            return Err(throttled);
        }

        let found = self.user_credentials(&email_key).await?;
        let outcome = check_password(found, password.to_owned()).await?;
        match outcome {
            Ok(user) => {
                let mut mutation = Mutation::begin(&self.db, actor).await?;
                self.record_sign_in(mutation.tx(), &user.id).await?;
                let event = AuditEvent::new("sign_in").target("user", &user.id, &user.email);
                self.commit_authz_change(mutation, event, &[Change::Accounts(vec![user.id.clone()])]).await?;
                self.throttle.forget_account(&self.db, &email_key).await?;
                Ok(self.find_user(&user.id).await?.unwrap_or(user))
            }
            Err((reason, user_id)) => {
                // The claimed attempt stays on record as this failure. A failure for an account
                // is written whole (the throttle bounds how many an account can have); one for
                // an email nobody has, which anyone can make up by the thousand, within the
                // budget of such events a minute.
                let event = AuditEvent::new("sign_in.failed")
                    .after(serde_json::json!({ "email": email_key, "reason": reason.as_str() }));
                match user_id {
                    Some(user_id) => audit::record(&self.db, actor, event.target("user", user_id, &email_key)).await?,
                    None => audit::record_within_budget(&self.db, actor, event).await?,
                }
                Err(DomainError::InvalidCredentials)
            }
        }
    }

    /// Records the end of the actor's session (the caller discards the session itself).
    pub async fn sign_out(&self, actor: &Actor) -> DomainResult<()> {
        let user_id = actor.user_id()?;
        let event = AuditEvent::new("sign_out").target("user", user_id, actor.audit_name());
        audit::record(&self.db, actor, event).await
    }

    /// The user a session belongs to, if that session is still valid: the account exists, is
    /// active, and has not started a new session epoch since (password change, disabling).
    pub async fn session_user(&self, user_id: &str, session_epoch: i64) -> DomainResult<Option<User>> {
        let user = self.find_user(user_id).await?;
        Ok(user.filter(|u| u.status == UserStatus::Active && u.session_epoch == session_epoch))
    }

    /// Changes the actor's own password after checking the current one. Every other session of
    /// the user ends; the returned epoch is the one the caller's own session continues in.
    pub async fn change_own_password(&self, actor: &Actor, current: &str, new: &str) -> DomainResult<i64> {
        actor.in_person()?;
        let user_id = actor.user_id()?;
        let user = self.find_user(user_id).await?.ok_or(DomainError::Unauthenticated)?;
        let email_key = email::normalize(&user.email);
        let client = actor.client_addr.clone().unwrap_or_else(|| "unknown".to_owned());

        self.throttle.claim_attempt(&self.db, &email_key, &client).await?;
        let found = self.user_credentials(&email_key).await?;
        if check_password(found, current.to_owned()).await?.is_err() {
            let event = AuditEvent::new("user.password_change_failed").target("user", &user.id, &user.email);
            audit::record(&self.db, actor, event).await?;
            return Err(DomainError::invalid("current_password", "incorrect", "Current password is incorrect"));
        }
        self.throttle.forget_account(&self.db, &email_key).await?;
        passwords::check_rules("new_password", new, &user.email)?;
        if new == current {
            return Err(DomainError::invalid(
                "new_password",
                "unchanged",
                "New password must differ from the current one",
            ));
        }

        let hash = hash_blocking(new.to_owned()).await?;
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let epoch = self.store_password_hash(mutation.tx(), &user.id, &hash).await?;
        let event = AuditEvent::new("user.password_changed").target("user", &user.id, &user.email);
        self.commit_authz_change(mutation, event, &[Change::Accounts(vec![user.id.clone()])]).await?;
        Ok(epoch)
    }
}

type PasswordCheck = Result<User, (FailureReason, Option<String>)>;

/// Verifies off the async threads.
async fn check_password(found: Option<(User, Option<String>)>, password: String) -> DomainResult<PasswordCheck> {
    tokio::task::spawn_blocking(move || check_password_with(found, &password, passwords::verify))
        .await
        .map_err(|e| DomainError::Internal(format!("password check failed: {e}")))
}

/// Every path runs `verify` exactly once; without an account (or without a password) it
/// runs against a decoy hash, so that the time taken does not tell whether the email exists.
fn check_password_with(
    found: Option<(User, Option<String>)>,
    password: &str,
    verify: impl Fn(&str, &str) -> bool,
) -> PasswordCheck {
    match found {
        None => {
            verify(password, passwords::decoy_hash());
            Err((FailureReason::UnknownEmail, None))
        }
        Some((user, None)) => {
            verify(password, passwords::decoy_hash());
            Err((FailureReason::NoPassword, Some(user.id)))
        }
        Some((user, Some(hash))) => match (verify(password, &hash), user.status) {
            (false, _) => Err((FailureReason::WrongPassword, Some(user.id))),
            (true, UserStatus::Disabled | UserStatus::Invited) => Err((FailureReason::Disabled, Some(user.id))),
            (true, UserStatus::Active) => Ok(user),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn user(status: UserStatus) -> User {
        User {
            id: "u1".into(),
            email: "a@b.c".into(),
            full_name: "A".into(),
            status,
            session_epoch: 0,
            created_at: String::new(),
            last_sign_in_at: None,
        }
    }

    /// Runs a check with a verifier that counts its calls and records the hashes it saw.
    fn run(found: Option<(User, Option<String>)>, matches: bool) -> (PasswordCheck, usize, Vec<String>) {
        let calls = Cell::new(0);
        let hashes = std::cell::RefCell::new(Vec::new());
        let result = check_password_with(found, "pw", |_, hash| {
            calls.set(calls.get() + 1);
            hashes.borrow_mut().push(hash.to_owned());
            matches
        });
        (result, calls.get(), hashes.into_inner())
    }

    #[test]
    fn every_path_does_the_same_hashing_work() {
        let (unknown, calls, hashes) = run(None, false);
        assert_eq!(calls, 1, "an unknown email is verified against the decoy");
        assert_eq!(hashes, [passwords::decoy_hash().to_owned()]);
        assert!(matches!(unknown, Err((FailureReason::UnknownEmail, None))));

        let (no_password, calls, _) = run(Some((user(UserStatus::Active), None)), false);
        assert_eq!(calls, 1);
        assert!(matches!(no_password, Err((FailureReason::NoPassword, Some(_)))));

        let (wrong, calls, hashes) = run(Some((user(UserStatus::Active), Some("stored".into()))), false);
        assert_eq!((calls, hashes), (1, vec!["stored".to_owned()]));
        assert!(matches!(wrong, Err((FailureReason::WrongPassword, Some(_)))));

        let (disabled, calls, _) = run(Some((user(UserStatus::Disabled), Some("stored".into()))), true);
        assert_eq!(calls, 1);
        assert!(matches!(disabled, Err((FailureReason::Disabled, Some(_)))));

        let (ok, calls, _) = run(Some((user(UserStatus::Active), Some("stored".into()))), true);
        assert_eq!(calls, 1);
        assert!(ok.is_ok());
    }

    #[test]
    fn the_decoy_is_a_real_hash_with_the_same_parameters() {
        assert!(passwords::decoy_hash().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    }
}
