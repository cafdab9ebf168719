//! Making and revoking tokens, and setting an organization's token policy.
//!
//! Only a user in person (with a session, not through a token) makes tokens or revokes their
//! own. A token's restriction may only name what its creator holds: at the restriction's
//! organization under the anti-escalation rule, or, without one, somewhere the creator is a
//! member. An admin's revocation goes through the rule as taking the creator's roles away.

use serde_json::json;

use super::{
    CreatedToken, Expiry, MAX_NAME_CHARS, MAX_RESTRICTION_PERMISSIONS, MAX_TOKENS_PER_USER, NewToken, Secret, Token,
    TokenPolicy, TokenPolicyChanges, TokenStatus,
    read::{present, token_not_found},
    storage::{self, NewRow, StoredToken},
};
use crate::domain::{
    Actor, AuditEvent, Domain, DomainError, DomainResult, FieldError, MissingPermission, Mutation, Timestamp,
    TokenRestriction,
    authz::{
        ChangeEffect, cache::Change, permissions::Permission, serialize_checked_changes,
        statements::statements_from_permissions,
    },
    ids::new_id,
};

impl Domain {
    /// Makes a token for the actor (in person only); the secret is in the answer and nowhere
    /// else, ever.
    pub async fn create_token(&self, actor: &Actor, new: NewToken) -> DomainResult<CreatedToken> {
        actor.in_person()?;
        let user_id = actor.user_id()?.to_owned();
        let policy = self.token_policy_of(&user_id).await?;
        let now = Timestamp::now();
        let mut errors = Vec::new();
        let name = new.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            errors.push(FieldError::new(
                "name",
                "value_error.name",
                format!("A name is 1 to {MAX_NAME_CHARS} characters"),
            ));
        }
        let expires_at = match expiry_problem(&new.expiry, &policy, now) {
            Ok(expires_at) => expires_at,
            Err(problem) => {
                errors.push(problem);
                None
            }
        };
        let permissions = self.restriction_problems(&new.restriction, &mut errors).await?;
        let restricted_org = match new.restriction.org_id.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            Some(org) => Some(self.visible_organization(actor, org).await?.id),
            None => None,
        };
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        let restriction = TokenRestriction { permissions: new.restriction.permissions.clone(), org_id: restricted_org };
        self.authorize_restriction(actor, &restriction, &permissions).await?;

        let secret = Secret::generate();
        let token_id = new_id();
        let logged_in = self.token_log_org(&user_id, &restriction).await?;
        let created_at = now.to_rfc3339();
        let expires_at = expires_at.map(Timestamp::to_rfc3339);
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        // Two creations at once must not both pass the count.
        serialize_checked_changes(mutation.tx()).await?;
        if storage::count_live(mutation.tx(), &user_id, &created_at).await? >= MAX_TOKENS_PER_USER {
            return Err(DomainError::Conflict(format!(
                "You already have {MAX_TOKENS_PER_USER} tokens that work. Revoke one you no longer use first."
            )));
        }
        let row = NewRow {
            id: &token_id,
            user_id: &user_id,
            name: &name,
            prefix: secret.prefix(),
            secret_hash: &secret.hash(),
            restriction: &restriction,
            created_at: &created_at,
            expires_at: expires_at.as_deref(),
        };
        storage::insert(mutation.tx(), &row).await?;
        let event = AuditEvent::new("token.created")
            .org(logged_in)
            .target("token", &token_id, &name)
            .after(json!({ "prefix": secret.prefix(), "expires_at": expires_at, "restriction": restriction }));
        mutation.commit(event).await?;
        let stored = storage::find(&self.db, &token_id).await?.ok_or_else(|| token_not_found(&token_id))?;
        Ok(CreatedToken { token: present(stored, &policy, Timestamp::now()), secret })
    }

    /// The actor's newest token of that name that still works, if any (for
    /// `return_active_token_if_exists`).
    pub async fn active_token_named(&self, actor: &Actor, name: &str) -> DomainResult<Option<Token>> {
        let named = storage::of_user_named(&self.db, actor.user_id()?, name.trim()).await?;
        Ok(self
            .present_all(named)
            .await?
            .into_iter()
            .find(|t| matches!(t.status, TokenStatus::Active | TokenStatus::ExceedsPolicy)))
    }

    /// The restriction's permission patterns, parsed; a problem at each one that is not a
    /// permission of the schema.
    async fn restriction_problems(
        &self,
        restriction: &TokenRestriction,
        errors: &mut Vec<FieldError>,
    ) -> DomainResult<Vec<Permission>> {
        let Some(patterns) = &restriction.permissions else { return Ok(Vec::new()) };
        let field = "restriction.permissions";
        if patterns.is_empty() {
            errors.push(FieldError::item(field, None, "empty", "Pick at least one permission, or no restriction"));
            return Ok(Vec::new());
        }
        if patterns.len() > MAX_RESTRICTION_PERMISSIONS {
            let msg = format!("At most {MAX_RESTRICTION_PERMISSIONS} permissions");
            errors.push(FieldError::item(field, None, "too_long", msg));
            return Ok(Vec::new());
        }
        let schema = self.schema().await?;
        let mut parsed = Vec::with_capacity(patterns.len());
        for (index, pattern) in patterns.iter().enumerate() {
            match Permission::parse(pattern) {
                Ok(p) if schema.covers_any(&p) => parsed.push(p),
                _ => errors.push(FieldError::item(
                    field,
                    Some(index),
                    "unknown_permission",
                    format!("\"{pattern}\" is not a permission of the schema"),
                )),
            }
        }
        Ok(parsed)
    }

    /// The restriction names only what the actor holds: at its organization, under the
    /// anti-escalation rule; without one, each permission somewhere the actor is a member.
    async fn authorize_restriction(
        &self,
        actor: &Actor,
        restriction: &TokenRestriction,
        permissions: &[Permission],
    ) -> DomainResult<()> {
        if permissions.is_empty() {
            return Ok(());
        }
        if let Some(org_id) = &restriction.org_id {
            let effect = ChangeEffect::new().at(org_id, statements_from_permissions(permissions));
            return self.authorize_change(actor, &effect).await;
        }
        let memberships = self.user_org_ids(actor.user_id()?).await?;
        let mut missing = Vec::new();
        for permission in permissions {
            let mut held = false;
            for org_id in &memberships {
                if self.may(actor, org_id, permission).await? {
                    held = true;
                    break;
                }
            }
            if !held {
                missing.push(MissingPermission { permission: permission.to_string(), org_id: None });
            }
        }
        if missing.is_empty() { Ok(()) } else { Err(DomainError::NotHeld { missing }) }
    }

    /// Revokes one of the actor's own tokens (in person only). Revoking a revoked one is done.
    pub async fn revoke_my_token(&self, actor: &Actor, token_id: &str) -> DomainResult<()> {
        actor.in_person()?;
        let stored = self.own_stored_token(actor, token_id).await?;
        self.revoke(actor, stored, None).await
    }

    /// Revokes a token of a member of the organization (needs `token:revoke` there, and, under
    /// the anti-escalation rule, the creator's roles where the token reaches: revoking takes
    /// them away from the program using it). Another organization's token answers like one that
    /// does not exist.
    pub async fn revoke_member_token(&self, actor: &Actor, org_id: &str, token_id: &str) -> DomainResult<()> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("token", "revoke")).await?;
        let stored = storage::find(&self.db, token_id).await?.ok_or_else(|| token_not_found(token_id))?;
        if !self.is_direct_member(&stored.user_id, &org.id).await? {
            return Err(token_not_found(token_id));
        }
        if actor.user_id()? == stored.user_id {
            // A token may not change its own creator's tokens.
            actor.in_person()?;
        }
        let mut reached = Vec::new();
        for grant in self.authz.grants_of(&self.db, &stored.user_id).await? {
            // A role granted above the token's subtree reaches into it as well.
            let inside = match &stored.restriction.org_id {
                Some(root) => {
                    self.authz.is_within(&self.db, root, &grant.org_id).await?
                        || self.authz.is_within(&self.db, &grant.org_id, root).await?
                }
                None => true,
            };
            if inside {
                reached.push(grant);
            }
        }
        self.authorize_change(actor, &ChangeEffect::new().roles(&reached)).await?;
        self.revoke(actor, stored, Some(&org.id)).await
    }

    async fn revoke(&self, actor: &Actor, stored: StoredToken, org_id: Option<&str>) -> DomainResult<()> {
        if stored.revoked_at.is_some() {
            return Ok(());
        }
        let by = actor.user_id()?.to_owned();
        let by_admin = by != stored.user_id;
        let org_id = match org_id {
            Some(org_id) => org_id.to_owned(),
            None => self.token_log_org(&stored.user_id, &stored.restriction).await?,
        };
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        storage::revoke(mutation.tx(), &stored.id, &by, by_admin).await?;
        let event = AuditEvent::new("token.revoked")
            .org(org_id)
            .target("token", &stored.id, &stored.name)
            .after(json!({ "creator_id": stored.user_id, "revoked_by_admin": by_admin }));
        // Committed as a change to decisions, so that every app server's token cache drops it.
        self.commit_authz_change(mutation, event, &[Change::Memberships(vec![stored.user_id])]).await
    }

    /// Whose audit log a token's own events go to: the organization it is restricted to, or
    /// else its creator's home (where their admins look after their tokens).
    async fn token_log_org(&self, user_id: &str, restriction: &TokenRestriction) -> DomainResult<String> {
        match &restriction.org_id {
            Some(org_id) => Ok(org_id.clone()),
            None => self.home_of(user_id).await,
        }
    }

    /// Changes the organization's token policy (needs `org:update` there). The current policy is
    /// read and changed in one transaction that holds its row, so that two changes of different
    /// fields made at once both stay.
    pub async fn set_organization_token_policy(
        &self,
        actor: &Actor,
        org_id: &str,
        changes: TokenPolicyChanges,
    ) -> DomainResult<TokenPolicy> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("org", "update")).await?;
        if changes.max_lifetime_days.is_some_and(|days| !(1..=TokenPolicy::MAX_LIFETIME_DAYS).contains(&days)) {
            let msg = format!("The longest lifetime is 1 to {} days", TokenPolicy::MAX_LIFETIME_DAYS);
            return Err(DomainError::invalid("max_lifetime_days", "value_error.range", msg));
        }
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let before = storage::held_policy(mutation.tx(), &org.id).await?;
        let policy = changes.applied_to(before);
        storage::set_policy(mutation.tx(), &org.id, &policy, actor.user_id().ok()).await?;
        let event = AuditEvent::new("token_policy.updated")
            .org(&org.id)
            .target("organization", &org.id, &org.name)
            .before(before)
            .after(policy);
        mutation.commit(event).await?;
        Ok(policy)
    }
}

