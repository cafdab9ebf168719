//! Who reaches into an organization from above, and what a move or an access flag would change
//! about it: roles held above an organization apply inside it as far as the flags let them
//! (see `authz::decision`). Moving an organization, or turning its access flags on or off,
//! makes roles held above start or stop reaching into its subtree; that is a change of who
//! holds what, so it goes through the anti-escalation rule like giving those roles.

use serde::Serialize;

use crate::domain::{
    Actor, Domain, DomainResult, MissingPermission,
    authz::{
        ChangeEffect,
        cache::{Rewrite, TreeEdit},
        impact::MemberShifts,
        permissions::Permission,
        statements::Statement,
    },
};

/// What a tree change would do, shown before it is confirmed: what the actor would be refused
/// for (empty when allowed), and who gains or loses what in the organization.
#[derive(Debug, Clone, Serialize)]
pub struct ReachImpact {
    pub refused: Vec<MissingPermission>,
    pub shifts: MemberShifts,
}

impl Domain {
    /// The effect of `edit` on `org_id`: the statements of every role held in an organization
    /// above whose reach into `org_id` (or, past it, into its children) starts or stops.
    pub(super) async fn reach_effect(&self, org_id: &str, edit: &TreeEdit<'_>) -> DomainResult<ChangeEffect> {
        let mut effect = ChangeEffect::new();
        for below in [false, true] {
            let statements = self.reaching_statements(org_id, below, edit).await?;
            effect = if below { effect.below(org_id, statements) } else { effect.at(org_id, statements) };
        }
        Ok(effect)
    }

    /// The statements of the held roles that start or stop applying at `org_id` (or in a child
    /// of it, `below`) with `edit`.
    async fn reaching_statements(
        &self,
        org_id: &str,
        below: bool,
        edit: &TreeEdit<'_>,
    ) -> DomainResult<Vec<Statement>> {
        let held = self.held_roles(&self.orgs_whose_reach_changes(org_id, below, edit).await?).await?;
        Ok(held.iter().flat_map(|g| g.policies.iter().flat_map(|p| p.statements.iter().cloned())).collect())
    }

    /// The organizations above whose roles start or stop applying at `org_id` (or in a child
    /// of it, `below`) with `edit`.
    async fn orgs_whose_reach_changes(
        &self,
        org_id: &str,
        below: bool,
        edit: &TreeEdit<'_>,
    ) -> DomainResult<Vec<String>> {
        let before = self.authz.applicable_orgs(&self.db, org_id, below, None).await?;
        let after = self.authz.applicable_orgs(&self.db, org_id, below, Some(edit)).await?;
        Ok(before
            .iter()
            .filter(|o| !after.contains(o))
            .chain(after.iter().filter(|o| !before.contains(o)))
            .filter(|o| o.as_str() != org_id && !o.is_empty())
            .cloned()
            .collect())
    }

    /// What `edit` would do to `org_id`: whether the actor may make it, and who would gain or
    /// lose what there (decided before and after by the decision function, as the policy and
    /// role previews are).
    pub(super) async fn reach_impact(
        &self,
        actor: &Actor,
        org_id: &str,
        edit: &TreeEdit<'_>,
    ) -> DomainResult<ReachImpact> {
        let effect = self.reach_effect(org_id, edit).await?;
        let refused = match self.authorize_change(actor, &effect).await {
            Ok(()) => Vec::new(),
            Err(crate::domain::DomainError::NotHeld { missing }) => missing,
            Err(other) => return Err(other),
        };
        let held = self.held_roles(&self.orgs_whose_reach_changes(org_id, false, edit).await?).await?;
        let role_ids: Vec<String> = held.iter().map(|g| g.role_id.clone()).collect();
        let candidates = self.role_holders(&role_ids).await?;
        let statements: Vec<&Statement> =
            held.iter().flat_map(|g| g.policies.iter().flat_map(|p| &p.statements)).collect();
        let shifts = self.member_shifts(actor, org_id, &candidates, &statements, &Rewrite::Tree(*edit)).await?;
        Ok(ReachImpact { refused, shifts })
    }

    /// What moving the organization under `new_parent` would do (see [`Self::reach_impact`]);
    /// asked with the same right as the move itself.
    pub async fn move_impact(&self, actor: &Actor, id_or_code: &str, new_parent: &str) -> DomainResult<ReachImpact> {
        let org = self.visible_organization(actor, id_or_code).await?;
        let target = self.visible_organization(actor, new_parent).await?;
        if let Some(old_parent) = &org.parent_organization_id {
            self.authorize(actor, old_parent, &Permission::new("org", "move")).await?;
        }
        self.authorize(actor, &target.id, &Permission::new("org", "move")).await?;
        if self.authz.is_within(&self.db, &org.id, &target.id).await? {
            return Err(crate::domain::TreeRule::MoveIntoOwnSubtree { org: org.name, target: target.name }.into());
        }
        self.reach_impact(actor, &org.id, &TreeEdit::Move { org_id: &org.id, new_parent_id: &target.id }).await
    }

    /// What setting the organization's access flags to these would do (see
    /// [`Self::reach_impact`]); asked with `org:update` there.
    pub async fn access_flags_impact(
        &self,
        actor: &Actor,
        id_or_code: &str,
        parent_has_access: bool,
        parent_has_access_to_descendants: bool,
    ) -> DomainResult<ReachImpact> {
        let org = self.authorized_organization(actor, id_or_code, &Permission::new("org", "update")).await?;
        let edit = TreeEdit::Flags { org_id: &org.id, parent_has_access, parent_has_access_to_descendants };
        self.reach_impact(actor, &org.id, &edit).await
    }
}
