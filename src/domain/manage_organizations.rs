//! The organization tree's capabilities, each authorized through the one decision function.
//!
//! Structure versus entities: an org's node (name, code, place in the tree) belongs to its
//! parent, so reading it through the parent, creating children, moving and deleting are
//! decided at the parent. Its settings, flags and everything in it are decided at the org.

use serde::Serialize;

use super::{
    Actor, AuditEvent, Domain, DomainError, DomainResult, Mutation, TreeRule,
    authz::{Decision, GrantPlace, cache::Change, decision::PathNode},
    cursor,
    organizations::{self, DeletionImpact, OrgLink, Organization, OrganizationNode, OrganizationSettings},
    permissions::Permission,
    roles::{self, Predefined},
    tree, users,
};

pub struct NewOrganization {
    pub parent_id: String,
    pub settings: OrganizationSettings,
    /// Required when the parent will not have access: this existing user becomes Admin there.
    pub first_admin_user_id: Option<String>,
}

/// An org as the actor may see it: all of it, or only its node (through the parent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrganizationView {
    Full(Organization),
    NodeOnly(Organization),
}

/// An organization with its visible path and the actions the actor may take on it, so that
/// pages offer only what is allowed.
#[derive(Debug, Clone)]
pub struct OrganizationOverview {
    pub view: OrganizationView,
    pub path: Vec<OrgLink>,
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

#[derive(Debug, Clone, Serialize)]
pub struct OrganizationPage {
    pub total: usize,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    pub organizations: Vec<Organization>,
}

fn org_permission(action: &str) -> Permission {
    Permission::new("org", action)
}

/// The decision cache's view of an organization after a change to it.
fn tree_change(org: &Organization) -> Change {
    Change::TreeNode {
        node: PathNode {
            org_id: org.id.clone(),
            name: org.name.clone(),
            parent_has_access: org.parent_has_access,
            parent_has_access_to_descendants: org.parent_has_access_to_descendants,
        },
        parent: org.parent_organization_id.clone(),
    }
}

impl Domain {
    /// Looks an organization up by id or code.
    pub async fn resolve_organization(&self, id_or_code: &str) -> DomainResult<Organization> {
        organizations::find(&self.db, id_or_code)
            .await?
            .ok_or_else(|| DomainError::NotFound { resource_type: "organization", resource_id: id_or_code.to_owned() })
    }

    /// Commits a change that can alter decisions, and drops what it makes stale.
    pub(super) async fn commit_authz_change(
        &self,
        mut mutation: Mutation<'_>,
        event: AuditEvent,
        changes: &[Change],
    ) -> DomainResult<()> {
        let generation = roles::bump_generation(mutation.tx()).await?;
        mutation.commit(event).await?;
        for change in changes {
            self.authz.after_commit(change, generation);
        }
        Ok(())
    }

