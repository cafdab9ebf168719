//! The policy editor's preview: who would gain or lose what if a policy said something else.

use super::{PolicyContent, PolicyImpact, RoleRef, policy_permission, storage};
use crate::domain::{
    Actor, Domain, DomainResult,
    authz::{cache::Rewrite, impact::MemberShifts, statements::Statement},
};

impl Domain {
    /// Who would gain or lose what if the policy (`None`: a new one) said `content`: every
    /// member holding a role that uses it (directly or through a group), decided before and
    /// after by the decision function.
    pub async fn policy_impact(
        &self,
        actor: &Actor,
        org_id: &str,
        policy_id: Option<&str>,
        content: &PolicyContent,
    ) -> DomainResult<PolicyImpact> {
        let org = self.authorized_organization(actor, org_id, &policy_permission("read")).await?;
        let (new_statements, _) = self.checked_statements(&org.id, content).await?;
        let Some(policy_id) = policy_id else {
            return Ok(PolicyImpact { roles: Vec::new(), members: MemberShifts::default() });
        };
        let stored = self.existing_policy(&org.id, policy_id).await?;
        let mut tx = self.db.begin().await?;
        let roles = storage::roles_using(&mut tx, &stored.id).await?;
        drop(tx);
        let role_ids: Vec<String> = roles.iter().map(|(role_id, _)| role_id.clone()).collect();
        let members = self.role_holders(&role_ids).await?;
        let statements: Vec<&Statement> = stored.statements.iter().chain(&new_statements).collect();
        let rewrite = Rewrite::Policy { policy_id: &stored.id, statements: &new_statements };
        let members = self.member_shifts(actor, &org.id, &members, &statements, &rewrite).await?;
        Ok(PolicyImpact {
            roles: roles.into_iter().map(|(role_id, name)| RoleRef { role_id, name }).collect(),
            members,
        })
    }
}
