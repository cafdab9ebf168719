//! "Can this user do this here, and why?": the decision with its whole chain, and the fix.

use serde::Serialize;

use super::parse_permission;
use crate::domain::{
    Actor, Domain, DomainError, DomainResult,
    authz::{Decision, Reason, permissions::Permission},
    email,
};

/// One organization on the way from the root down to the one asked about, with its access
/// flags (`None` when the asker may not read that organization).
#[derive(Debug, Clone, Serialize)]
pub struct ChainStep {
    pub org_id: String,
    pub name: String,
    pub parent_has_access: Option<bool>,
    pub parent_has_access_to_descendants: Option<bool>,
    /// The user is a member of this organization.
    pub member_here: bool,
}

/// "Can this user do this here, and why?"
#[derive(Debug, Clone, Serialize)]
pub struct AccessExplanation {
    pub allowed: bool,
    pub permission: String,
    pub user_id: String,
    pub user_email: String,
    pub org_id: String,
    pub org_name: String,
    pub summary: String,
    pub reason: Reason,
    /// From the root (first) down to the organization asked about (last).
    pub chain: Vec<ChainStep>,
    /// For a denial: the nearest change that would grant it.
    pub fix: Option<String>,
}

/// What would turn a denial into an allow, nearest link first.
pub fn fix_for(decision: &Decision, permission: &Permission, org_name: &str) -> Option<String> {
    match &decision.reason {
        Reason::Allowed { .. } => None,
        Reason::DeniedByStatement { link } => Some(format!(
            "Statement {} of policy \"{}\" denies {permission}, and deny always wins. Narrow or remove that \
             statement, or take role \"{}\" (held in \"{}\") away from the user.",
            link.statement_index + 1,
            link.policy_name,
            link.role_name,
            link.membership_org_name
        )),
        Reason::NoAllowingRole { blocked: Some(b) } => Some(format!(
            "Role \"{}\" held in \"{}\" would allow {permission}, but \"{}\" has {} turned off. Turn it on in \
             \"{}\"'s settings, or give the user a role in \"{org_name}\" that allows {permission}.",
            b.link.role_name, b.link.membership_org_name, b.blocked_at_org_name, b.flag, b.blocked_at_org_name
        )),
        Reason::NoAllowingRole { blocked: None } => Some(format!(
            "Give the user a role in \"{org_name}\" (or in an organization above it whose access reaches here) \
             with a policy that allows {permission}."
        )),
    }
}

impl Domain {
    /// Explains a decision about the user with this email (or id) at an organization; the
    /// asker needs `member:read` there (or asks about themselves), and learns nothing about
    /// the user before that is settled.
    pub async fn explain_access(
        &self,
        actor: &Actor,
        org_id: &str,
        user: &str,
        permission: &str,
    ) -> DomainResult<AccessExplanation> {
        let permission = parse_permission(permission)?;
        let org = self.resolve_organization(org_id).await?;
        let caller = actor.user_id()?.to_owned();
        let me = self.find_user(&caller).await?;
        let asking_about_me =
            me.as_ref().is_some_and(|m| m.id == user || email::normalize(&m.email) == email::normalize(user));
        if !asking_about_me {
            self.authorize(actor, &org.id, &Permission::new("member", "read")).await?;
        }
        let subject = self.user_by_id_or_email(user).await?;
        let decision = self.decide(&subject.id, &org.id, &permission).await?;
        let mut chain = Vec::new();
        for node in self.organization_path(&org.id).await? {
            let readable = self.may(actor, &node.id, &Permission::new("org", "read")).await?;
            let settings = if readable { Some(self.resolve_organization(&node.id).await?) } else { None };
            let member_here = self.is_direct_member(&subject.id, &node.id).await?;
            chain.push(ChainStep {
                parent_has_access: settings.as_ref().map(|o| o.parent_has_access),
                parent_has_access_to_descendants: settings.as_ref().map(|o| o.parent_has_access_to_descendants),
                org_id: node.id,
                name: node.name,
                member_here,
            });
        }
        Ok(AccessExplanation {
            permission: permission.to_string(),
            fix: fix_for(&decision, &permission, &org.name),
            summary: decision.summary(&permission),
            allowed: decision.allowed,
            reason: decision.reason,
            user_id: subject.id,
            user_email: subject.email,
            org_id: org.id,
            org_name: org.name,
            chain,
        })
    }

    /// "Can this user do this here, and why?" Asking about someone else needs `member:read`.
    pub async fn check_permission(
        &self,
        actor: &Actor,
        id_or_code: &str,
        user_id: Option<&str>,
        permission: &str,
    ) -> DomainResult<(Permission, Decision)> {
        let permission = Permission::parse(permission)
            .map_err(|e| DomainError::invalid("permission", "value_error.permission", e.to_string()))?;
        let org = self.resolve_organization(id_or_code).await?;
        let caller = actor.user_id()?;
        let subject = match user_id {
            Some(other) if other != caller => {
                self.authorize(actor, &org.id, &Permission::new("member", "read")).await?;
                self.existing_user(other).await?.id
            }
            _ => caller.to_owned(),
        };
        let decision = self.decide(&subject, &org.id, &permission).await?;
        Ok((permission, decision))
    }
}