    pub async fn organization(&self, actor: &Actor, id_or_code: &str) -> DomainResult<OrganizationView> {
        let org = self.resolve_organization(id_or_code).await?;
        if self.may(actor, &org.id, &org_permission("read")).await? {
            return Ok(OrganizationView::Full(org));
        }
        match &org.parent_organization_id {
            Some(parent) if self.may(actor, parent, &org_permission("read")).await? => {
                Ok(OrganizationView::NodeOnly(org))
            }
            _ => Err(DomainError::Forbidden { required_permission: "org:read".into() }),
        }
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

    /// The children of an organization, which is part of that organization's own structure.
    pub async fn organization_children(&self, actor: &Actor, id_or_code: &str) -> DomainResult<Vec<OrganizationNode>> {
        let org = self.resolve_organization(id_or_code).await?;
        self.authorize(actor, &org.id, &org_permission("read")).await?;
        organizations::children(&self.db, &org.id).await
    }

    /// The path from the root to the organization, limited to the orgs the actor may see
    /// (those they may read, and those whose parent they may read).
    pub async fn visible_path(&self, actor: &Actor, id_or_code: &str) -> DomainResult<Vec<OrgLink>> {
        let org = self.resolve_organization(id_or_code).await?;
        self.organization(actor, &org.id).await?;
        let mut visible = Vec::new();
        for link in organizations::path(&self.db, &org.id).await? {
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
            nodes.extend(organizations::node(&self.db, &link.id).await?);
        }
        Ok(nodes)
    }

    pub async fn create_organization(&self, actor: &Actor, new: NewOrganization) -> DomainResult<Organization> {
        let parent = self.resolve_organization(&new.parent_id).await?;
        self.authorize(actor, &parent.id, &org_permission("create")).await?;
        if !parent.can_have_child_organizations {
            return Err(TreeRule::ParentCannotHaveChildren { parent: parent.name }.into());
        }
        let settings = new.settings.validated()?;
        if !settings.parent_has_access && new.first_admin_user_id.is_none() {
            return Err(DomainError::invalid(
                "first_admin_user_id",
                "missing",
                "Name the first admin: the parent will have no access to this organization",
            ));
        }
        if let Some(user_id) = &new.first_admin_user_id {
            users::find_by_id(&self.db, user_id)
                .await?
                .ok_or_else(|| DomainError::NotFound { resource_type: "user", resource_id: user_id.clone() })?;
            // Making someone Admin hands out the Admin role's permissions: the actor must hold
            // them in the new organization, as far as their own roles would reach it.
            self.authorize_grant_of(actor, GrantPlace::InNewChildOf(&parent.id), &Predefined::Admin.statements())
                .await?;
        }

        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let org = organizations::insert(mutation.tx(), Some(&parent.id), &settings, actor.audit_id()).await?;
        let [_, admin_role, _] = roles::create_predefined(mutation.tx(), &org.id, actor.audit_id()).await?;
        if let Some(user_id) = &new.first_admin_user_id {
            roles::grant(mutation.tx(), &org.id, user_id, &admin_role).await?;
        }
        let event = AuditEvent::new("org.created").org(&org.id).target("organization", &org.id, &org.name).after(&org);
        let mut changes = vec![tree_change(&org)];
        changes.extend(new.first_admin_user_id.map(|u| Change::Memberships(vec![u])));
        self.commit_authz_change(mutation, event, &changes).await?;
        Ok(org)
    }

    /// Replaces an organization's settings, if it is still at `expected_version`.
    pub async fn update_organization(
        &self,
        actor: &Actor,
        id_or_code: &str,
        settings: OrganizationSettings,
        expected_version: i64,
    ) -> DomainResult<Organization> {
        let before = self.resolve_organization(id_or_code).await?;
        self.authorize(actor, &before.id, &org_permission("update")).await?;
        let settings = settings.validated()?;
        if before.version != expected_version {
            return Err(organizations::stale(&before.id));
        }
        if !settings.can_have_child_organizations && !organizations::children(&self.db, &before.id).await?.is_empty() {
            return Err(TreeRule::StillHasChildren { org: before.name }.into());
        }
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let after = organizations::update(mutation.tx(), &before.id, expected_version, &settings).await?;
        let event = AuditEvent::new("org.updated")
            .org(&after.id)
            .target("organization", &after.id, &after.name)
            .before(&before)
            .after(&after);
        self.commit_authz_change(mutation, event, &[tree_change(&after)]).await?;
        Ok(after)
    }

    /// Moves an organization, with its whole subtree, under another parent.
    pub async fn move_organization(
        &self,
        actor: &Actor,
        id_or_code: &str,
        new_parent: &str,
    ) -> DomainResult<Organization> {
        let org = self.resolve_organization(id_or_code).await?;
        let Some(old_parent) = org.parent_organization_id.clone() else {
            return Err(TreeRule::RootCannotMove.into());
        };
        let target = self.resolve_organization(new_parent).await?;
        self.authorize(actor, &old_parent, &org_permission("move")).await?;
        self.authorize(actor, &target.id, &org_permission("move")).await?;
        if target.id == old_parent {
            return Ok(org);
        }
        if !target.can_have_child_organizations {
            return Err(TreeRule::ParentCannotHaveChildren { parent: target.name }.into());
        }
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        tree::serialize_checked_changes(mutation.tx()).await?;
        if tree::is_in_subtree(mutation.tx(), &org.id, &target.id).await? {
            return Err(TreeRule::MoveIntoOwnSubtree { org: org.name, target: target.name }.into());
        }
        tree::move_subtree(mutation.tx(), &org.id, &target.id).await?;
        organizations::touch_version(mutation.tx(), &org.id).await?;
        let moved = organizations::find_in(mutation.tx(), &org.id)
            .await?
            .ok_or_else(|| DomainError::Internal("moved organization vanished".into()))?;
        let event = AuditEvent::new("org.moved")
            .org(&org.id)
            .target("organization", &org.id, &org.name)
            .before(serde_json::json!({ "parent_organization_id": old_parent }))
            .after(serde_json::json!({ "parent_organization_id": target.id }));
        self.commit_authz_change(mutation, event, &[tree_change(&moved)]).await?;
        Ok(moved)
    }

    /// What deleting the organization would take with it.
    pub async fn organization_deletion_impact(&self, actor: &Actor, id_or_code: &str) -> DomainResult<DeletionImpact> {
        let org = self.resolve_organization(id_or_code).await?;
        let parent = org.parent_organization_id.as_deref().ok_or(TreeRule::RootCannotBeDeleted)?;
        self.authorize(actor, parent, &org_permission("delete")).await?;
        organizations::deletion_impact(&self.db, &org.id).await
    }

    /// Deletes an organization and everything below and inside it, in one transaction.
    pub async fn delete_organization(&self, actor: &Actor, id_or_code: &str) -> DomainResult<DeletionImpact> {
        let org = self.resolve_organization(id_or_code).await?;
        let parent = org.parent_organization_id.as_deref().ok_or(TreeRule::RootCannotBeDeleted)?;
        self.authorize(actor, parent, &org_permission("delete")).await?;
        if self.is_direct_member(actor.user_id()?, &org.id).await? {
            return Err(TreeRule::CannotDeleteOwnOrganization { org: org.name }.into());
        }
        let impact = organizations::deletion_impact(&self.db, &org.id).await?;
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let removed = organizations::delete_subtree(mutation.tx(), &org.id).await?;
        let event = AuditEvent::new("org.deleted")
            .org(parent)
            .target("organization", &org.id, &org.name)
            .before(&org)
            .after(&impact);
        self.commit_authz_change(mutation, event, &[Change::TreeNodesRemoved(removed), Change::RolesOrPolicies])
            .await?;
        Ok(impact)
    }

    pub(super) async fn is_direct_member(&self, user_id: &str, org_id: &str) -> DomainResult<bool> {
        Ok(sqlx::query("SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .fetch_optional(self.db.pool())
            .await?
            .is_some())
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
            let root = self.resolve_organization(root).await?;
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
        for org in organizations::find_many(&self.db, &sql, &bind_refs).await? {
            if self.may(actor, &org.id, &org_permission("read")).await? {
                readable.push(org);
            }
        }
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

    /// "Can this user do this here, and why?" Asking about someone else needs `member:read`.
    pub async fn check_permission(
        &self,
        actor: &Actor,
        id_or_code: &str,
        user_id: Option<&str>,
        permission: &str,
    ) -> DomainResult<(Permission, Decision)> {
        let permission = Permission::parse(permission)
            .map_err(|e| DomainError::invalid("permission", "value_error.permission", e.to_string()))?;
        let org = self.resolve_organization(id_or_code).await?;
        let caller = actor.user_id()?;
        let subject = match user_id {
            Some(other) if other != caller => {
                self.authorize(actor, &org.id, &Permission::new("member", "read")).await?;
                users::find_by_id(&self.db, other)
                    .await?
                    .ok_or_else(|| DomainError::NotFound { resource_type: "user", resource_id: other.to_owned() })?
                    .id
            }
            _ => caller.to_owned(),
        };
        let decision = self.decide(&subject, &org.id, &permission).await?;
        Ok((permission, decision))
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
            let path = organizations::path(&self.db, id).await?;
            let covered = path.iter().rev().skip(1).any(|above| readable.contains(&above.id));
            if !covered {
                roots.extend(organizations::node(&self.db, id).await?);
            }
        }
        Ok(roots)
    }

    /// Readable organizations whose name or code contains `q`, each with its path from the
    /// top of what the actor may see.
    pub async fn search_organizations(
        &self,
        actor: &Actor,
        q: &str,
        limit: usize,
    ) -> DomainResult<Vec<(OrganizationNode, Vec<OrgLink>)>> {
        let filter = OrganizationFilter { q: Some(q.to_owned()), ..OrganizationFilter::default() };
        let page = self.list_organizations(actor, &filter, None, limit).await?;
        let mut hits = Vec::new();
        for org in page.organizations {
            let mut path = self.visible_path(actor, &org.id).await?;
            path.pop();
            if let Some(node) = organizations::node(&self.db, &org.id).await? {
                hits.push((node, path));
            }
        }
        Ok(hits)
    }

    /// Where the actor may move an organization: matching organizations that can have
    /// children, are outside its subtree, are not already its parent, and where the actor
    /// holds `org:move`; each with its path.
    pub async fn move_targets(
        &self,
        actor: &Actor,
        id_or_code: &str,
        q: &str,
    ) -> DomainResult<Vec<(OrganizationNode, Vec<OrgLink>)>> {
        let org = self.resolve_organization(id_or_code).await?;
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
        organizations::find_many(
            &self.db,
            "o.id IN (SELECT org_id FROM memberships WHERE user_id = $1) ORDER BY o.name, o.id",
            &[user_id],
        )
        .await
    }
}
