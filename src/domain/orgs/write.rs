//! Changing the organization tree: create, update settings, move, delete. Each is authorized
//! through the one decision function (structure at the parent, settings at the org).

use super::{DeletionImpact, Organization, OrganizationSettings, org_permission, storage, tree};
use crate::domain::{
    Actor, AuditEvent, Domain, DomainError, DomainResult, Mutation, TreeRule,
    authz::{
        ChangeEffect,
        cache::{Change, TreeEdit},
        decision::PathNode,
        serialize_checked_changes,
    },
    roles::Predefined,
};

pub struct NewOrganization {
    pub parent_id: String,
    pub settings: OrganizationSettings,
    /// Required when the parent will not have access: this existing user becomes Admin there.
    pub first_admin_user_id: Option<String>,
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
        code: org.code.clone(),
    }
}

impl Domain {
    pub async fn create_organization(&self, actor: &Actor, new: NewOrganization) -> DomainResult<Organization> {
        let parent = self.authorized_organization(actor, &new.parent_id, &org_permission("create")).await?;
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
            self.visible_user(actor, user_id).await?;
            // Making someone Admin hands out the Admin role's permissions: the actor must hold
            // them in the new organization, as far as their own roles would reach it.
            let effect = ChangeEffect::new().in_new_child_of(&parent.id, Predefined::Admin.statements());
            self.authorize_change(actor, &effect).await?;
        }

        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let org = storage::insert(mutation.tx(), Some(&parent.id), &settings, actor.audit_id()).await?;
        let [_, admin_role, _] = self.create_predefined_roles(mutation.tx(), &org.id, actor.audit_id()).await?;
        if let Some(user_id) = &new.first_admin_user_id {
            self.join_organization(mutation.tx(), &org.id, user_id, std::slice::from_ref(&admin_role)).await?;
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
        let before = self.authorized_organization(actor, id_or_code, &org_permission("update")).await?;
        let settings = settings.validated()?;
        if before.version != expected_version {
            return Err(storage::stale(&before.id));
        }
        if !settings.can_have_child_organizations && !storage::children(&self.db, &before.id, None, 1).await?.is_empty()
        {
            return Err(TreeRule::StillHasChildren { org: before.name }.into());
        }
        let flags = TreeEdit::Flags {
            org_id: &before.id,
            parent_has_access: settings.parent_has_access,
            parent_has_access_to_descendants: settings.parent_has_access_to_descendants,
        };
        self.authorize_change(actor, &self.reach_effect(&before.id, &flags).await?).await?;
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let after = storage::update(mutation.tx(), &before.id, expected_version, &settings).await?;
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
        let org = self.visible_organization(actor, id_or_code).await?;
        let Some(old_parent) = org.parent_organization_id.clone() else {
            return Err(TreeRule::RootCannotMove.into());
        };
        let target = self.visible_organization(actor, new_parent).await?;
        self.authorize(actor, &old_parent, &org_permission("move")).await?;
        self.authorize(actor, &target.id, &org_permission("move")).await?;
        if target.id == old_parent {
            return Ok(org);
        }
        if !target.can_have_child_organizations {
            return Err(TreeRule::ParentCannotHaveChildren { parent: target.name }.into());
        }
        if self.authz.is_within(&self.db, &org.id, &target.id).await? {
            return Err(TreeRule::MoveIntoOwnSubtree { org: org.name, target: target.name }.into());
        }
        let edit = TreeEdit::Move { org_id: &org.id, new_parent_id: &target.id };
        self.authorize_change(actor, &self.reach_effect(&org.id, &edit).await?).await?;
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        serialize_checked_changes(mutation.tx()).await?;
        if tree::is_in_subtree(mutation.tx(), &org.id, &target.id).await? {
            return Err(TreeRule::MoveIntoOwnSubtree { org: org.name, target: target.name }.into());
        }
        tree::move_subtree(mutation.tx(), &org.id, &target.id).await?;
        storage::touch_version(mutation.tx(), &org.id).await?;
        let moved = storage::find_in(mutation.tx(), &org.id)
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
        let org = self.visible_organization(actor, id_or_code).await?;
        let parent = org.parent_organization_id.as_deref().ok_or(TreeRule::RootCannotBeDeleted)?;
        self.authorize(actor, parent, &org_permission("delete")).await?;
        storage::deletion_impact(&self.db, &org.id).await
    }

    /// Deletes an organization and everything below and inside it, in one transaction.
    /// `typed_name`, when given (the console asks the admin to type it), must be the
    /// organization's name; it is compared only once the actor may delete the organization.
    pub async fn delete_organization(
        &self,
        actor: &Actor,
        id_or_code: &str,
        typed_name: Option<&str>,
    ) -> DomainResult<DeletionImpact> {
        let org = self.visible_organization(actor, id_or_code).await?;
        let parent = org.parent_organization_id.as_deref().ok_or(TreeRule::RootCannotBeDeleted)?;
        self.authorize(actor, parent, &org_permission("delete")).await?;
        if typed_name.is_some_and(|typed| typed.trim() != org.name) {
            return Err(DomainError::invalid(
                "confirm_name",
                "mismatch",
                "Type the organization's name exactly to confirm",
            ));
        }
        if self.is_direct_member(actor.user_id()?, &org.id).await? {
            return Err(TreeRule::CannotDeleteOwnOrganization { org: org.name }.into());
        }
        // Deleting takes every role held in the subtree from whoever holds it.
        let held = self.held_roles(&storage::subtree_ids(&self.db, &org.id).await?).await?;
        self.authorize_change(actor, &ChangeEffect::new().roles(&held)).await?;
        let impact = storage::deletion_impact(&self.db, &org.id).await?;
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let removed = storage::delete_subtree(mutation.tx(), &org.id).await?;
        let event = AuditEvent::new("org.deleted")
            .org(parent)
            .target("organization", &org.id, &org.name)
            .before(&org)
            .after(&impact);
        self.commit_authz_change(mutation, event, &[Change::TreeNodesRemoved(removed)]).await?;
        Ok(impact)
    }

    /// Creates the root organization (first start), inside the caller's transaction.
    pub(crate) async fn insert_root_organization(
        &self,
        tx: &mut crate::domain::Transaction,
        name: &str,
        contact_email: &str,
        created_by: Option<&str>,
    ) -> DomainResult<String> {
        let root_id = storage::insert_root(tx, name, contact_email, created_by).await?;
        self.create_predefined_roles(tx, &root_id, created_by).await?;
        Ok(root_id)
    }
}
