//! User accounts' capabilities (seed 003 where it fits): create a user in an organization
//! (with a password, or invited without one), list and read them, change their names and
//! status (disabling ends their sessions at once), and delete them.
//!
//! Who may manage a user: someone holding the member permission in every organization the
//! user belongs to (`member:assign` to create and change, `member:remove` to disable or
//! delete), and able to grant every role the user holds there, so that an Admin cannot
//! disable or delete a Super Admin. Nobody disables or deletes themselves.

use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use super::{
    Actor, AuditEvent, Domain, DomainError, DomainResult, FieldError, Mutation, User, UserStatus,
    auth::hash_blocking,
    authz::{GrantPlace, cache::Change},
    cursor, db, email, memberships, organizations, passwords,
    permissions::Permission,
    roles,
    users::{self, NewUser, UserNames},
};

pub const MAX_NAME_PART_CHARS: usize = 100;
/// Organizations per `IN (...)` list, well under both engines' limits on bound values.
const ORGS_PER_QUERY: usize = 500;

#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub email: String,
    pub names: UserNames,
    pub password: Option<String>,
    pub organization_id: String,
}

#[derive(Debug, Clone, Default)]
pub struct AccountChanges {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub preferred_name: Option<String>,
    /// `active` or `disabled`.
    pub status: Option<String>,
}

/// A user as the API shows one: never with the password hash.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub user_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub preferred_name: String,
    pub full_name: String,
    pub status: UserStatus,
    pub created_at: String,
    pub last_sign_in_at: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AccountFilter<'a> {
    pub q: Option<&'a str>,
    pub organization_id: Option<&'a str>,
    pub status: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountPage {
    pub total: usize,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    pub users: Vec<Account>,
}

fn names_problems(names: &UserNames) -> Vec<FieldError> {
    [("first_name", &names.first_name), ("last_name", &names.last_name), ("preferred_name", &names.preferred_name)]
        .into_iter()
        .filter(|(_, value)| value.trim().chars().count() > MAX_NAME_PART_CHARS)
        .map(|(field, _)| FieldError::new(field, "too_long", format!("At most {MAX_NAME_PART_CHARS} characters")))
        .collect()
}

fn user_not_found(user_id: &str) -> DomainError {
    DomainError::NotFound { resource_type: "user", resource_id: user_id.to_owned() }
}

impl Domain {
    async fn account(&self, user: User) -> DomainResult<Account> {
        let names = users::names(&self.db, &user.id).await?;
        Ok(Account {
            user_id: user.id,
            email: user.email,
            first_name: names.first_name,
            last_name: names.last_name,
            preferred_name: names.preferred_name,
            full_name: user.full_name,
            status: user.status,
            created_at: user.created_at,
            last_sign_in_at: user.last_sign_in_at,
        })
    }

