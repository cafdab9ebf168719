//! Signing in through an organization's provider: which organization (from the email's domain
//! or a code), the authorization request, and the callback that verifies the answer, finds or
//! creates the account, and records the roles the groups give. Every step is audited.

use serde_json::json;
use sha2::{Digest, Sha256};
use time::Duration;

use super::{
    SsoFailure, claims,
    configuration::email_domain,
    mapping::{self, MappingMode},
    provider::{AuthorizationParams, Exchange, ExchangeProblem, ProviderProblem},
    secret_box::SecretKeys,
    storage::{self, PendingSignIn, StoredSso},
};
use crate::domain::{
    Actor, AuditEvent, Domain, DomainError, DomainResult, Mutation, Timestamp, User, UserStatus, audit,
    authz::{cache::Change, serialize_checked_changes},
    email,
};

/// A sign-in must come back from the provider within this time.
const PENDING_MINUTES: i64 = 10;
/// The most organizations offered for one email domain.
const MAX_CHOICES: i64 = 20;

/// An organization someone may sign in to with SSO.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SsoChoice {
    pub org_id: String,
    pub name: String,
}

/// Where to send the browser, and the value its session must hold when it comes back (so a
/// sign-in started in one browser cannot be finished in another).
#[derive(Debug, Clone)]
pub struct SsoStart {
    pub authorization_url: String,
    pub binding: String,
}

/// What the provider sent back to the callback address.
#[derive(Debug, Clone, Default)]
pub struct SsoCallback {
    pub state: Option<String>,
    pub code: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// A finished sign-in: who, where they were going, and through which provider (its issuer).
#[derive(Debug, Clone)]
pub struct SsoSignedIn {
    pub user: User,
    pub return_to: String,
    pub issuer: String,
}

/// What the provider says about the person signing in.
struct Person<'a> {
    subject: &'a str,
    email: &'a str,
    name: Option<&'a str>,
    groups: claims::Groups,
}

/// The account a sign-in is for.
enum Account {
    Linked(User),
    /// An existing account, linked at this sign-in.
    ToLink(User),
    /// None yet: made at this sign-in.
    New,
}

