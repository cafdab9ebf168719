//! Changing an organization's SSO configuration. Connecting a provider hands the roles that
//! groups map to (and the default roles) to whoever the provider vouches for, so saving one goes
//! through the anti-escalation rule like granting those roles.

use serde_json::json;

use super::{SsoChanges, SsoConfiguration, configuration::CheckedSso, not_configured, sso_permission, storage};
use crate::domain::{
    Actor, AuditEvent, Domain, DomainError, DomainResult, Mutation, authz::ChangeEffect, roles::RoleChanges,
};

impl Domain {
    /// Creates or changes the configuration (`sso:update`). Fields left out keep their value.
    pub async fn set_sso_configuration(
        &self,
        actor: &Actor,
        org_id: &str,
        changes: SsoChanges,
    ) -> DomainResult<SsoConfiguration> {
        let org = self.authorized_organization(actor, org_id, &sso_permission("update")).await?;
        let stored = storage::load(&self.db, &org.id).await?;
        let current = stored.clone().map(|s| self.present_sso(s));
        if let (Some(asked), Some(current)) = (changes.version, &current)
            && asked != current.version
        {
            return Err(stale());
        }
        let checked = changes.check(current.as_ref()).map_err(DomainError::Invalid)?;
        let keys = self.sso.keys.as_ref().ok_or_else(|| {
            DomainError::Conflict(
                "This server has no secret key to protect client secrets with. Set WARDEN_SECRET_KEY (see the README) and restart.".into(),
            )
        })?;
        if checked.enabled {
            self.authorize_change(actor, &self.mapping_effect(&org.id).await?).await?;
        }
        let sealed = match (&checked.client_secret, &stored) {
            (Some(secret), _) => keys.seal(secret, &org.id)?,
            (None, Some(stored)) => stored.client_secret_sealed.clone(),
            (None, None) => return Err(DomainError::invalid("client_secret", "missing", "Enter the client secret")),
        };

        let mut mutation = Mutation::begin(&self.db, actor).await?;
        if !storage::save(mutation.tx(), &org.id, &checked, &sealed, current.as_ref().map(|c| c.version)).await? {
            return Err(stale());
        }
        let action = if current.is_some() { "sso.updated" } else { "sso.configured" };
        let mut event = AuditEvent::new(action)
            .org(&org.id)
            .target("sso_configuration", &org.id, &org.name)
            .after(described(&checked));
        if let Some(current) = &current {
            event = event.before(json!({
                "issuer": current.issuer, "client_id": current.client_id, "scopes": current.scopes,
                "groups_claim": current.groups_claim, "allowed_email_domains": current.allowed_email_domains,
                "jit_provisioning": current.jit_provisioning, "mapping_mode": current.mapping_mode, "enabled": current.enabled,
            }));
        }
        mutation.commit(event).await?;
        self.sso_configuration(actor, &org.id).await
    }

    /// Checks a configuration's fields alone, as they would be for an organization without one
    /// yet (before making the organization it comes with).
    pub fn check_sso_changes(&self, changes: SsoChanges) -> DomainResult<()> {
        changes.check(None).map(|_| ()).map_err(DomainError::Invalid)
    }

    /// Disconnects the provider (`sso:update`). Roles SSO gave stay until an admin changes them.
    pub async fn delete_sso_configuration(&self, actor: &Actor, org_id: &str) -> DomainResult<()> {
        let org = self.authorized_organization(actor, org_id, &sso_permission("update")).await?;
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        if !storage::delete(mutation.tx(), &org.id).await? {
            return Err(not_configured(&org.id));
        }
        mutation
            .commit(AuditEvent::new("sso.deleted").org(&org.id).target("sso_configuration", &org.id, &org.name))
            .await
    }

    /// Seals every stored client secret with the current key (key rotation; the command line).
    pub async fn reseal_sso_secrets(&self, actor: &Actor) -> DomainResult<usize> {
        let keys =
            self.sso.keys.as_ref().ok_or_else(|| DomainError::Conflict("WARDEN_SECRET_KEY is not set".into()))?;
        let mut resealed = 0;
        for (org_id, sealed) in storage::sealed_secrets(&self.db).await? {
            if keys.is_current(&sealed) {
                continue;
            }
            let secret = keys.open(&sealed, &org_id)?;
            let mut mutation = Mutation::begin(&self.db, actor).await?;
            storage::replace_sealed(mutation.tx(), &org_id, &keys.seal(&secret, &org_id)?).await?;
            mutation
                .commit(AuditEvent::new("sso.secret_resealed").org(&org_id).target(
                    "sso_configuration",
                    &org_id,
                    &org_id,
                ))
                .await?;
            resealed += 1;
        }
        Ok(resealed)
    }

    /// Adds an IdP group to a role's group names ("map to role" on the setup page): granting
    /// the role to whoever carries it, so it goes through the role's own checks.
    pub async fn map_sso_group(&self, actor: &Actor, org_id: &str, role_id: &str, group: &str) -> DomainResult<()> {
        let role = self.role(actor, org_id, role_id).await?;
        let mut groups = role.sso_group_names;
        if !groups.iter().any(|g| g == group.trim()) {
            groups.push(group.trim().to_owned());
        }
        let changes =
            RoleChanges { sso_group_names: Some(groups), version: Some(role.version), ..RoleChanges::default() };
        self.update_role(actor, &role.org_id, &role.role_id, changes).await.map(|_| ())
    }

    /// What a provider can hand out here: every role that a group maps to, and the defaults.
    pub(super) async fn mapping_effect(&self, org_id: &str) -> DomainResult<ChangeEffect> {
        let mut effect = ChangeEffect::new();
        for role in self.role_mappings(org_id, &[]).await? {
            let (_, statements) = self.role_statements(org_id, &role.role_id).await?;
            effect = effect.at(org_id, statements);
        }
        Ok(effect)
    }
}

fn stale() -> DomainError {
    DomainError::Conflict(
        "The SSO configuration was changed by someone else since you loaded it. Reload it and apply your change again."
            .into(),
    )
}

/// The audit record of a configuration: whether the secret changed, never the secret.
fn described(checked: &CheckedSso) -> serde_json::Value {
    json!({
        "issuer": checked.issuer, "client_id": checked.client_id, "client_secret_changed": checked.client_secret.is_some(),
        "scopes": checked.scopes, "groups_claim": checked.groups_claim,
        "allowed_email_domains": checked.allowed_email_domains, "jit_provisioning": checked.jit_provisioning,
        "mapping_mode": checked.mapping_mode, "enabled": checked.enabled,
    })
}
