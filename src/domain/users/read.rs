//! Reading user accounts: one user, and the users the actor may see.

use sqlx::Row;

use super::{Account, AccountFilter, AccountPage, User, storage, user_not_found};
use crate::domain::{
    Actor, Domain, DomainError, DomainResult,
    authz::permissions::Permission,
    cursor, db, email,
    order::{PeopleOrder, USER_ORDERS},
    orgs::Organization,
};

/// The most users matching a picker's term that are checked for visibility.
const PICK_CANDIDATES: usize = 200;

/// Organizations per `IN (...)` list, well under both engines' limits on bound values.
const ORGS_PER_QUERY: usize = 500;

impl Domain {
    /// A user by id (no authorization: for other capabilities, which decide first).
    pub(crate) async fn find_user(&self, user_id: &str) -> DomainResult<Option<User>> {
        self.authz.account(&self.db, user_id).await
    }

    /// The emails of these users, in order (an id that names no account stays as it is): for
    /// the audit log, which shows people as they were beside their ids.
    pub(crate) async fn user_emails(&self, user_ids: &[String]) -> DomainResult<Vec<String>> {
        let mut emails = Vec::with_capacity(user_ids.len());
        for user_id in user_ids {
            emails.push(self.find_user(user_id).await?.map_or_else(|| user_id.clone(), |user| user.email));
        }
        Ok(emails)
    }

    /// A user by id, or `NotFound` (no authorization: for other capabilities).
    pub(crate) async fn existing_user(&self, user_id: &str) -> DomainResult<User> {
        self.find_user(user_id).await?.ok_or_else(|| user_not_found(user_id))
    }

    /// A user with their password hash, by normalized email (for signing in).
    pub(crate) async fn user_credentials(&self, email_key: &str) -> DomainResult<Option<(User, Option<String>)>> {
        storage::find_credentials(&self.db, email_key).await
    }

    /// How many accounts exist.
    pub(crate) async fn user_count(&self) -> DomainResult<i64> {
        storage::count(&self.db).await
    }

    /// A user by id or, failing that, by email (no authorization: callers decide first).
    async fn user_by_id_or_email(&self, user: &str) -> DomainResult<User> {
        match storage::find_by_id(&self.db, user).await? {
            Some(found) => Ok(found),
            None => storage::find_credentials(&self.db, &email::normalize(user))
                .await?
                .map(|(found, _)| found)
                .ok_or_else(|| DomainError::NotFound { resource_type: "user", resource_id: user.to_owned() }),
        }
    }

