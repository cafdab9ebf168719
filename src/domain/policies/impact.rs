//! The policy editor's preview: who would gain or lose what if a policy said something else.

use sqlx::Row;

use super::{PolicyContent, PolicyImpact, RoleRef, policy_permission, storage};
use crate::domain::{
    Actor, Domain, DomainResult,
    authz::{cache::Rewrite, impact::Candidate, permissions::Permission, statements::Statement},
};

impl Domain {
    /// Who would gain or lose what if the policy (`None`: a new one) said `content`: every
    /// member holding a role that uses it, decided before and after by the decision function.
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
            return Ok(PolicyImpact {
                roles: Vec::new(),
                member_count: 0,
                affected_member_count: 0,
                shifts: Vec::new(),
            });
        };
        let stored = self.existing_policy(&org.id, policy_id).await?;
        let may_see_members = self.may(actor, &org.id, &Permission::new("member", "read")).await?;
        let mut tx = self.db.begin().await?;
        let roles = storage::roles_using(&mut tx, &stored.id).await?;
        let members = sqlx::query(
            "SELECT DISTINCT u.id, u.full_name FROM role_policies rp \
             JOIN membership_roles mr ON mr.role_id = rp.role_id JOIN users u ON u.id = mr.user_id \
             WHERE rp.policy_id = $1 ORDER BY u.full_name, u.id",
        )
        .bind(&stored.id)
        .fetch_all(&mut *tx)
        .await?;
        drop(tx);
        let members = members
            .iter()
            .map(|row| Ok((row.try_get("id")?, row.try_get("full_name")?)))
            .collect::<DomainResult<Vec<Candidate>>>()?;
        let statements: Vec<&Statement> = stored.statements.iter().chain(&new_statements).collect();
        let rewrite = Rewrite::Policy { policy_id: &stored.id, statements: &new_statements };
        let shifts = self.member_shifts(&org.id, &members, &statements, &rewrite, may_see_members).await?;
        Ok(PolicyImpact {
            roles: roles.into_iter().map(|(role_id, name)| RoleRef { role_id, name }).collect(),
            member_count: shifts.member_count,
            affected_member_count: shifts.affected_member_count,
            shifts: shifts.shifts,
        })
    }
}
