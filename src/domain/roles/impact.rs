//! The role composer's preview: who would gain or lose what if a role were made of other
//! policies.

use crate::domain::{
    Actor, Domain, DomainError, DomainResult,
    authz::{
        cache::Rewrite, decision::PolicyRules, impact::MemberShifts, permissions::Permission, statements::Statement,
    },
};

impl Domain {
    /// The effect of making `role_id` (`None`: a role not saved yet, held by nobody) consist of
    /// `policy_ids`, on every member holding it (directly or through a group).
    pub async fn role_impact(
        &self,
        actor: &Actor,
        org_id: &str,
        role_id: Option<&str>,
        policy_ids: &[String],
    ) -> DomainResult<MemberShifts> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("role", "read")).await?;
        let mut errors = Vec::new();
        let mut chosen = self.chosen_policies(&org.id, role_id, policy_ids, &mut errors).await?;
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        let Some(role_id) = role_id else { return Ok(MemberShifts::default()) };
        // Its own rules stay whatever else it is made of (see `update_role`).
        if let Some(own) = self.own_rules_of(role_id).await?
            && !chosen.iter().any(|p| p.id == own.id)
        {
            chosen.push(own);
        }
        let (_, current) = self.role_statements(&org.id, role_id).await?;
        let members = self.role_holders(&[role_id.to_owned()]).await?;
        let new_rules: Vec<PolicyRules> = chosen
            .iter()
            .map(|p| PolicyRules {
                policy_id: p.id.clone(),
                policy_name: p.name.clone(),
                statements: p.statements.clone(),
            })
            .collect();
        let statements: Vec<&Statement> = current.iter().chain(chosen.iter().flat_map(|p| &p.statements)).collect();
        let rewrite = Rewrite::Role { role_id, policies: &new_rules };
        self.member_shifts(actor, &org.id, &members, &statements, &rewrite).await
    }
}
