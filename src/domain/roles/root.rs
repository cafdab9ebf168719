//! The platform's own roles: the root organization's, as seed 002's `/v1/iam/roles` serves
//! them. Each call is the organization-scoped one at the root, authorized the same way
//! (`role:read`, `role:create`, ... there, 403 without it, and the same anti-escalation rule),
//! except that whoever may not see the root gets a not-found that does not name it.

use super::{Role, RoleChanges, RoleFields, RolePage, not_found};
use crate::domain::{Actor, Domain, DomainError, DomainResult};

impl Domain {
    pub async fn list_root_roles(&self, actor: &Actor, after: Option<&str>, limit: usize) -> DomainResult<RolePage> {
        let root = self.root_id().await?;
        self.list_roles(actor, &root, None, after, limit).await.map_err(|e| unnamed_root(e, "root"))
    }

    pub async fn root_role(&self, actor: &Actor, role_id: &str) -> DomainResult<Role> {
        let root = self.root_id().await?;
        self.role(actor, &root, role_id).await.map_err(|e| unnamed_root(e, role_id))
    }

    pub async fn create_root_role(&self, actor: &Actor, fields: RoleFields) -> DomainResult<Role> {
        let root = self.root_id().await?;
        self.create_role(actor, &root, fields).await.map_err(|e| unnamed_root(e, "root"))
    }

    pub async fn update_root_role(&self, actor: &Actor, role_id: &str, changes: RoleChanges) -> DomainResult<Role> {
        let root = self.root_id().await?;
        self.update_role(actor, &root, role_id, changes).await.map_err(|e| unnamed_root(e, role_id))
    }

    pub async fn delete_root_role(&self, actor: &Actor, role_id: &str, unassign: bool) -> DomainResult<()> {
        let root = self.root_id().await?;
        self.delete_role(actor, &root, role_id, unassign).await.map_err(|e| unnamed_root(e, role_id))
    }
}

/// The root's id is nobody's business who may not see the root: its "not found" names the
/// role asked for instead ("root" when none was).
fn unnamed_root(error: DomainError, asked: &str) -> DomainError {
    match error {
        DomainError::NotFound { resource_type: "organization", .. } => not_found(asked),
        other => other,
    }
}
