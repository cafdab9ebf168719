//! Asking the decision function: decide, enforce, offer; and resolve-then-authorize.

use super::{cache::UserView, permissions::Permission, statements::statements_from_permissions};
use crate::domain::{Actor, Domain, DomainError, DomainResult, TokenRestriction, orgs::Organization};

/// What a token's restriction says about one permission at one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RestrictionCheck {
    /// One of its permission patterns covers the permission (or it has none).
    pub permission: bool,
    /// The organization lies in its subtree (or it has none).
    pub organization: bool,
}

impl RestrictionCheck {
    pub fn both(self) -> bool {
        self.permission && self.organization
    }
}

impl Domain {
    /// Decides whether `user_id` holds `permission` at `org_id`, and why.
    pub async fn decide(&self, user_id: &str, org_id: &str, permission: &Permission) -> DomainResult<super::Decision> {
        self.authz.decide(&self.db, user_id, org_id, permission).await
    }

    /// Which of `among` `user_id` holds at `org_id`, as permission strings: a member's
    /// effective permissions there (the path and the user's roles looked up once).
    pub(crate) async fn permissions_held(
        &self,
        user_id: &str,
        org_id: &str,
        among: &[Permission],
    ) -> DomainResult<Vec<String>> {
        let allowed = self.authz.allowed_among(&self.db, user_id, org_id, among).await?;
        Ok(among.iter().zip(allowed).filter(|(_, allowed)| *allowed).map(|(p, _)| p.to_string()).collect())
    }

    /// Succeeds when the actor holds `permission` at `org_id`; otherwise `Forbidden`, naming
    /// the permission.
    pub async fn authorize(&self, actor: &Actor, org_id: &str, permission: &Permission) -> DomainResult<()> {
        actor.user_id()?;
        if self.may(actor, org_id, permission).await? {
            Ok(())
        } else {
            Err(DomainError::Forbidden { required_permission: permission.to_string() })
        }
    }

    /// Whether the actor holds `permission` at `org_id` (for offering actions, not enforcing).
    /// Through a token, the user's rights narrowed by the token's restriction.
    pub async fn may(&self, actor: &Actor, org_id: &str, permission: &Permission) -> DomainResult<bool> {
        self.actor_view(actor, org_id).await?.may(org_id, permission)
    }

    /// What the actor may do, looked up once (see [`UserView`]), for an answer that asks many
    /// questions about one actor; `org_id` is one of the organizations it asks about.
    pub(crate) async fn actor_view<'a>(&self, actor: &'a Actor, org_id: &str) -> DomainResult<ActorView<'a>> {
        let user = match actor.user_id() {
            Ok(user_id) => Some(self.authz.view(&self.db, user_id, org_id).await?),
            Err(_) => None,
        };
        Ok(ActorView { user, restriction: actor.token.as_ref().map(|token| &token.restriction) })
    }

    /// Whether the token the actor acts through (if any) may be used for `permission` at
    /// `org_id` (see [`Self::restriction_allows`]).
    pub(crate) async fn token_allows(
        &self,
        actor: &Actor,
        org_id: &str,
        permission: &Permission,
    ) -> DomainResult<bool> {
        match &actor.token {
            None => Ok(true),
            Some(token) => Ok(self.restriction_allows(&token.restriction, org_id, permission).await?.both()),
        }
    }

    /// What a token's restriction says about `permission` at `org_id` (or in a new child of
    /// it, which lies in the same subtrees): whether one of its patterns covers the permission
    /// whole, and whether the organization is inside its subtree.
    pub(crate) async fn restriction_allows(
        &self,
        restriction: &TokenRestriction,
        org_id: &str,
        permission: &Permission,
    ) -> DomainResult<RestrictionCheck> {
        let within = match &restriction.org_id {
            Some(root) => self.authz.is_within(&self.db, root, org_id).await?,
            None => true,
        };
        Ok(RestrictionCheck { permission: restriction_permits(restriction, permission), organization: within })
    }

    /// The organization (by id or code), only when the actor holds `permission` there. One the
    /// actor may not see at all answers exactly like one that does not exist (`NotFound`); one
    /// the actor sees but may not act in, `Forbidden`.
    pub async fn authorized_organization(
        &self,
        actor: &Actor,
        id_or_code: &str,
        permission: &Permission,
    ) -> DomainResult<Organization> {
        let org = self.visible_organization(actor, id_or_code).await?;
        self.authorize(actor, &org.id, permission).await?;
        Ok(org)
    }
}

/// Whether one of the restriction's permission patterns covers `permission` whole (or it has
/// none).
fn restriction_permits(restriction: &TokenRestriction, permission: &Permission) -> bool {
    match &restriction.permissions {
        None => true,
        Some(patterns) => {
            let allowed: Vec<Permission> = patterns.iter().filter_map(|p| Permission::parse(p).ok()).collect();
            statements_from_permissions(&allowed).iter().any(|s| s.matches(permission))
        }
    }
}

/// What one actor may do, as the decision cache stood when it was looked up (see
/// [`Domain::actor_view`]): [`Domain::may`]'s answers, without looking anything up again.
pub(crate) struct ActorView<'a> {
    /// `None` for an actor who is not a user (anonymous, the system): allowed nothing.
    user: Option<UserView>,
    /// The restriction of the token the actor acts through.
    restriction: Option<&'a TokenRestriction>,
}

impl ActorView<'_> {
    /// Whether the actor holds `permission` at `org_id`; through a token, narrowed by its
    /// restriction.
    pub(crate) fn may(&self, org_id: &str, permission: &Permission) -> DomainResult<bool> {
        let Some(user) = &self.user else { return Ok(false) };
        if !user.allows(org_id, permission)? {
            return Ok(false);
        }
        Ok(match self.restriction {
            None => true,
            Some(restriction) => {
                restriction_permits(restriction, permission)
                    && match &restriction.org_id {
                        Some(root) => user.is_within(root, org_id)?,
                        None => true,
                    }
            }
        })
    }

    /// The user's own rights, before any token's restriction (`None` for an actor who is not a
    /// user).
    pub(crate) fn user_view(&self) -> Option<&UserView> {
        self.user.as_ref()
    }

    /// The organizations from `org_id` up to the root, as the cache had them.
    pub(crate) fn path(&self, org_id: &str) -> DomainResult<Vec<&super::decision::PathNode>> {
        match &self.user {
            Some(user) => user.path(org_id),
            None => Err(crate::domain::DomainError::Unauthenticated),
        }
    }
}
