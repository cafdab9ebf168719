//! "Can this user do this here, and why?": the decision with its whole chain, and the fix.

use serde::Serialize;

use super::{parse_permission, redact::HIDDEN_ORGANIZATION};
use crate::domain::{
    Actor, Domain, DomainResult,
    authz::{Decision, Reason, permissions::Permission},
    email,
};

/// One organization on the way from the root down to the one asked about, with its access
/// flags (`None` when the asker may not read that organization; its id and name too when the
/// asker may not even see it).
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
    /// "Can this user do this here, and why?": the one answer behind the explorer and
    /// `iam/check`. About yourself (`user` empty, or your id or email) anyone may ask; about
    /// someone else, by id or email, the asker needs `member:read` here and a user they may see,
    /// and learns nothing about the user before that is settled. What the decision names of
    /// organizations, roles and policies the asker may not read is not shown.
    pub async fn explain_access(
        &self,
        actor: &Actor,
        org_id: &str,
        user: Option<&str>,
        permission: &str,
    ) -> DomainResult<AccessExplanation> {
        let permission = parse_permission("body", permission)?;
        let org = self.visible_organization(actor, org_id).await?;
        let me = self.existing_user(actor.user_id()?).await?;
        let subject = match user.map(str::trim).filter(|u| !u.is_empty()) {
            None => me,
            Some(asked) if asked == me.id || email::normalize(asked) == email::normalize(&me.email) => me,
            Some(asked) => {
                self.authorize(actor, &org.id, &Permission::new("member", "read")).await?;
                self.visible_user_by_id_or_email(actor, asked).await?
            }
        };
        let decision = self.decide(&subject.id, &org.id, &permission).await?;
        let decision = self.as_seen_by(actor, decision).await?;
        let mut chain = Vec::new();
        for node in self.organization_path(&org.id).await? {
            let member_here = self.is_direct_member(&subject.id, &node.id).await?;
            if !self.may_see_organization(actor, &node.id).await? {
                chain.push(ChainStep {
                    org_id: String::new(),
                    name: HIDDEN_ORGANIZATION.to_owned(),
                    parent_has_access: None,
                    parent_has_access_to_descendants: None,
                    member_here,
                });
                continue;
            }
            let readable = self.may(actor, &node.id, &Permission::new("org", "read")).await?;
            let settings = if readable { Some(self.resolve_organization(&node.id).await?) } else { None };
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
}