    async fn user_org_ids(&self, user_id: &str) -> DomainResult<Vec<String>> {
        let rows = sqlx::query("SELECT org_id FROM memberships WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(self.db.pool())
            .await?;
        rows.iter().map(|r| Ok(r.try_get("org_id")?)).collect()
    }

    /// The actor may manage `user_id` with `member:<action>`: held in every organization the
    /// user belongs to (at the root for a user who belongs nowhere), with every role the user
    /// holds there grantable by the actor.
    async fn authorize_user_management(&self, actor: &Actor, user_id: &str, action: &str) -> DomainResult<()> {
        let mut org_ids = self.user_org_ids(user_id).await?;
        if org_ids.is_empty() {
            let mut tx = self.db.begin().await?;
            org_ids.extend(organizations::root_id(&mut tx).await?);
        }
        for org_id in &org_ids {
            self.authorize(actor, org_id, &Permission::new("member", action)).await?;
            let role_ids: Vec<String> =
                sqlx::query("SELECT role_id FROM membership_roles WHERE org_id = $1 AND user_id = $2")
                    .bind(org_id)
                    .bind(user_id)
                    .fetch_all(self.db.pool())
                    .await?
                    .iter()
                    .map(|r| r.try_get("role_id"))
                    .collect::<Result<_, _>>()?;
            for role_id in role_ids {
                let statements = self.role_statements(org_id, &role_id).await?.1;
                self.authorize_grant_of(actor, GrantPlace::In(org_id), &statements).await?;
            }
        }
        Ok(())
    }

    /// Creates a user who joins `organization_id` with its default roles (needs `member:assign` there).
    pub async fn create_user(&self, actor: &Actor, new: NewAccount) -> DomainResult<Account> {
        let org = self.resolve_organization(&new.organization_id).await?;
        self.authorize(actor, &org.id, &Permission::new("member", "assign")).await?;
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
        for role_id in &defaults {
            let statements = self.role_statements(&org.id, role_id).await?.1;
            self.authorize_grant_of(actor, GrantPlace::In(&org.id), &statements).await?;
        }
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
        let user = users::insert(mutation.tx(), &NewUser { email: address, full_name, password_hash }).await?;
        if !names.full_name().is_empty() {
            users::set_names(mutation.tx(), &user.id, &names).await?;
        }
        organizations::add_membership(mutation.tx(), &org.id, &user.id).await?;
        for role_id in &defaults {
            roles::grant(mutation.tx(), &org.id, &user.id, role_id).await?;
        }
        let event = AuditEvent::new("user.created")
            .org(&org.id)
            .target("user", &user.id, &user.email)
            .after(json!({ "status": user.status, "names": names, "default_role_ids": defaults }));
        self.commit_authz_change(mutation, event, &[Change::Memberships(vec![user.id.clone()])]).await?;
        self.account(user).await
    }

    /// A user the actor may see: themselves, or a member of an organization where the actor
    /// holds `member:read`.
    pub async fn user(&self, actor: &Actor, user_id: &str) -> DomainResult<Account> {
        let user = users::find_by_id(&self.db, user_id).await?.ok_or_else(|| user_not_found(user_id))?;
        if actor.user_id()? != user.id {
            let mut visible = false;
            for org_id in self.user_org_ids(&user.id).await? {
                if self.may(actor, &org_id, &Permission::new("member", "read")).await? {
                    visible = true;
                    break;
                }
            }
            if !visible {
                return Err(DomainError::Forbidden { required_permission: "member:read".into() });
            }
        }
        self.account(user).await
    }

    /// Users the actor may see, by email: members of `organization_id` (or of every
    /// organization where the actor holds `member:read`), matching `q` and `status`.
    pub async fn list_users(
        &self,
        actor: &Actor,
        filter: &AccountFilter<'_>,
        after: Option<&str>,
        limit: usize,
    ) -> DomainResult<AccountPage> {
        let user_id = actor.user_id()?;
        let org_ids: Vec<String> = match filter.organization_id {
            Some(org) => {
                let org = self.resolve_organization(org).await?;
                self.authorize(actor, &org.id, &Permission::new("member", "read")).await?;
                vec![org.id]
            }
            None => {
                let rows = sqlx::query(
                    "SELECT DISTINCT t.descendant_id FROM organization_closure t JOIN memberships m ON m.org_id = t.ancestor_id \
                     WHERE m.user_id = $1",
                )
                .bind(user_id)
                .fetch_all(self.db.pool())
                .await?;
                let mut readable = Vec::new();
                for row in rows {
                    let org_id: String = row.try_get("descendant_id")?;
                    if self.may(actor, &org_id, &Permission::new("member", "read")).await? {
                        readable.push(org_id);
                    }
                }
                readable
            }
        };
        let pattern = db::search_pattern(filter.q);
        let status = filter.status.unwrap_or_default();
        let (after_email, after_id) = after.map(cursor::decode).transpose()?.unwrap_or_default();
        // Keyed by (email, id): the listing order, and one entry per user however many of
        // the readable organizations they belong to.
        let mut matches = std::collections::BTreeSet::new();
        for chunk in org_ids.chunks(ORGS_PER_QUERY) {
            let sql = format!(
                "SELECT DISTINCT u.id, u.email_normalized FROM memberships m JOIN users u ON u.id = m.user_id \
                 WHERE m.org_id IN ({}) AND ($1 = '' OR u.search_key LIKE $1) \
                 AND ($2 = '' OR u.status = $2)",
                db::placeholders(3, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(&pattern).bind(status);
            for org_id in chunk {
                query = query.bind(org_id);
            }
            for row in query.fetch_all(self.db.pool()).await? {
                matches.insert((row.try_get::<String, _>("email_normalized")?, row.try_get::<String, _>("id")?));
            }
        }
        let matches: Vec<(String, String)> = matches.into_iter().collect();
        let total = matches.len();
        let start = matches.iter().position(|k| k.0 > after_email || (k.0 == after_email && k.1 > after_id));
        let start = if after.is_some() { start.unwrap_or(total) } else { 0 };
        let page: Vec<&(String, String)> = matches[start..].iter().take(limit).collect();
        let has_more = start + page.len() < total;
        let next_cursor = if has_more { page.last().map(|(e, id)| cursor::encode(e, id)) } else { None };
        let mut accounts = Vec::with_capacity(page.len());
        for (_, id) in page {
            let user = users::find_by_id(&self.db, id).await?.ok_or_else(|| user_not_found(id))?;
            accounts.push(self.account(user).await?);
        }
        Ok(AccountPage { total, has_more, next_cursor, users: accounts })
    }

    /// Changes names (the user themselves, or whoever manages them) and status (disable or
    /// enable: whoever may remove them, never themselves; disabling ends their sessions).
    pub async fn update_user(&self, actor: &Actor, user_id: &str, changes: AccountChanges) -> DomainResult<Account> {
        let user = users::find_by_id(&self.db, user_id).await?.ok_or_else(|| user_not_found(user_id))?;
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
            self.authorize_user_management(actor, &user.id, "remove").await?;
        } else if !myself {
            self.authorize_user_management(actor, &user.id, "assign").await?;
        }
        let current = users::names(&self.db, &user.id).await?;
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
            users::set_names(mutation.tx(), &user.id, &names).await?;
        }
        if let Some(status) = status.filter(|s| *s != user.status) {
            super::tree::serialize_checked_changes(mutation.tx()).await?;
            users::set_status(mutation.tx(), &user.id, status).await?;
            memberships::ensure_root_keeps_a_super_admin(mutation.tx()).await?;
        }
        let event = AuditEvent::new("user.updated")
            .target("user", &user.id, &user.email)
            .before(json!({ "names": current, "status": user.status }))
            .after(json!({ "names": names, "status": status.unwrap_or(user.status) }));
        self.commit_authz_change(mutation, event, &[Change::Memberships(vec![user.id.clone()])]).await?;
        let user = users::find_by_id(&self.db, &user.id).await?.ok_or_else(|| user_not_found(user_id))?;
        self.account(user).await
    }

    /// Deletes a user (never yourself), with their memberships.
    pub async fn delete_user(&self, actor: &Actor, user_id: &str) -> DomainResult<()> {
        let user = users::find_by_id(&self.db, user_id).await?.ok_or_else(|| user_not_found(user_id))?;
        if actor.user_id()? == user.id {
            return Err(DomainError::Conflict("You cannot delete your own account.".into()));
        }
        self.authorize_user_management(actor, &user.id, "remove").await?;
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        super::tree::serialize_checked_changes(mutation.tx()).await?;
        users::delete(mutation.tx(), &user.id).await?;
        memberships::ensure_root_keeps_a_super_admin(mutation.tx()).await?;
        let event = AuditEvent::new("user.deleted").target("user", &user.id, &user.email);
        self.commit_authz_change(mutation, event, &[Change::Memberships(vec![user.id.clone()])]).await
    }
}