    pub(super) async fn account(&self, user: User) -> DomainResult<Account> {
        let names = storage::names(&self.db, &user.id).await?;
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

    pub(crate) async fn user_org_ids(&self, user_id: &str) -> DomainResult<Vec<String>> {
        let rows = sqlx::query("SELECT org_id FROM memberships WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(self.db.pool())
            .await?;
        rows.iter().map(|r| Ok(r.try_get("org_id")?)).collect()
    }

    /// A user the actor may see: themselves, or a member of (or homed in) an organization where
    /// the actor holds `member:read`.
    pub async fn user(&self, actor: &Actor, user_id: &str) -> DomainResult<Account> {
        let user = self.visible_user(actor, user_id).await?;
        self.account(user).await
    }

    /// A user the actor may see (see [`Self::user`]); one the actor may not see answers exactly
    /// like one that does not exist. Adding someone to an organization, naming a first admin
    /// and looking someone up in the explorer all go through this.
    pub async fn visible_user(&self, actor: &Actor, user_id: &str) -> DomainResult<User> {
        let user = self.find_user(user_id).await?.ok_or_else(|| user_not_found(user_id))?;
        if actor.user_id()? == user.id {
            return Ok(user);
        }
        let mut places = self.user_org_ids(&user.id).await?;
        places.push(self.home_of(&user.id).await?);
        for org_id in places {
            if self.may(actor, &org_id, &Permission::new("member", "read")).await? {
                return Ok(user);
            }
        }
        Err(user_not_found(user_id))
    }

    /// Whether the actor may see the user (see [`Self::visible_user`]).
    pub(crate) async fn may_see_user(&self, actor: &Actor, user_id: &str) -> DomainResult<bool> {
        match self.visible_user(actor, user_id).await {
            Ok(_) => Ok(true),
            Err(DomainError::NotFound { .. } | DomainError::Unauthenticated) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// A visible user (see [`Self::visible_user`]) by id or, failing that, by email.
    pub async fn visible_user_by_id_or_email(&self, actor: &Actor, user: &str) -> DomainResult<User> {
        let found = self.user_by_id_or_email(user).await?;
        self.visible_user(actor, &found.id).await.map_err(|_| user_not_found(user))
    }

    /// The organization whose admins manage the account (see [`Self::authorize_account_management`]).
    pub(crate) async fn home_of(&self, user_id: &str) -> DomainResult<String> {
        match storage::home_of(&self.db, user_id).await? {
            Some(home) => Ok(home),
            None => self.root_id().await,
        }
    }

    /// Users the actor may see: members of `organization_id` (or of every organization where
    /// the actor holds `member:read`), matching `q` and `status`, in `order` (one of
    /// [`USER_ORDERS`](crate::domain::order::USER_ORDERS)).
    pub async fn list_users(
        &self,
        actor: &Actor,
        filter: &AccountFilter<'_>,
        order: PeopleOrder,
        after: Option<&str>,
        limit: usize,
    ) -> DomainResult<AccountPage> {
        let user_id = actor.user_id()?;
        let order = order.within(USER_ORDERS)?;
        let org_ids: Vec<String> = match filter.organization_id {
            Some(org) => {
                let org = self.authorized_organization(actor, org, &Permission::new("member", "read")).await?;
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
        let after = after.map(cursor::decode_position).transpose()?.flatten();
        // Keyed by (order key, id): the listing order, and one entry per user however many of
        // the readable organizations they belong to.
        let mut matches = std::collections::BTreeSet::new();
        for chunk in org_ids.chunks(ORGS_PER_QUERY) {
            let sql = format!(
                "SELECT DISTINCT u.id, {} AS sort_key FROM memberships m JOIN users u ON u.id = m.user_id \
                 WHERE m.org_id IN ({}) AND ($1 = '' OR u.search_key LIKE $1) \
                 AND ($2 = '' OR u.status = $2)",
                order.column.key_sql(),
                db::placeholders(3, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(&pattern).bind(status);
            for org_id in chunk {
                query = query.bind(org_id);
            }
            for row in query.fetch_all(self.db.pool()).await? {
                matches.insert((row.try_get::<String, _>("sort_key")?, row.try_get::<String, _>("id")?));
            }
        }
        let mut matches: Vec<(String, String)> = matches.into_iter().collect();
        if order.descending {
            matches.reverse();
        }
        let window = cursor::window(&matches, after.as_ref(), limit, order.descending);
        let mut accounts = Vec::with_capacity(window.end - window.start);
        for (_, id) in &matches[window.start..window.end] {
            let user = self.existing_user(id).await?;
            accounts.push(self.account(user).await?);
        }
        Ok(AccountPage {
            total: matches.len(),
            has_more: window.next_cursor.is_some(),
            next_cursor: window.next_cursor,
            previous_cursor: window.previous_cursor,
            users: accounts,
        })
    }

    /// Up to `limit` users the actor may see whose email or name holds `q`, by email: what a
    /// picker offers. The search index finds candidates directly (rather than walking every
    /// organization the actor reads, as the user list does), and each is checked like any
    /// look-up. Only the first [`PICK_CANDIDATES`] matches are checked, so a term matching
    /// many users the actor may not see can come back short: typing more narrows it.
    pub async fn find_users(&self, actor: &Actor, q: &str, limit: usize) -> DomainResult<Vec<User>> {
        let pattern = db::search_pattern(Some(q));
        if pattern.is_empty() {
            return Ok(Vec::new());
        }
        let users = self.db.user_search().matching_users(&pattern);
        let candidates = sqlx::query(&format!("SELECT u.id {users} LIMIT $2"))
            .bind(&pattern)
            .bind(i64::try_from(PICK_CANDIDATES).unwrap_or(i64::MAX))
            .fetch_all(self.db.pool())
            .await?;
        let mut found = Vec::new();
        for row in candidates {
            let user_id: String = row.try_get("id")?;
            if self.may_see_user(actor, &user_id).await? {
                found.push(self.existing_user(&user_id).await?);
            }
        }
        found.sort_by(|a, b| a.email.cmp(&b.email));
        found.truncate(limit);
        Ok(found)
    }

    /// Where the actor may create users: their own organizations and `also` (the organization
    /// whose members page led there, if known), wherever they may assign members.
    pub async fn organizations_for_new_users(
        &self,
        actor: &Actor,
        also: Option<&str>,
    ) -> DomainResult<Vec<Organization>> {
        let mut candidates = self.my_organizations(actor).await?;
        // An unknown organization is just not offered.
        if let Some(asked) = also.filter(|a| !a.is_empty())
            && let Ok(asked) = self.visible_organization(actor, asked).await
            && !candidates.iter().any(|c| c.id == asked.id)
        {
            candidates.insert(0, asked);
        }
        let mut allowed = Vec::new();
        for org in candidates {
            if self.may(actor, &org.id, &Permission::new("member", "assign")).await? {
                allowed.push(org);
            }
        }
        Ok(allowed)
    }
}
