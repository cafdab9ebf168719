//! Searching a large organization's members by a term. The users whose search key holds the
//! term are found first (by a trigram index, see [`super::user_search_index`], or one pass
//! over a narrow index of the keys), and only they are checked for
//! membership: far cheaper than looking up each of 100,000 members, and than the hash join
//! PostgreSQL picks for it (see `benches/authz.rs`). A term that matches too many users to
//! check one by one is left to the database's join.

use sqlx::Row;

use super::{Domain, DomainResult, db};

/// The most users matching a term that are checked for membership directly.
const NARROW_SEARCH_USERS: usize = 5_000;
/// Users per membership check (well under both engines' limits on bound values).
const USERS_PER_CHECK: usize = 500;

impl Domain {
    /// The (email key, user id) of the organization's members whose search key holds
    /// `pattern` and who hold `role_id` and have `status` (each ignored when empty), in
    /// listing order. `None` when the term is empty or matches more than
    /// [`NARROW_SEARCH_USERS`] users.
    pub(super) async fn narrow_member_search(
        &self,
        org_id: &str,
        pattern: &str,
        role_id: &str,
        status: &str,
    ) -> DomainResult<Option<Vec<(String, String)>>> {
        if pattern.is_empty() {
            return Ok(None);
        }
        // Without a status filter a scan of the keys reads only the users_search index, not the table.
        let status_filter = if status.is_empty() { "$2 = ''" } else { "u.status = $2" };
        let users = self.db.user_search().matching_users(pattern);
        let candidates = sqlx::query(&format!("SELECT u.email_normalized, u.id {users} AND {status_filter} LIMIT $3"))
            .bind(pattern)
            .bind(status)
            .bind(i64::try_from(NARROW_SEARCH_USERS + 1).unwrap_or(i64::MAX))
            .fetch_all(self.db.pool())
            .await?;
        if candidates.len() > NARROW_SEARCH_USERS {
            return Ok(None);
        }
        let mut keys = std::collections::HashMap::with_capacity(candidates.len());
        for row in &candidates {
            keys.insert(row.try_get::<String, _>("id")?, row.try_get::<String, _>("email_normalized")?);
        }
        let ids: Vec<&String> = keys.keys().collect();
        let mut members = Vec::new();
        for chunk in ids.chunks(USERS_PER_CHECK) {
            let sql = format!(
                "SELECT m.user_id FROM memberships m WHERE m.org_id = $1 AND m.user_id IN ({}) \
                 AND ($2 = '' OR EXISTS (SELECT 1 FROM membership_roles mr \
                 WHERE mr.org_id = m.org_id AND mr.user_id = m.user_id AND mr.role_id = $2))",
                db::placeholders(3, chunk.len())
            );
            let mut check = sqlx::query(&sql).bind(org_id).bind(role_id);
            for id in chunk {
                check = check.bind(*id);
            }
            for row in check.fetch_all(self.db.pool()).await? {
                let id: String = row.try_get("user_id")?;
                if let Some(email) = keys.get(&id) {
                    members.push((email.clone(), id));
                }
            }
        }
        members.sort();
        Ok(Some(members))
    }
}
