//! Reading the organization tree: one organization, its children and path, lists, searches
//! and move targets, each as far as the actor may see.

use std::collections::HashMap;

use serde::Serialize;

use super::{Organization, OrganizationLink, OrganizationNode, org_permission, storage};
use crate::domain::{
    Actor, Domain, DomainError, DomainResult, Transaction,
    authz::{ActorView, decision::PathNode, permissions::Permission},
    cursor,
};

/// An org as the actor may see it: all of it, or only its node (through the parent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrganizationView {
    Full(Organization),
    NodeOnly(Organization),
}

/// How much of an organization an actor may see.
pub(crate) enum Sight {
    Full,
    NodeOnly,
    None,
}

/// An organization with its visible path and the actions the actor may take on it, so that
/// pages offer only what is allowed.
#[derive(Debug, Clone)]
pub struct OrganizationOverview {
    pub view: OrganizationView,
    pub path: Vec<OrganizationLink>,
    pub may_update: bool,
    pub may_create_child: bool,
    pub may_move: bool,
    pub may_delete: bool,
}

#[derive(Debug, Clone, Default)]
pub struct OrganizationFilter {
    pub root_organization_id: Option<String>,
    pub can_have_child_organizations: Option<bool>,
    pub q: Option<String>,
}

/// Which of an organization's children to list: a page of them by name, after `cursor`.
#[derive(Debug, Clone, Default)]
pub struct ChildrenQuery<'a> {
    pub cursor: Option<&'a str>,
    pub limit: usize,
    /// A child to show on the first page even where the order puts it later: the tree opened
    /// down to it.
    pub including: Option<&'a str>,
}

/// A page of an organization's children.
#[derive(Debug, Clone)]
pub struct ChildrenPage {
    pub children: Vec<OrganizationNode>,
    pub next_cursor: Option<String>,
    /// The child asked for by [`ChildrenQuery::including`] when it is not on this page.
    pub included: Option<OrganizationNode>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrganizationPage {
    pub total: usize,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    pub organizations: Vec<Organization>,
}

impl Domain {
    /// Looks an organization up by id or code.
    pub(crate) async fn resolve_organization(&self, id_or_code: &str) -> DomainResult<Organization> {
        storage::find(&self.db, id_or_code).await?.ok_or_else(|| not_found(id_or_code))
    }

    /// The root organization's id (there is one from the first start on).
    pub(crate) async fn root_id(&self) -> DomainResult<String> {
        let mut tx = self.db.begin().await?;
        self.root_organization_id(&mut tx)
            .await?
            .ok_or_else(|| DomainError::Internal("there is no root organization".into()))
    }

    /// The root organization's id, inside a transaction (`None` only before the first start).
    pub(crate) async fn root_organization_id(&self, tx: &mut Transaction) -> DomainResult<Option<String>> {
        storage::root_id(tx).await
    }

    /// The organization as the actor may see it: all of it (`org:read` there), or only its node
    /// (`org:read` at its parent). One the actor may not see answers exactly like one that does
    /// not exist.
    pub async fn organization(&self, actor: &Actor, id_or_code: &str) -> DomainResult<OrganizationView> {
        actor.user_id()?;
        let org = self.resolve_organization(id_or_code).await?;
        match self.sight(actor, &org.id, org.parent_organization_id.as_deref()).await? {
            Sight::Full => Ok(OrganizationView::Full(org)),
            Sight::NodeOnly => Ok(OrganizationView::NodeOnly(org)),
            Sight::None => Err(not_found(id_or_code)),
        }
    }

    /// The organization's node (id, name, access flags) if the actor may see it (see
    /// [`Self::organization`]), read from the decision cache when `id_or_code` is an id: the
    /// access explorer's answers then read no table. With it, the actor's view of the
    /// organization that settled it, for what is asked about it next.
    pub(crate) async fn visible_organization_node<'a>(
        &self,
        actor: &'a Actor,
        id_or_code: &str,
    ) -> DomainResult<(PathNode, ActorView<'a>)> {
        actor.user_id()?;
        let path = match self.authz.path(&self.db, id_or_code).await {
            Err(DomainError::NotFound { .. }) => {
                // A code, read from the database: boxed, as the cache's loads are (see `tree`).
                let org = Box::pin(self.visible_organization(actor, id_or_code)).await?;
                self.authz.path(&self.db, &org.id).await?
            }
            path => path?,
        };
        let mut up = path.into_iter();
        let (Some(node), parent) = (up.next(), up.next()) else {
            return Err(not_found(id_or_code));
        };
        let view = self.actor_view(actor, &node.org_id).await?;
        match view.sight(&node.org_id, parent.as_ref().map(|parent| parent.org_id.as_str()))? {
            Sight::Full | Sight::NodeOnly => Ok((node, view)),
            Sight::None => Err(not_found(id_or_code)),
        }
    }

