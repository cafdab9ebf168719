//! The role composer's preview: who would gain or lose what if a role were made of other
//! policies.

use sqlx::Row;

use crate::domain::{
    Actor, Domain, DomainError, DomainResult, FieldError,
    authz::{
        cache::Rewrite,
        decision::PolicyRules,
        impact::{Candidate, MemberShifts},
        permissions::Permission,
        statements::Statement,
    },
    policies::StoredPolicy,
};

impl Domain {
    /// The effect of making `role_id` (`None`: a role not saved yet, held by nobody) consist of
    /// `policy_ids`, on every member holding it.
    pub async fn role_impact(
        &self,
        actor: &Actor,
        org_id: &str,
        role_id: Option<&str>,
        policy_ids: &[String],
    ) -> DomainResult<MemberShifts> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("role", "read")).await?;
        let mut chosen: Vec<StoredPolicy> = Vec::with_capacity(policy_ids.len());
        for (index, policy_id) in policy_ids.iter().enumerate() {
            let policy = self.stored_policy(&org.id, policy_id).await?.ok_or_else(|| {
                DomainError::Invalid(vec![FieldError {
                    loc: vec!["body".into(), "policy_ids".into(), index.to_string()],
                    msg: format!("This organization has no policy {policy_id}"),
                    kind: "unknown_policy".into(),
                }])
            })?;
            chosen.push(policy);
        }
        let Some(role_id) = role_id else { return Ok(MemberShifts::default()) };
        let (_, current) = self.role_statements(&org.id, role_id).await?;
        let holders = sqlx::query(
            "SELECT u.id, u.full_name FROM membership_roles mr JOIN users u ON u.id = mr.user_id \
             WHERE mr.role_id = $1 ORDER BY u.full_name, u.id",
        )
        .bind(role_id)
        .fetch_all(self.db.pool())
        .await?;
        let members = holders
            .iter()
            .map(|row| Ok((row.try_get("id")?, row.try_get("full_name")?)))
            .collect::<DomainResult<Vec<Candidate>>>()?;
        let new_rules: Vec<PolicyRules> = chosen
            .iter()
            .map(|p| PolicyRules {
                policy_id: p.id.clone(),
                policy_name: p.name.clone(),
                statements: p.statements.clone(),
            })
            .collect();
        let statements: Vec<&Statement> = current.iter().chain(chosen.iter().flat_map(|p| &p.statements)).collect();
        let show_names = self.may(actor, &org.id, &Permission::new("member", "read")).await?;
        let rewrite = Rewrite::Role { role_id, policies: &new_rules };
        self.member_shifts(&org.id, &members, &statements, &rewrite, show_names).await
    }
}