fn hash(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a step failed, with the detail that goes to the audit log only.
struct Refusal {
    failure: SsoFailure,
    reason: &'static str,
    detail: String,
}

fn refuse(failure: SsoFailure, reason: &'static str, detail: impl Into<String>) -> Refusal {
    Refusal { failure, reason, detail: detail.into() }
}

impl From<DomainError> for Refusal {
    fn from(error: DomainError) -> Self {
        refuse(SsoFailure::Unavailable, "internal", error.to_string())
    }
}

impl Domain {
    /// The organizations an email address (by its domain) or an organization code signs in to.
    pub async fn sso_choices(&self, identifier: &str) -> DomainResult<Vec<SsoChoice>> {
        let identifier = identifier.trim();
        if identifier.is_empty() || identifier.chars().count() > 254 {
            return Err(DomainError::invalid(
                "identifier",
                "missing",
                "Enter your work email address or your organization's code",
            ));
        }
        let found = match email_domain(identifier) {
            Some(domain) => storage::organizations_for_domain(&self.db, &domain, MAX_CHOICES).await?,
            None => storage::organization_for_code(&self.db, identifier).await?.into_iter().collect(),
        };
        Ok(found.into_iter().map(|(org_id, name)| SsoChoice { org_id, name }).collect())
    }

    /// Starts a sign-in at the organization's provider.
    pub async fn begin_sso_sign_in(
        &self,
        actor: &Actor,
        org_id: &str,
        login_hint: Option<&str>,
        return_to: &str,
    ) -> Result<SsoStart, SsoFailure> {
        // Refusals are recorded in the organization's log only when it has SSO: anyone can ask.
        let config = match self.enabled_sso(org_id).await {
            Ok(config) => config,
            Err(refusal) => return Err(self.audit_refusal(actor, None, refusal).await),
        };
        match self.try_begin(actor, &config, login_hint, return_to).await {
            Ok(start) => Ok(start),
            Err(refusal) => Err(self.audit_refusal(actor, Some(&config.org_id), refusal).await),
        }
    }

    async fn try_begin(
        &self,
        actor: &Actor,
        config: &StoredSso,
        login_hint: Option<&str>,
        return_to: &str,
    ) -> Result<SsoStart, Refusal> {
        let hint = login_hint.map(str::trim).filter(|h| h.contains('@') && h.len() <= 254);
        let params = AuthorizationParams {
            issuer: &config.issuer,
            client_id: &config.client_id,
            redirect_uri: &self.sso.redirect_uri,
            scopes: &config.scopes,
            login_hint: hint,
        };
        let request = self.sso.provider.authorization_request(params).await.map_err(|problem| match problem {
            ProviderProblem::Unreachable(e) => refuse(SsoFailure::ProviderUnreachable, "provider_unreachable", e),
            ProviderProblem::Invalid(e) => refuse(SsoFailure::ProviderUnreachable, "provider_invalid", e),
        })?;
        let binding = crate::domain::ids::new_id();
        let pending = PendingSignIn {
            org_id: config.org_id.clone(),
            binding_hash: hash(&binding),
            nonce: request.nonce,
            pkce_verifier: request.pkce_verifier,
            return_to: return_to.to_owned(),
            expires_at: Timestamp::now().plus(Duration::minutes(PENDING_MINUTES)).to_rfc3339(),
        };
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        storage::insert_pending(mutation.tx(), &hash(&request.state), &pending).await?;
        let event = AuditEvent::new("sso.sign_in_started")
            .org(&config.org_id)
            .target("sso_configuration", &config.org_id, &config.issuer)
            .after(json!({ "issuer": config.issuer, "login_hint": hint }));
        // Anyone may start: a flood writes a bounded number of events (`audit/budget.rs`).
        mutation.commit_within_budget(event).await?;
        Ok(SsoStart { authorization_url: request.url, binding })
    }

    /// Finishes a sign-in when the provider sends the browser back. `binding` is what the
    /// browser's session holds from [`Self::begin_sso_sign_in`]. Returns the user, where to go,
    /// and the provider, which the session remembers for the audit log.
    pub async fn finish_sso_sign_in(
        &self,
        actor: &Actor,
        callback: SsoCallback,
        binding: Option<&str>,
    ) -> Result<SsoSignedIn, SsoFailure> {
        let mut org_id = None;
        match self.try_finish(actor, callback, binding, &mut org_id).await {
            Ok(done) => Ok(done),
            Err(refusal) => Err(self.audit_refusal(actor, org_id.as_deref(), refusal).await),
        }
    }

    async fn try_finish(
        &self,
        actor: &Actor,
        callback: SsoCallback,
        binding: Option<&str>,
        org_id: &mut Option<String>,
    ) -> Result<SsoSignedIn, Refusal> {
        let state_hash = hash(&callback.state.unwrap_or_default());
        // Taken out first, so it cannot be used twice whatever follows, and only by the browser
        // that started it (a stolen state cannot even be burned from elsewhere).
        let pending = storage::take_pending(&self.db, &state_hash, &hash(binding.unwrap_or_default())).await?;
        let Some(pending) = pending else {
            *org_id = storage::pending_org(&self.db, &state_hash).await?;
            let (reason, detail) = match org_id {
                Some(_) => ("other_browser", "the sign-in was started in another browser session"),
                None => ("unknown_state", "no pending sign-in has this state (used, expired or forged)"),
            };
            return Err(refuse(SsoFailure::StateInvalid, reason, detail));
        };
        *org_id = Some(pending.org_id.clone());
        if Timestamp::parse(&pending.expires_at).is_none_or(|expires| expires < Timestamp::now()) {
            return Err(refuse(SsoFailure::StateInvalid, "expired_state", "the sign-in took longer than 10 minutes"));
        }
        if let Some(error) = callback.error {
            let detail = format!("{error}: {}", callback.error_description.unwrap_or_default());
            return Err(refuse(
                SsoFailure::ProviderRefused,
                "provider_error",
                detail.chars().take(500).collect::<String>(),
            ));
        }
        let code = callback
            .code
            .filter(|c| !c.is_empty())
            .ok_or_else(|| refuse(SsoFailure::TokenRejected, "no_code", "the callback carried no code"))?;
        let config = self.enabled_sso(&pending.org_id).await?;
        let secret = self.open_secret(&config)?;
        let exchange = Exchange {
            issuer: &config.issuer,
            client_id: &config.client_id,
            client_secret: &secret,
            redirect_uri: &self.sso.redirect_uri,
            code,
            pkce_verifier: pending.pkce_verifier,
            nonce: pending.nonce,
        };
        let identity = self.sso.provider.exchange(exchange).await.map_err(|problem| match problem {
            ExchangeProblem::Unreachable(e) => refuse(SsoFailure::ProviderUnreachable, "provider_unreachable", e),
            ExchangeProblem::CodeRefused(e) => refuse(SsoFailure::TokenRejected, "code_refused", e),
            ExchangeProblem::TokenInvalid(e) => refuse(SsoFailure::TokenRejected, "id_token_invalid", e),
        })?;
        let claimed = identity.email.clone().unwrap_or_default();
        if !identity.email_verified || claimed.is_empty() {
            return Err(refuse(
                SsoFailure::EmailUnverified,
                "email_unverified",
                format!("subject {}, email {claimed:?}", identity.subject),
            ));
        }
        let email_address = email::validate("email", &claimed).map_err(|_| {
            refuse(
                SsoFailure::EmailUnverified,
                "email_invalid",
                format!("{:?}", claimed.chars().take(300).collect::<String>()),
            )
        })?;
        let domain = email_domain(&email_address).unwrap_or_default();
        if !config.allowed_email_domains.is_empty() && !config.allowed_email_domains.contains(&domain) {
            return Err(refuse(
                SsoFailure::DomainNotAllowed,
                "domain_not_allowed",
                format!("{email_address} is not in {:?}", config.allowed_email_domains),
            ));
        }
        let person = Person {
            subject: &identity.subject,
            email: &email_address,
            name: identity.name.as_deref(),
            groups: claims::groups_at(&identity.claims, &config.groups_claim),
        };
        let user = self.sign_in_person(actor, &config, person).await?;
        Ok(SsoSignedIn { user, return_to: pending.return_to, issuer: config.issuer })
    }

    /// Which account the provider's person is: the one linked to them; or, at their first SSO
    /// sign-in, the account with their email when it may be linked (at home in this
    /// organization, and without a password unless its owner is the one signed in); or, with
    /// just-in-time provisioning, a new one.
    async fn account_for(&self, actor: &Actor, config: &StoredSso, person: &Person<'_>) -> Result<Account, Refusal> {
        if let Some(user_id) = storage::linked_user(&self.db, &config.org_id, &config.issuer, person.subject).await? {
            let user = self
                .find_user(&user_id)
                .await?
                .ok_or_else(|| refuse(SsoFailure::NoAccount, "no_account", "the linked account is gone"))?;
            return Ok(Account::Linked(user));
        }
        let email_key = email::normalize(person.email);
        let Some((user, password)) = self.user_credentials(&email_key).await? else {
            return match config.jit_provisioning {
                true => Ok(Account::New),
                false => Err(refuse(SsoFailure::NoAccount, "no_account", email_key)),
            };
        };
        // Accounts at home elsewhere answer like no account at all: a provider learns nothing
        // of other tenants' people, and cannot sign in as them.
        if self.home_of(&user.id).await? != config.org_id {
            return Err(refuse(
                SsoFailure::NoAccount,
                "account_elsewhere",
                "an account of another organization has this email",
            ));
        }
        if storage::is_linked(&self.db, &config.org_id, &config.issuer, &user.id).await? {
            return Err(refuse(
                SsoFailure::NoAccount,
                "linked_to_another_subject",
                format!("{email_key} is linked to another person of the provider"),
            ));
        }
        let owner_signed_in = actor.audit_id() == Some(user.id.as_str());
        if password.is_some() && !owner_signed_in {
            return Err(refuse(SsoFailure::PasswordAccount, "password_account", user.id.clone()));
        }
        Ok(Account::ToLink(user))
    }

    /// Finds, links or creates the account, records the roles the groups give and the sign-in
    /// itself, in one transaction.
    async fn sign_in_person(&self, actor: &Actor, config: &StoredSso, person: Person<'_>) -> Result<User, Refusal> {
        let account = self.account_for(actor, config, &person).await?;
        if let Account::Linked(user) | Account::ToLink(user) = &account
            && user.status != UserStatus::Active
        {
            return Err(refuse(SsoFailure::AccountDisabled, "account_disabled", user.id.clone()));
        }
        let roles = self.role_mappings(&config.org_id, &[]).await?;
        let groups = &person.groups.groups;
        let derivation = mapping::derive(&roles, groups);
        // Without the whole list of groups, nothing is taken away.
        let mode = if person.groups.complete { config.mapping_mode } else { MappingMode::Additive };

        let actor = actor.clone().via_provider(&config.issuer);
        let mut mutation = Mutation::begin(&self.db, &actor).await?;
        // Like every change that can take a Super Admin away, serialized with the others.
        serialize_checked_changes(mutation.tx()).await?;
        let (user, provisioned, linked) = match account {
            Account::Linked(user) => (user, false, false),
            Account::ToLink(user) => (user, false, true),
            Account::New => {
                let full_name = person.name.map(str::trim).filter(|n| !n.is_empty()).unwrap_or(person.email);
                (self.provision_sso_user(mutation.tx(), person.email, full_name, &config.org_id).await?, true, true)
            }
        };
        if linked {
            storage::link(mutation.tx(), &config.org_id, &config.issuer, person.subject, &user.id).await?;
        }
        self.join_organization(mutation.tx(), &config.org_id, &user.id, &[]).await?;
        let held = storage::held_roles(mutation.tx(), &config.org_id, &user.id).await?;
        let plan = mapping::plan(&derivation.roles, &held, mode);
        for role in &plan.grant {
            storage::record_derived(mutation.tx(), &config.org_id, &user.id, role).await?;
        }
        for role_id in &plan.revoke {
            storage::remove_derived(mutation.tx(), &config.org_id, &user.id, role_id).await?;
        }
        self.ensure_root_keeps_a_super_admin(mutation.tx()).await?;
        storage::record_groups(mutation.tx(), &config.org_id, &user.id, groups).await?;
        self.record_sign_in(mutation.tx(), &user.id).await?;
        let name_of =
            |role_id: &str| roles.iter().find(|r| r.role_id == role_id).map(|r| r.name.clone()).unwrap_or_default();
        let event = AuditEvent::new("sso.sign_in")
            .org(&config.org_id)
            .target("user", &user.id, &user.email)
            .after(json!({
                "issuer": config.issuer,
                "subject": person.subject,
                "provisioned": provisioned,
                "linked": linked,
                "groups": groups,
                "groups_complete": person.groups.complete,
                "unmapped_groups": derivation.unmapped_groups,
                "mapping_mode": mode,
                "roles_granted": plan.grant.iter().map(|r| json!({ "role_id": r.role_id, "name": r.name, "source": r.source, "group": r.group })).collect::<Vec<_>>(),
                "roles_removed": plan.revoke.iter().map(|id| json!({ "role_id": id, "name": name_of(id) })).collect::<Vec<_>>(),
            }));
        let changes = [Change::Memberships(vec![user.id.clone()]), Change::Accounts(vec![user.id.clone()])];
        self.commit_authz_change(mutation, event, &changes).await?;
        Ok(self.find_user(&user.id).await?.unwrap_or(user))
    }

    async fn enabled_sso(&self, org_id: &str) -> Result<StoredSso, Refusal> {
        match storage::load(&self.db, org_id).await? {
            Some(config) if config.enabled => Ok(config),
            _ => Err(refuse(SsoFailure::NotEnabled, "not_enabled", format!("organization {org_id}"))),
        }
    }

    fn open_secret(&self, config: &StoredSso) -> Result<String, Refusal> {
        let keys: &SecretKeys = self
            .sso
            .keys
            .as_ref()
            .ok_or_else(|| refuse(SsoFailure::Unavailable, "no_secret_key", "WARDEN_SECRET_KEY is not set"))?;
        keys.open(&config.client_secret_sealed, &config.org_id)
            .map_err(|e| refuse(SsoFailure::Unavailable, "secret_unreadable", e.to_string()))
    }

    /// Records a refused step (naming the organization's provider, when it is known; within the
    /// budget of events anyone can cause, `audit/budget.rs`) and answers what the person is told.
    async fn audit_refusal(&self, actor: &Actor, org_id: Option<&str>, refusal: Refusal) -> SsoFailure {
        let mut event =
            AuditEvent::new("sso.sign_in_failed").after(json!({ "reason": refusal.reason, "detail": refusal.detail }));
        let mut actor = actor.clone();
        if let Some(org_id) = org_id {
            event = event.org(org_id);
            if let Ok(Some(config)) = storage::load(&self.db, org_id).await {
                actor = actor.via_provider(config.issuer);
            }
        }
        match audit::record_within_budget(&self.db, &actor, event).await {
            Ok(()) => refusal.failure,
            Err(_) => SsoFailure::Unavailable,
        }
    }
}