/// When a token asking for `expiry` expires under `policy` (`None`: never), or the problem.
fn expiry_problem(expiry: &Expiry, policy: &TokenPolicy, now: Timestamp) -> Result<Option<Timestamp>, FieldError> {
    let latest = now.plus(time::Duration::days(policy.max_lifetime_days));
    let too_late = || {
        FieldError::new(
            "expires_at",
            "value_error.expiry",
            format!("Your organizations allow tokens of at most {} days", policy.max_lifetime_days),
        )
    };
    match expiry {
        Expiry::Days(days) if *days < 1 => {
            Err(FieldError::new("expires_in_days", "value_error.expiry", "A token lives at least one day"))
        }
        Expiry::Days(days) if *days > policy.max_lifetime_days => Err(too_late()),
        Expiry::Days(days) => Ok(Some(now.plus(time::Duration::days(*days)))),
        Expiry::Date(date) => match Timestamp::end_of_date(date) {
            None => Err(FieldError::new("expires_at", "value_error.date", "The expiry is a date: YYYY-MM-DD")),
            Some(at) if at <= now => {
                Err(FieldError::new("expires_at", "value_error.expiry", "The expiry is in the past"))
            }
            Some(at) if at > latest.plus(time::Duration::days(1)) => Err(too_late()),
            Some(at) => Ok(Some(at.min(latest))),
        },
        Expiry::Default(days) => Ok(Some(now.plus(time::Duration::days((*days).min(policy.max_lifetime_days))))),
        Expiry::Never if policy.allow_no_expiry => Ok(None),
        Expiry::Never => Err(FieldError::new(
            "expires_at",
            "value_error.expiry",
            "Your organizations require tokens to expire; pick a lifetime or a date",
        )),
    }
}
