//! Changing user accounts: create a user in an organization (with a password, or invited
//! without one), change their names and status (disabling ends their sessions at once), and
//! delete them.
//!
//! Who may manage a user: someone holding the member permission in the account's home
//! (`member:assign` to create and rename, `member:remove` to disable, enable or delete), and
//! able to grant every role the change touches: the home's for renaming, every role the user
//! holds anywhere for disabling, enabling and deleting. So an Admin cannot disable or delete a
//! Super Admin, nor a tenant's admin someone who also holds a role elsewhere. Nobody disables
//! or deletes themselves.

use serde_json::json;

use super::{Account, AccountChanges, NewAccount, NewUser, User, UserNames, UserStatus, names_problems, storage};
use crate::domain::{
    Actor, AuditEvent, Domain, DomainError, DomainResult, Mutation, Transaction,
    authz::{ChangeEffect, cache::Change, permissions::Permission, serialize_checked_changes},
    email,
    sessions::passwords::{self, hash_blocking},
};

/// What managing an account touches, which decides whose roles the rule weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AccountChange {
    /// Names: the roles held in the home's subtree (memberships elsewhere neither grant nor
    /// block renaming).
    Names,
    /// Disabling, enabling or deleting: takes away or gives back every role the user holds,
    /// wherever it is held.
    Access,
}

impl Domain {
    /// The actor may manage the account `user_id` with `member:<action>`: held in the account's
    /// home (the organization it was created in; access from above reaches it as usual), and
    /// under the anti-escalation rule for the roles the change touches (see [`AccountChange`];
    /// directly held or through groups): an Admin cannot manage a Super Admin, and a tenant's
    /// admin cannot disable someone who also holds a role at the root.
    async fn authorize_account_management(
        &self,
        actor: &Actor,
        user_id: &str,
        action: &str,
        change: AccountChange,
    ) -> DomainResult<()> {
        let home = self.home_of(user_id).await?;
        self.authorize(actor, &home, &Permission::new("member", action)).await?;
        let mut touched = Vec::new();
        for grant in self.authz.grants_of(&self.db, user_id).await? {
            if change == AccountChange::Access || self.authz.is_within(&self.db, &home, &grant.org_id).await? {
                touched.push(grant);
            }
        }
        self.authorize_change(actor, &ChangeEffect::new().roles(&touched)).await
    }

    /// Creates a user who joins `organization_id` with its default roles (needs `member:assign` there).
    pub async fn create_user(&self, actor: &Actor, new: NewAccount) -> DomainResult<Account> {
        let org =
            self.authorized_organization(actor, &new.organization_id, &Permission::new("member", "assign")).await?;
        let mut errors = names_problems(&new.names);
        let address = email::validate("email", &new.email).map_err(|e| errors.push(e)).ok();
        if let (Some(password), Some(address)) = (&new.password, &address)
            && let Err(DomainError::Invalid(mut problems)) = passwords::check_rules("password", password, address)
        {
            errors.append(&mut problems);
        }
        let Some(address) = address.filter(|_| errors.is_empty()) else {
            return Err(DomainError::Invalid(errors));
        };
        let defaults = self.default_role_ids(&org.id).await?;
        let mut effect = ChangeEffect::new();
        for role_id in &defaults {
            effect = effect.at(&org.id, self.role_statements(&org.id, role_id).await?.1);
        }
        self.authorize_change(actor, &effect).await?;
        let password_hash = match new.password {
            Some(password) => Some(hash_blocking(password).await?),
            None => None,
        };
        let names = UserNames {
            first_name: new.names.first_name.trim().to_owned(),
            last_name: new.names.last_name.trim().to_owned(),
            preferred_name: new.names.preferred_name.trim().to_owned(),
        };
        let full_name = Some(names.full_name()).filter(|n| !n.is_empty()).unwrap_or_else(|| address.clone());
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let user = storage::insert(mutation.tx(), &NewUser { email: address, full_name, password_hash }).await?;
        storage::set_home(mutation.tx(), &user.id, &org.id).await?;
        if !names.full_name().is_empty() {
            storage::set_names(mutation.tx(), &user.id, &names).await?;
        }
        self.join_organization(mutation.tx(), &org.id, &user.id, &defaults).await?;
        let event = AuditEvent::new("user.created")
            .org(&org.id)
            .target("user", &user.id, &user.email)
            .after(json!({ "status": user.status, "names": names, "default_role_ids": defaults }));
        self.commit_authz_change(
            mutation,
            event,
            &[Change::Memberships(vec![user.id.clone()]), Change::Accounts(vec![user.id.clone()])],
        )
        .await?;
        self.account(user).await
    }

