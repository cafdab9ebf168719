//! What the asker may see of a decision: the organizations, roles, policies and groups it
//! names, each shown only to whoever may read it; the rest is named by a phrase, so that a
//! tenant learns nothing about other tenants from the explorer.

use crate::domain::{
    DomainResult,
    authz::{
        ActorView, Decision, Reason,
        decision::{BlockedLink, Link},
        permissions::Permission,
    },
};

pub const HIDDEN_ORGANIZATION: &str = "an organization you cannot read";
const HIDDEN_ROLE: &str = "a role you cannot read";
const HIDDEN_POLICY: &str = "a policy you cannot read";
const HIDDEN_GROUP: &str = "a group you cannot read";

/// The decision as the asker (`asker`) may see it.
pub(super) fn as_seen_by(asker: &ActorView<'_>, mut decision: Decision) -> DomainResult<Decision> {
    match &mut decision.reason {
        Reason::Allowed { link } | Reason::DeniedByStatement { link } => redact_link(asker, link)?,
        Reason::NoAllowingRole { blocked: Some(blocked) } => redact_blocked(asker, blocked)?,
        Reason::NoAllowingRole { blocked: None } => {}
    }
    Ok(decision)
}

fn redact_blocked(asker: &ActorView<'_>, blocked: &mut BlockedLink) -> DomainResult<()> {
    redact_link(asker, &mut blocked.link)?;
    if !asker.may_see_organization(&blocked.blocked_at_org_id)? {
        blocked.blocked_at_org_id.clear();
        blocked.blocked_at_org_name = HIDDEN_ORGANIZATION.to_owned();
    }
    Ok(())
}

fn redact_link(asker: &ActorView<'_>, link: &mut Link) -> DomainResult<()> {
    let org = link.membership_org_id.as_str();
    let may = |resource: &str| asker.may(org, &Permission::new(resource, "read"));
    let (role, policy) = (may("role")?, may("policy")?);
    let group = link.via_group.is_none() || may("member")?;
    let organization = asker.may_see_organization(org)?;
    if !role {
        link.role_id.clear();
        link.role_name = HIDDEN_ROLE.to_owned();
    }
    if !policy {
        link.policy_id.clear();
        link.policy_name = HIDDEN_POLICY.to_owned();
    }
    if !group {
        link.via_group = Some(HIDDEN_GROUP.to_owned());
    }
    if !organization {
        link.membership_org_id.clear();
        link.membership_org_name = HIDDEN_ORGANIZATION.to_owned();
    }
    Ok(())
}
