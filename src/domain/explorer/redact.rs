//! What the asker may see of a decision: the organizations, roles, policies and groups it
//! names, each shown only to whoever may read it; the rest is named by a phrase, so that a
//! tenant learns nothing about other tenants from the explorer.

use crate::domain::{
    Actor, Domain, DomainResult,
    authz::{
        Decision, Reason,
        decision::{BlockedLink, Link},
        permissions::Permission,
    },
};

pub const HIDDEN_ORGANIZATION: &str = "an organization you cannot read";
const HIDDEN_ROLE: &str = "a role you cannot read";
const HIDDEN_POLICY: &str = "a policy you cannot read";
const HIDDEN_GROUP: &str = "a group you cannot read";

impl Domain {
    /// The decision as `actor` may see it.
    pub(super) async fn as_seen_by(&self, actor: &Actor, mut decision: Decision) -> DomainResult<Decision> {
        match &mut decision.reason {
            Reason::Allowed { link } | Reason::DeniedByStatement { link } => self.redact_link(actor, link).await?,
            Reason::NoAllowingRole { blocked: Some(blocked) } => self.redact_blocked(actor, blocked).await?,
            Reason::NoAllowingRole { blocked: None } => {}
        }
        Ok(decision)
    }

    async fn redact_blocked(&self, actor: &Actor, blocked: &mut BlockedLink) -> DomainResult<()> {
        self.redact_link(actor, &mut blocked.link).await?;
        if !self.may_see_organization(actor, &blocked.blocked_at_org_id).await? {
            blocked.blocked_at_org_id.clear();
            blocked.blocked_at_org_name = HIDDEN_ORGANIZATION.to_owned();
        }
        Ok(())
    }

    async fn redact_link(&self, actor: &Actor, link: &mut Link) -> DomainResult<()> {
        let org = link.membership_org_id.clone();
        let may = |resource: &'static str| {
            let org = org.clone();
            async move { self.may(actor, &org, &Permission::new(resource, "read")).await }
        };
        if !may("role").await? {
            link.role_id.clear();
            link.role_name = HIDDEN_ROLE.to_owned();
        }
        if !may("policy").await? {
            link.policy_id.clear();
            link.policy_name = HIDDEN_POLICY.to_owned();
        }
        if link.via_group.is_some() && !may("member").await? {
            link.via_group = Some(HIDDEN_GROUP.to_owned());
        }
        if !self.may_see_organization(actor, &org).await? {
            link.membership_org_id.clear();
            link.membership_org_name = HIDDEN_ORGANIZATION.to_owned();
        }
        Ok(())
    }
}