    /// Changes names (the user themselves, or whoever manages them) and status (disable or
    /// enable: whoever may remove them, never themselves; disabling ends their sessions).
    pub async fn update_user(&self, actor: &Actor, user_id: &str, changes: AccountChanges) -> DomainResult<Account> {
        let user = self.visible_user(actor, user_id).await?;
        let myself = actor.user_id()? == user.id;
        let status = match changes.status.as_deref() {
            None => None,
            Some("active") => Some(UserStatus::Active),
            Some("disabled") => Some(UserStatus::Disabled),
            Some(_) => {
                return Err(DomainError::invalid("status", "enum", "Status must be \"active\" or \"disabled\""));
            }
        };
        if status.is_some() {
            if myself {
                return Err(DomainError::Conflict("You cannot change your own status.".into()));
            }
            self.authorize_account_management(actor, &user.id, "remove", AccountChange::Access).await?;
        } else if !myself {
            self.authorize_account_management(actor, &user.id, "assign", AccountChange::Names).await?;
        }
        let current = storage::names(&self.db, &user.id).await?;
        let names = UserNames {
            first_name: changes.first_name.unwrap_or(current.first_name.clone()).trim().to_owned(),
            last_name: changes.last_name.unwrap_or(current.last_name.clone()).trim().to_owned(),
            preferred_name: changes.preferred_name.unwrap_or(current.preferred_name.clone()).trim().to_owned(),
        };
        let errors = names_problems(&names);
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        if names != current {
            storage::set_names(mutation.tx(), &user.id, &names).await?;
        }
        if let Some(status) = status.filter(|s| *s != user.status) {
            serialize_checked_changes(mutation.tx()).await?;
            storage::set_status(mutation.tx(), &user.id, status).await?;
            self.ensure_root_keeps_a_super_admin(mutation.tx()).await?;
        }
        let event = AuditEvent::new("user.updated")
            .target("user", &user.id, &user.email)
            .before(json!({ "names": current, "status": user.status }))
            .after(json!({ "names": names, "status": status.unwrap_or(user.status) }));
        self.commit_authz_change(
            mutation,
            event,
            &[Change::Memberships(vec![user.id.clone()]), Change::Accounts(vec![user.id.clone()])],
        )
        .await?;
        let user = self.existing_user(&user.id).await?;
        self.account(user).await
    }

    /// Deletes a user (never yourself), with their memberships.
    pub async fn delete_user(&self, actor: &Actor, user_id: &str) -> DomainResult<()> {
        let user = self.visible_user(actor, user_id).await?;
        if actor.user_id()? == user.id {
            return Err(DomainError::Conflict("You cannot delete your own account.".into()));
        }
        self.authorize_account_management(actor, &user.id, "remove", AccountChange::Access).await?;
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        serialize_checked_changes(mutation.tx()).await?;
        storage::delete(mutation.tx(), &user.id).await?;
        self.ensure_root_keeps_a_super_admin(mutation.tx()).await?;
        let event = AuditEvent::new("user.deleted")
            .target("user", &user.id, &user.email)
            .before(json!({ "email": user.email, "full_name": user.full_name, "status": user.status }));
        self.commit_authz_change(
            mutation,
            event,
            &[Change::Memberships(vec![user.id.clone()]), Change::Accounts(vec![user.id.clone()])],
        )
        .await
    }

    /// Stores a new account, inside the caller's transaction (no authorization: first start
    /// and the command line create admins through this).
    pub(crate) async fn insert_user(
        &self,
        tx: &mut Transaction,
        new: &NewUser,
        home_org_id: &str,
    ) -> DomainResult<User> {
        let user = storage::insert(tx, new).await?;
        storage::set_home(tx, &user.id, home_org_id).await?;
        Ok(user)
    }

    /// Creates, inside the caller's transaction, the account of someone an organization's
    /// identity provider vouches for: active, without a password, at home in that organization.
    pub(crate) async fn provision_sso_user(
        &self,
        tx: &mut Transaction,
        email: &str,
        full_name: &str,
        home_org_id: &str,
    ) -> DomainResult<User> {
        let new = NewUser { email: email.to_owned(), full_name: full_name.to_owned(), password_hash: None };
        let user = self.insert_user(tx, &new, home_org_id).await?;
        storage::set_status(tx, &user.id, UserStatus::Active).await?;
        storage::find_by_id_in(tx, &user.id).await
    }

    /// Records a successful sign-in.
    pub(crate) async fn record_sign_in(&self, tx: &mut Transaction, user_id: &str) -> DomainResult<()> {
        storage::record_sign_in(tx, user_id).await
    }

    /// Stores a new password hash and ends the user's other sessions; returns the new epoch.
    pub(crate) async fn store_password_hash(
        &self,
        tx: &mut Transaction,
        user_id: &str,
        hash: &str,
    ) -> DomainResult<i64> {
        storage::set_password_hash(tx, user_id, hash).await
    }
}