    /// How much of the organization the actor may see (see [`Self::organization`]).
    async fn sight(&self, actor: &Actor, org_id: &str, parent_id: Option<&str>) -> DomainResult<Sight> {
        self.actor_view(actor, org_id).await?.sight(org_id, parent_id)
    }

    /// The organization, if the actor may see it (see [`Self::organization`]); otherwise the
    /// same `NotFound` as for one that does not exist.
    pub async fn visible_organization(&self, actor: &Actor, id_or_code: &str) -> DomainResult<Organization> {
        Ok(match self.organization(actor, id_or_code).await? {
            OrganizationView::Full(org) | OrganizationView::NodeOnly(org) => org,
        })
    }

    /// Whether the actor may see the organization (see [`Self::organization`]), from the
    /// decision cache.
    pub(crate) async fn may_see_organization(&self, actor: &Actor, org_id: &str) -> DomainResult<bool> {
        self.actor_view(actor, org_id).await?.may_see_organization(org_id)
    }

    pub async fn organization_overview(&self, actor: &Actor, id_or_code: &str) -> DomainResult<OrganizationOverview> {
        let view = self.organization(actor, id_or_code).await?;
        let org = match &view {
            OrganizationView::Full(org) | OrganizationView::NodeOnly(org) => org.clone(),
        };
        let path = self.visible_path(actor, &org.id).await?;
        let at_parent = |action: &'static str| {
            let parent = org.parent_organization_id.clone();
            async move {
                match parent {
                    Some(parent) => self.may(actor, &parent, &org_permission(action)).await,
                    None => Ok(false),
                }
            }
        };
        Ok(OrganizationOverview {
            may_update: self.may(actor, &org.id, &org_permission("update")).await?,
            may_create_child: org.can_have_child_organizations
                && self.may(actor, &org.id, &org_permission("create")).await?,
            may_move: at_parent("move").await?,
            may_delete: at_parent("delete").await?,
            view,
            path,
        })
    }

    /// The children of an organization (part of that organization's own structure), by name, a
    /// page at a time: an organization may have thousands.
    pub async fn organization_children(
        &self,
        actor: &Actor,
        id_or_code: &str,
        query: &ChildrenQuery<'_>,
    ) -> DomainResult<ChildrenPage> {
        let org = self.authorized_organization(actor, id_or_code, &org_permission("read")).await?;
        let after = query.cursor.map(cursor::decode).transpose()?;
        let mut children = storage::children(&self.db, &org.id, after.as_ref(), query.limit + 1).await?;
        let next_cursor = cursor::page_end(&mut children, query.limit, |child| (&child.name, &child.id));
        let included = match query.including {
            Some(id) if query.cursor.is_none() && !children.iter().any(|child| child.id == id) => {
                storage::node(&self.db, id)
                    .await?
                    .filter(|node| node.parent_organization_id.as_deref() == Some(&org.id))
            }
            _ => None,
        };
        Ok(ChildrenPage { children, next_cursor, included })
    }

    /// The path from the root to the organization, limited to the orgs the actor may see
    /// (those they may read, and those whose parent they may read).
    pub async fn visible_path(&self, actor: &Actor, id_or_code: &str) -> DomainResult<Vec<OrganizationLink>> {
        let org = self.visible_organization(actor, id_or_code).await?;
        self.visible_links(actor, &org.id).await
    }

    /// [`Self::visible_path`] of an organization the actor is known to see.
    async fn visible_links(&self, actor: &Actor, org_id: &str) -> DomainResult<Vec<OrganizationLink>> {
        self.visible_part(actor, storage::path(&self.db, org_id).await?).await
    }

    /// The links of a path the actor may see.
    async fn visible_part(&self, actor: &Actor, path: Vec<OrganizationLink>) -> DomainResult<Vec<OrganizationLink>> {
        let mut visible = Vec::new();
        for link in path {
            let readable = self.may(actor, &link.id, &org_permission("read")).await?;
            let via_parent = match &link.parent_organization_id {
                Some(parent) => self.may(actor, parent, &org_permission("read")).await?,
                None => false,
            };
            if readable || via_parent {
                visible.push(link);
            }
        }
        Ok(visible)
    }

    /// The visible path with each organization's counts.
    pub async fn organization_ancestors(&self, actor: &Actor, id_or_code: &str) -> DomainResult<Vec<OrganizationNode>> {
        let mut nodes = Vec::new();
        for link in self.visible_path(actor, id_or_code).await? {
            nodes.extend(storage::node(&self.db, &link.id).await?);
        }
        Ok(nodes)
    }
    /// The organizations whose settings the actor may read, filtered, by name, a page at a time.
    pub async fn list_organizations(
        &self,
        actor: &Actor,
        filter: &OrganizationFilter,
        cursor: Option<&str>,
        limit: usize,
    ) -> DomainResult<OrganizationPage> {
        let user_id = actor.user_id()?;
        // Candidates: the subtrees below the actor's memberships; the decision function then
        // keeps the ones the actor may read.
        let mut sql = String::from(
            "o.id IN (SELECT t.descendant_id FROM organization_closure t JOIN memberships m ON m.org_id = t.ancestor_id \
             WHERE m.user_id = $1)",
        );
        let mut binds: Vec<String> = vec![user_id.to_owned()];
        if let Some(root) = &filter.root_organization_id {
            let root = self.visible_organization(actor, root).await?;
            binds.push(root.id);
            sql.push_str(&format!(
                " AND o.id IN (SELECT descendant_id FROM organization_closure WHERE ancestor_id = ${})",
                binds.len()
            ));
        }
        if let Some(flag) = filter.can_have_child_organizations {
            sql.push_str(if flag {
                " AND o.can_have_child_organizations = 1"
            } else {
                " AND o.can_have_child_organizations = 0"
            });
        }
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            binds.push(format!("%{}%", q.to_lowercase().replace(['%', '_'], "")));
            sql.push_str(&format!(
                " AND (LOWER(o.name) LIKE ${0} OR LOWER(COALESCE(o.code, '')) LIKE ${0})",
                binds.len()
            ));
        }
        sql.push_str(" ORDER BY o.name, o.id");
        let bind_refs: Vec<&str> = binds.iter().map(String::as_str).collect();
        let mut readable = Vec::new();
        for org in storage::find_many(&self.db, &sql, &bind_refs).await? {
            if self.may(actor, &org.id, &org_permission("read")).await? {
                readable.push(org);
            }
        }
        // Paged in Rust's byte order, whatever order the engine's collation returned.
        readable.sort_by(|a, b| (a.name.as_str(), a.id.as_str()).cmp(&(b.name.as_str(), b.id.as_str())));
        let start = match cursor {
            Some(cursor) => {
                let (name, id) = cursor::decode(cursor)?;
                readable
                    .iter()
                    .position(|o| (o.name.as_str(), o.id.as_str()) > (name.as_str(), id.as_str()))
                    .unwrap_or(readable.len())
            }
            None => 0,
        };
        let total = readable.len();
        let organizations: Vec<Organization> = readable.into_iter().skip(start).take(limit).collect();
        let has_more = start + organizations.len() < total;
        let next_cursor = if has_more { organizations.last().map(|o| cursor::encode(&o.name, &o.id)) } else { None };
        Ok(OrganizationPage { total, has_more, next_cursor, organizations })
    }

    /// Where the actor's view of the tree starts: the readable organizations of their
    /// memberships that have no readable membership organization above them.
    pub async fn tree_roots(&self, actor: &Actor) -> DomainResult<Vec<OrganizationNode>> {
        let mut readable = Vec::new();
        for org in self.my_organizations(actor).await? {
            if self.may(actor, &org.id, &org_permission("read")).await? {
                readable.push(org.id);
            }
        }
        let mut roots = Vec::new();
        for id in &readable {
            let path = storage::path(&self.db, id).await?;
            let covered = path.iter().rev().skip(1).any(|above| readable.contains(&above.id));
            if !covered {
                roots.extend(storage::node(&self.db, id).await?);
            }
        }
        Ok(roots)
    }

    /// Readable organizations whose name or code contains `q` (in any case), in (name, id)
    /// order, each with its path from the top of what the actor may see. Matches are found in
    /// the decision cache's copy of the tree, so a term every one of 100,000 organizations
    /// matches costs no more than a rare one; only the page's nodes are read from the database.
    pub async fn search_organizations(
        &self,
        actor: &Actor,
        q: &str,
        limit: usize,
    ) -> DomainResult<Vec<(OrganizationNode, Vec<OrganizationLink>)>> {
        self.search_organizations_allowing(actor, q, &org_permission("read"), limit).await
    }

    /// [`Self::search_organizations`], narrowed to the organizations where the actor also holds
    /// `permission` (the ones a form would accept: where it may add users, say).
    pub async fn search_organizations_allowing(
        &self,
        actor: &Actor,
        q: &str,
        permission: &Permission,
        limit: usize,
    ) -> DomainResult<Vec<(OrganizationNode, Vec<OrganizationLink>)>> {
        let user_id = actor.user_id()?;
        if limit == 0 {
            // A batch shorter than the limit ends the loop below: none ever is with a zero limit.
            return Ok(Vec::new());
        }
        let term = q.trim().to_lowercase();
        let mut readable = Vec::new();
        let mut after: Option<(String, String)> = None;
        'batches: loop {
            let position = after.as_ref().map(|(name, id)| (name.as_str(), id.as_str()));
            let batch = self.authz.allowed_matches(&self.db, user_id, &term, permission, position, limit).await?;
            let last_batch = batch.len() < limit;
            for (name, id) in batch {
                if self.shown_in_search(actor, &id, permission).await? {
                    readable.push(id.clone());
                    if readable.len() == limit {
                        break 'batches;
                    }
                }
                after = Some((name, id));
            }
            if last_batch {
                break;
            }
        }
        // The page's nodes and paths in two queries, not two per hit.
        let mut nodes: HashMap<String, OrganizationNode> =
            storage::nodes(&self.db, &readable).await?.into_iter().map(|node| (node.id.clone(), node)).collect();
        let mut paths = storage::paths(&self.db, &readable).await?;
        let mut hits = Vec::with_capacity(readable.len());
        for id in &readable {
            let Some(node) = nodes.remove(id) else { continue };
            let mut path = self.visible_part(actor, paths.remove(id).unwrap_or_default()).await?;
            path.pop();
            hits.push((node, path));
        }
        Ok(hits)
    }

    /// Whether a search shows `org_id`, which the cache found the actor's user allowed
    /// `permission` in: unless its token is narrower, and provided the actor may also see it
    /// (for another permission than `org:read`, seeing it through its parent is enough, as
    /// it is for the forms that act there: a user may be added where it is seen only so).
    async fn shown_in_search(&self, actor: &Actor, org_id: &str, permission: &Permission) -> DomainResult<bool> {
        let read = org_permission("read");
        if actor.token.is_none() && *permission == read {
            return Ok(true);
        }
        let view = self.actor_view(actor, org_id).await?;
        Ok(view.may(org_id, permission)? && (*permission == read || view.may_see_organization(org_id)?))
    }

    /// Where the actor may move an organization: matching organizations that can have
    /// children, are outside its subtree, are not already its parent, and where the actor
    /// holds `org:move`; each with its path.
    pub async fn move_targets(
        &self,
        actor: &Actor,
        id_or_code: &str,
        q: &str,
    ) -> DomainResult<Vec<(OrganizationNode, Vec<OrganizationLink>)>> {
        let org = self.visible_organization(actor, id_or_code).await?;
        let mut targets = Vec::new();
        for (node, path) in self.search_organizations(actor, q, 50).await? {
            let valid = node.can_have_child_organizations
                && node.id != org.id
                && Some(&node.id) != org.parent_organization_id.as_ref()
                && !path.iter().any(|above| above.id == org.id)
                && self.may(actor, &node.id, &org_permission("move")).await?;
            if valid {
                targets.push((node, path));
            }
        }
        Ok(targets)
    }

    /// The organizations in which the actor holds a direct membership, by name.
    pub async fn my_organizations(&self, actor: &Actor) -> DomainResult<Vec<Organization>> {
        let user_id = actor.user_id()?;
        storage::find_many(
            &self.db,
            "o.id IN (SELECT org_id FROM memberships WHERE user_id = $1) ORDER BY o.name, o.id",
            &[user_id],
        )
        .await
    }
}

fn not_found(id_or_code: &str) -> DomainError {
    DomainError::NotFound { resource_type: "organization", resource_id: id_or_code.to_owned() }
}

impl ActorView<'_> {
    /// How much of the organization the actor may see: all of it (`org:read` there), or only
    /// its node (`org:read` at its parent).
    pub(crate) fn sight(&self, org_id: &str, parent_id: Option<&str>) -> DomainResult<Sight> {
        if self.may(org_id, &org_permission("read"))? {
            return Ok(Sight::Full);
        }
        Ok(match parent_id {
            Some(parent) if self.may(parent, &org_permission("read"))? => Sight::NodeOnly,
            _ => Sight::None,
        })
    }

    /// Whether the actor may see the organization (see [`Self::sight`]); one that does not
    /// exist, it may not.
    pub(crate) fn may_see_organization(&self, org_id: &str) -> DomainResult<bool> {
        let parent_id = match self.path(org_id) {
            Ok(path) => path.get(1).map(|parent| parent.org_id.clone()),
            Err(DomainError::NotFound { .. } | DomainError::Unauthenticated) => return Ok(false),
            Err(other) => return Err(other),
        };
        Ok(!matches!(self.sight(org_id, parent_id.as_deref())?, Sight::None))
    }
}
