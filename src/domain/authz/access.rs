//! Asking the decision function: decide, enforce, offer; and resolve-then-authorize.

use super::{permissions::Permission, statements::statements_from_permissions};
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
        match actor.user_id() {
            Ok(user_id) => Ok(self.authz.allows(&self.db, user_id, org_id, permission).await?
                && self.token_allows(actor, org_id, permission).await?),
            Err(_) => Ok(false),
        }
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
        let permitted = match &restriction.permissions {
            None => true,
            Some(patterns) => {
                let allowed: Vec<Permission> = patterns.iter().filter_map(|p| Permission::parse(p).ok()).collect();
                statements_from_permissions(&allowed).iter().any(|s| s.matches(permission))
            }
        };
        let within = match &restriction.org_id {
            Some(root) => self.authz.is_within(&self.db, root, org_id).await?,
            None => true,
        };
        Ok(RestrictionCheck { permission: permitted, organization: within })
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
