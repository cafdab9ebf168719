//! The anti-escalation rule: nobody can give themselves or anyone else more than they hold.
//!
//! Every change that can alter a decision is described by its effect, a [`ChangeEffect`]: the
//! statements that start or stop applying to someone at an organization (a role given or taken
//! away, a policy rewritten, the roles held above a moved organization that reach into it...).
//! A change may only move permissions the actor holds, unrestricted, where they move: for every
//! statement moved at an organization, allow or deny alike, the actor must hold there every
//! permission it covers (the pattern itself and every permission of the schema under it), with
//! no deny of theirs on any instance of it; and, since what applies at an organization reaches
//! the organizations below it, hold it below too (in a child with the default flags) with no
//! deny of theirs further down. So removing or weakening a deny is a grant of what
//! it denied, and taking something away needs the same right as giving it.
//!
//! [`Domain::authorize_change`] is the one check; every capability builds the effect of its
//! change and calls it.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::{
    decision::RoleGrant,
    permissions::Permission,
    statements::{Effect, Statement},
};
use crate::domain::{Actor, Domain, DomainError, DomainResult, MissingPermission};

/// How many missing permissions a refusal names (the count says how many more there are).
const MISSING_NAMED: usize = 50;

/// Where statements start or stop applying.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    In(String),
    /// In an organization about to be created below this parent (default flags).
    InNewChildOf(String),
    /// In the organizations below this one (as far as roles held there reach, with the
    /// default flags, and without a deny of the actor's further down).
    Below(String),
}

/// What a change moves: statements that start or stop applying at organizations.
#[derive(Debug, Clone, Default)]
pub struct ChangeEffect {
    moved: BTreeMap<Place, Vec<Statement>>,
}

impl ChangeEffect {
    pub fn new() -> Self {
        Self::default()
    }

    /// Statements that would start or stop applying at `org_id`.
    pub fn at(mut self, org_id: &str, statements: impl IntoIterator<Item = Statement>) -> Self {
        self.moved.entry(Place::In(org_id.to_owned())).or_default().extend(statements);
        self
    }

    /// Statements that would apply in an organization about to be created under `parent_id`.
    pub fn in_new_child_of(mut self, parent_id: &str, statements: impl IntoIterator<Item = Statement>) -> Self {
        self.moved.entry(Place::InNewChildOf(parent_id.to_owned())).or_default().extend(statements);
        self
    }

    /// Statements that would start or stop applying in the organizations below `org_id` (and
    /// not at `org_id` itself).
    pub fn below(mut self, org_id: &str, statements: impl IntoIterator<Item = Statement>) -> Self {
        self.moved.entry(Place::Below(org_id.to_owned())).or_default().extend(statements);
        self
    }

    /// What rewriting `before` into `after` at `org_id` moves: each statement that is in one
    /// and not the other (a statement that stays moves nothing).
    pub fn rewrite(self, org_id: &str, before: &[Statement], after: &[Statement]) -> Self {
        let (old, new): (HashSet<&Statement>, HashSet<&Statement>) = (before.iter().collect(), after.iter().collect());
        let moved = old.symmetric_difference(&new).map(|s| (*s).clone()).collect::<Vec<_>>();
        self.at(org_id, moved)
    }

    /// Roles that would be given or taken away where they are held.
    pub fn roles<'a>(mut self, grants: impl IntoIterator<Item = &'a RoleGrant>) -> Self {
        for grant in grants {
            let statements = grant.policies.iter().flat_map(|p| p.statements.iter().cloned());
            self = self.at(&grant.org_id, statements);
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.moved.values().all(Vec::is_empty)
    }
}

impl Domain {
    /// The roles someone holds (a member, or a group with members) in these organizations.
    pub(crate) async fn held_roles(&self, org_ids: &[String]) -> DomainResult<Vec<RoleGrant>> {
        super::cache::held_roles(&self.db, org_ids).await
    }

    /// For each permission, whether a deny statement of a role the user holds strictly below
    /// `org_id` covers any part of it.
    async fn restricted_below(
        &self,
        user_id: &str,
        org_id: &str,
        permissions: &[Permission],
    ) -> DomainResult<Vec<bool>> {
        let mut denies: Vec<Statement> = Vec::new();
        for grant in self.authz.grants_of(&self.db, user_id).await? {
            if grant.org_id != org_id && self.authz.is_within(&self.db, org_id, &grant.org_id).await? {
                let statements = grant.policies.iter().flat_map(|p| &p.statements);
                denies.extend(statements.filter(|s| s.effect == Effect::Deny).cloned());
            }
        }
        Ok(permissions.iter().map(|p| denies.iter().any(|deny| deny.overlaps(p))).collect())
    }

    /// The anti-escalation rule (see the module's documentation): succeeds when the actor holds,
    /// unrestricted, every permission the change moves where it moves it; otherwise
    /// [`DomainError::NotHeld`] naming them.
    pub async fn authorize_change(&self, actor: &Actor, effect: &ChangeEffect) -> DomainResult<()> {
        if effect.is_empty() {
            return Ok(());
        }
        let user_id = actor.user_id()?;
        let schema = self.schema().await?;
        let mut missing: Vec<MissingPermission> = Vec::new();
        let mut missing_count = 0_usize;
        for (place, statements) in &effect.moved {
            let mut covered: BTreeSet<Permission> = BTreeSet::new();
            for statement in statements {
                for resource in &statement.resources {
                    for action in &statement.actions {
                        covered.extend(schema.granted_permissions(resource, action));
                    }
                }
            }
            let covered: Vec<Permission> = covered.into_iter().collect();
            let (org_id, at_itself, below) = match place {
                Place::In(org_id) => (org_id, true, true),
                Place::InNewChildOf(parent_id) => (parent_id, false, false),
                Place::Below(org_id) => (org_id, false, true),
            };
            let mut held = self.authz.holds_unrestricted(&self.db, user_id, org_id, !at_itself, &covered).await?;
            if at_itself && below {
                // What starts applying here reaches the organizations below too: the actor must
                // hold it there as well, as far as roles held here reach (a new child with the
                // default flags).
                let reach = self.authz.holds_unrestricted(&self.db, user_id, org_id, true, &covered).await?;
                for (held, reach) in held.iter_mut().zip(reach) {
                    *held = *held && reach;
                }
            }
            if below {
                // ...and without a deny of their own further down.
                let restricted = self.restricted_below(user_id, org_id, &covered).await?;
                for (held, restricted) in held.iter_mut().zip(restricted) {
                    *held = *held && !restricted;
                }
            }
            // Through a token, only what its restriction lets it use.
            for (permission, held) in covered.iter().zip(held.iter_mut()) {
                *held = *held && self.token_allows(actor, org_id, permission).await?;
            }
            if held.iter().all(|h| *h) {
                continue;
            }
            // A refusal never names an organization the actor may not see.
            let named_org = self.may_see_organization(actor, org_id).await?.then(|| org_id.clone());
            for (permission, held) in covered.iter().zip(held) {
                if !held {
                    missing_count += 1;
                    if missing.len() < MISSING_NAMED {
                        missing
                            .push(MissingPermission { permission: permission.to_string(), org_id: named_org.clone() });
                    }
                }
            }
        }
        if missing_count == 0 { Ok(()) } else { Err(DomainError::NotHeld { missing }) }
    }
}
