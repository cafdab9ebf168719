//! "Can this user do this here, and why?": the decision with its whole chain, and the fix.

use serde::Serialize;

use super::{
    parse_permission,
    redact::{HIDDEN_ORGANIZATION, as_seen_by},
};
use crate::domain::{
    Actor, Domain, DomainResult,
    authz::{ActorView, Decision, Reason, cache::UserView, permissions::Permission},
    email,
};

/// One organization on the way from the root down to the one asked about, with its access
/// flags (`None` when the asker may not read that organization; its id and name too when the
/// asker may not even see it).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
        let (org, asker) = self.visible_organization_node(actor, org_id).await?;
        let my_id = actor.user_id()?;
        let me = self.existing_user(my_id).await?;
        let subject = match user.map(str::trim).filter(|u| !u.is_empty()) {
            None => me,
            Some(asked) if asked == me.id || email::normalize(asked) == email::normalize(&me.email) => me,
            Some(asked) => {
                self.authorize(actor, &org.org_id, &Permission::new("member", "read")).await?;
                Box::pin(self.visible_user_by_id_or_email(actor, asked)).await?
            }
        };
        // The subject's roles and the asker's rights, each read once from the decision cache;
        // asking about yourself, one read for both.
        let subject_view = match asker.user_view() {
            Some(mine) if subject.id == my_id => mine.clone(),
            _ => self.authz.view(&self.db, &subject.id, &org.org_id).await?,
        };
        let decision = as_seen_by(&asker, subject_view.decide(&org.org_id, &permission)?)?;
        let chain = chain_as_seen_by(&asker, &subject_view, &org.org_id)?;
        Ok(AccessExplanation {
            permission: permission.to_string(),
            fix: fix_for(&decision, &permission, &org.name),
            summary: decision.summary(&permission),
            allowed: decision.allowed,
            reason: decision.reason,
            user_id: subject.id,
            user_email: subject.email,
            org_id: org.org_id,
            org_name: org.name,
            chain,
        })
    }
}

/// The path from the root down to `org_id` as the asker may see it (see
/// [`ActorView::may_see_organization`]: an organization it may read, or whose parent it may
/// read), with the subject's direct memberships on it.
fn chain_as_seen_by(asker: &ActorView<'_>, subject: &UserView, org_id: &str) -> DomainResult<Vec<ChainStep>> {
    let path = subject.path(org_id)?;
    let read = Permission::new("org", "read");
    let readable = path.iter().map(|node| asker.may(&node.org_id, &read)).collect::<DomainResult<Vec<bool>>>()?;
    // The path runs from the organization up: each one's parent comes after it.
    let parent_readable = |depth: usize| readable.get(depth + 1).copied().unwrap_or(false);
    Ok(path
        .into_iter()
        .enumerate()
        .rev()
        .map(|(depth, node)| {
            let member_here = subject.is_member_of(&node.org_id);
            let seen = readable[depth] || parent_readable(depth);
            let flags = readable[depth].then_some((node.parent_has_access, node.parent_has_access_to_descendants));
            let (org_id, name) = if seen {
                (node.org_id.clone(), node.name.clone())
            } else {
                (String::new(), HIDDEN_ORGANIZATION.to_owned())
            };
            ChainStep {
                org_id,
                name,
                parent_has_access: flags.map(|(parent, _)| parent),
                parent_has_access_to_descendants: flags.map(|(_, descendants)| descendants),
                member_here,
            }
        })
        .collect())
}
