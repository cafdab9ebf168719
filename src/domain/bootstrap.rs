//! First start: an empty database gets its root organization and a first admin.

use super::{
    Actor, AuditEvent, Domain, DomainError, DomainResult, Mutation,
    authz::cache::Change,
    roles::Predefined,
    sessions::passwords::{self, hash_blocking},
    users::{NewUser, User},
};

pub const DEFAULT_ADMIN_EMAIL: &str = "admin@warden.local";
pub const ROOT_ORGANIZATION_NAME: &str = "Root";

/// What the first start created. `generated_password` is set only when Warden chose the
/// password, which is then shown once and never stored in clear.
#[derive(Debug, Clone)]
pub struct FirstAdmin {
    pub user: User,
    pub generated_password: Option<String>,
}

impl Domain {
    /// Creates the root organization and the first admin if there are no users yet; returns
    /// `None` when the database was already set up.
    pub async fn bootstrap(&self, email: Option<String>, password: Option<String>) -> DomainResult<Option<FirstAdmin>> {
        tokio::task::spawn_blocking(passwords::prepare).await.map_err(|e| DomainError::Internal(e.to_string()))?;
        if self.user_count().await? > 0 {
            return Ok(None);
        }
        let email = email.filter(|e| !e.trim().is_empty()).unwrap_or_else(|| DEFAULT_ADMIN_EMAIL.to_owned());
        let (password, generated) = match password.filter(|p| !p.is_empty()) {
            Some(given) => (given, false),
            None => (passwords::generate(), true),
        };
        let user = self.create_admin(&Actor::system(), &email, "Warden Admin", &password).await?;
        Ok(Some(FirstAdmin { user, generated_password: generated.then_some(password) }))
    }

    /// Creates an admin account: Super Admin of the root organization (which is created too
    /// when the database has none yet).
    pub async fn create_admin(
        &self,
        actor: &Actor,
        email: &str,
        full_name: &str,
        password: &str,
    ) -> DomainResult<User> {
        let (email, full_name) = NewUser::validate(email, full_name)?;
        passwords::check_rules("password", password, &email)?;
        let password_hash = hash_blocking(password.to_owned()).await?;

        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let root_id = match self.root_organization_id(mutation.tx()).await? {
            Some(id) => id,
            None => {
                self.insert_root_organization(mutation.tx(), ROOT_ORGANIZATION_NAME, &email, actor.audit_id()).await?
            }
        };
        let new = NewUser { email, full_name, password_hash: Some(password_hash) };
        let user = self.insert_user(mutation.tx(), &new, &root_id).await?;
        let super_admin = self
            .predefined_role_id(mutation.tx(), &root_id, Predefined::SuperAdmin)
            .await?
            .ok_or_else(|| DomainError::Internal("the root organization has no Super Admin role".into()))?;
        self.join_organization(mutation.tx(), &root_id, &user.id, &[super_admin]).await?;
        let event =
            AuditEvent::new("user.admin_created").org(&root_id).target("user", &user.id, &user.email).after(&user);
        self.commit_authz_change(mutation, event, &[Change::Tree, Change::Memberships(vec![user.id.clone()])]).await?;
        Ok(user)
    }
}
