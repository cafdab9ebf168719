//! The SQL behind "who can": the active users holding one of the roles that allow a permission
//! and none of those that deny it, directly or through user groups.
//!
//! How to find them depends on how many hold those roles, and the planners cannot tell (a
//! union of holders has no statistics), so this module chooses, by the figures of
//! benches/authz.rs on 100,000 members:
//! - few holdings: from the holders to their users, then sort them for the page;
//! - past [`SORT_HOLDERS_UP_TO`]: walk the users in email order, testing each by index
//!   look-ups, to the end of the page;
//! - the count: PostgreSQL, past [`SORT_HOLDERS_UP_TO`], tests every user against hashed sets
//!   of holders in one pass (10,000 look-ups of holders took longer); SQLite, which tests a
//!   user by index look-ups, goes from the holders up to [`COUNT_FROM_HOLDERS_UP_TO`], then
//!   counts the distinct holders and takes away those who are not active or are denied.
//!
//! Placeholders: the allowing role ids are `$1..$a`, the denying ones follow.

use crate::domain::{Engine, db};

/// Up to this many role holdings, the page is sorted from the holders.
const SORT_HOLDERS_UP_TO: usize = 2_000;
/// Up to this many role holdings, SQLite counts from the holders.
const COUNT_FROM_HOLDERS_UP_TO: usize = 20_000;

/// The users holding one of the roles `role_ids` (a placeholder list), directly or through a
/// user group; a user appears once per holding.
fn holders_of(role_ids: &str) -> String {
    format!(
        "SELECT mr.user_id FROM membership_roles mr WHERE mr.role_id IN ({role_ids}) \
         UNION ALL SELECT gm.user_id FROM user_group_members gm \
         JOIN user_group_roles gr ON gr.group_id = gm.group_id WHERE gr.role_id IN ({role_ids})"
    )
}

/// One row, `n`: how many times the `allowing` roles are held, counted only as far as the
/// choice of SQL needs.
pub fn holdings_sql(allowing: usize) -> String {
    format!(
        "SELECT COUNT(*) AS n FROM ({} LIMIT {}) h",
        holders_of(&db::placeholders(1, allowing)),
        COUNT_FROM_HOLDERS_UP_TO + 1
    )
}

/// Whether the user `u` holds one of the roles `role_ids` (a placeholder list), directly or
/// through a user group, in a form that PostgreSQL runs once for all users, as hashed sets of
/// holders: for counting through every user.
fn holds_one_of_hashed(role_ids: &str) -> String {
    format!(
        "(EXISTS (SELECT 1 FROM membership_roles mr WHERE mr.user_id = u.id AND mr.role_id IN ({role_ids})) \
         OR EXISTS (SELECT 1 FROM user_group_members gm JOIN user_group_roles gr ON gr.group_id = gm.group_id \
         WHERE gm.user_id = u.id AND gr.role_id IN ({role_ids})))"
    )
}

/// The same test in a form that both engines run user by user, as index look-ups: for
/// walking the users to the end of a page (hashing 100,000 holders first took longer).
fn holds_one_of_per_user(role_ids: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM membership_roles mr WHERE mr.user_id = u.id AND mr.role_id IN ({role_ids}) \
         UNION ALL SELECT 1 FROM user_group_members gm JOIN user_group_roles gr ON gr.group_id = gm.group_id \
         WHERE gm.user_id = u.id AND gr.role_id IN ({role_ids}))"
    )
}

pub struct AllowedUsers {
    allow: String,
    deny: Option<String>,
    /// How many times the allowing roles are held, as [`holdings_sql`] counts them.
    holdings: usize,
    engine: Engine,
}

impl AllowedUsers {
    /// `holdings` is what [`holdings_sql`] answered.
    pub fn new(allowing: usize, denying: usize, holdings: i64, engine: Engine) -> Self {
        Self {
            allow: db::placeholders(1, allowing),
            deny: (denying > 0).then(|| db::placeholders(allowing + 1, denying)),
            holdings: usize::try_from(holdings).unwrap_or(usize::MAX),
            engine,
        }
    }

    /// `FROM users u WHERE ...` for the allowed users: from the holders of the allowing roles,
    /// or testing each user with `holds`.
    fn matching(&self, from_holders: bool, holds: fn(&str) -> String) -> String {
        let allowed = if from_holders { format!("u.id IN ({})", holders_of(&self.allow)) } else { holds(&self.allow) };
        let not_denied = self.deny.as_ref().map(|deny| format!(" AND NOT {}", holds(deny))).unwrap_or_default();
        format!("FROM users u WHERE u.status = 'active' AND {allowed}{not_denied}")
    }

    /// One row, `n`: how many users are allowed.
    pub fn count_sql(&self) -> String {
        let from_holders = match self.engine {
            Engine::Sqlite if self.holdings > COUNT_FROM_HOLDERS_UP_TO => {
                return self.distinct_holders_less_inactive_and_denied();
            }
            Engine::Sqlite => true,
            Engine::Postgres => self.holdings <= SORT_HOLDERS_UP_TO,
        };
        format!("SELECT COUNT(*) AS n {}", self.matching(from_holders, holds_one_of_hashed))
    }

    /// SQLite's count when many hold the roles: the distinct holders, less those who are not
    /// active and those a denying role stops (both usually few, and found from their side).
    fn distinct_holders_less_inactive_and_denied(&self) -> String {
        let holders = format!(
            "SELECT COUNT(*) FROM (SELECT h.user_id FROM ({}) h GROUP BY h.user_id) d",
            holders_of(&self.allow)
        );
        let holds_allowing = holds_one_of_hashed(&self.allow);
        let inactive = format!("SELECT COUNT(*) FROM users u WHERE u.status <> 'active' AND {holds_allowing}");
        let denied = match &self.deny {
            Some(deny) => format!(
                "SELECT COUNT(*) FROM users u WHERE u.status = 'active' AND u.id IN ({}) AND {holds_allowing}",
                holders_of(deny)
            ),
            None => "SELECT 0".to_owned(),
        };
        format!("SELECT ({holders}) - ({inactive}) - ({denied}) AS n")
    }

    /// The page after the cursor: `$k` is the cursor's email (empty for the first page),
    /// `$k+1` its id, `$k+2` the row limit, where `k` follows the role ids.
    pub fn page_sql(&self, k: usize) -> String {
        format!(
            "SELECT u.id, u.email, u.email_normalized, u.full_name {} \
             AND (${k} = '' OR u.email_normalized > ${k} OR (u.email_normalized = ${k} AND u.id > ${})) \
             ORDER BY u.email_normalized, u.id LIMIT ${} OFFSET ${}",
            self.matching(self.holdings <= SORT_HOLDERS_UP_TO, holds_one_of_per_user),
            k + 1,
            k + 2,
            k + 3
        )
    }
}
