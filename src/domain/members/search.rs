//! Searching a large organization's members by a term. The users whose search key holds the
//! term are found first (by a trigram index, see [`crate::domain::users::search_index`], or one pass
//! over a narrow index of the keys), and only they are checked for membership: far cheaper
//! than looking up each of 100,000 members, and than the hash join PostgreSQL picks for it
//! (see `benches/authz.rs`). A term that matches too many users to check one by one is left
//! to the database's join.

use sqlx::Row;

use crate::domain::{
    Domain, DomainResult,
    order::{PeopleColumn, PeopleOrder},
};

/// The most users matching a term that are checked for membership directly.
const NARROW_SEARCH_USERS: usize = 5_000;

impl Domain {
    /// The (order key, user id) of the organization's members whose search key holds
    /// `pattern` and who hold `role_id` and have `status` (each ignored when empty), in
    /// listing `order`. `None` when the term is empty or matches more than
    /// [`NARROW_SEARCH_USERS`] users.
    pub(super) async fn narrow_member_search(
        &self,
        org_id: &str,
        pattern: &str,
        role_id: &str,
        status: &str,
        order: PeopleOrder,
    ) -> DomainResult<Option<Vec<(String, String)>>> {
        if pattern.is_empty() {
            return Ok(None);
        }
        // Ordered by email without a status filter, a scan of the keys reads only the users_search
        // index, not the table.
        let status_filter = if status.is_empty() { "$2 = ''" } else { "u.status = $2" };
        let users = self.db.user_search().matching_users(pattern);
        // The order of joining is the membership's; any other key is the user's.
        let user_key = match order.column {
            PeopleColumn::Joined => "''",
            column => column.key_sql(),
        };
        // Each matching user is checked for membership in the same query (by the memberships
        // key), which costs less than sending their ids back in a second one: `joined_at` is
        // NULL for those who are not members.
        let candidates = sqlx::query(&format!(
            "SELECT c.sort_key, c.id, \
               (SELECT m.joined_at FROM memberships m WHERE m.org_id = $4 AND m.user_id = c.id \
                AND ($5 = '' OR EXISTS (SELECT 1 FROM membership_roles mr \
                  WHERE mr.org_id = m.org_id AND mr.user_id = m.user_id AND mr.role_id = $5))) AS joined_at \
             FROM (SELECT {user_key} AS sort_key, u.id {users} AND {status_filter} LIMIT $3) c"
        ))
        .bind(pattern)
        .bind(status)
        .bind(i64::try_from(NARROW_SEARCH_USERS + 1).unwrap_or(i64::MAX))
        .bind(org_id)
        .bind(role_id)
        .fetch_all(self.db.pool())
        .await?;
        if candidates.len() > NARROW_SEARCH_USERS {
            return Ok(None);
        }
        let mut members = Vec::new();
        for row in &candidates {
            if let Some(joined_at) = row.try_get::<Option<String>, _>("joined_at")? {
                let key = if order.column == PeopleColumn::Joined { joined_at } else { row.try_get("sort_key")? };
                members.push((key, row.try_get::<String, _>("id")?));
            }
        }
        members.sort();
        if order.descending {
            members.reverse();
        }
        Ok(Some(members))
    }
}
