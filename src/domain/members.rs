//! Listing an organization's members (seed 001 "List Org IAM Members"): who belongs, with which
//! roles, and what they may effectively do there.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::{Row, any::AnyRow};

use super::{Actor, Domain, DomainError, DomainResult, cursor, db, permissions::Permission};

/// Which members to list: matching `q` (email or name), holding `role_id`, with `status`.
#[derive(Debug, Clone, Copy, Default)]
pub struct MemberQuery<'a> {
    pub q: Option<&'a str>,
    pub role_id: Option<&'a str>,
    pub status: Option<&'a str>,
    pub cursor: Option<&'a str>,
    pub limit: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleSummary {
    pub role_id: String,
    pub name: String,
    pub description: String,
    pub is_default: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub user_id: String,
    pub org_id: String,
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub avatar_url: Option<String>,
    pub role_ids: Vec<String>,
    pub roles_detail: Vec<RoleSummary>,
    /// Every permission of the schema the member holds here, as the decision function says.
    pub permissions: Vec<String>,
    pub status: String,
    pub joined_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberDetail {
    pub member: Member,
    /// Each permission held, with why.
    pub explained: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberPage {
    pub total: i64,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    pub members: Vec<Member>,
}

/// Which members a bulk change applies to: these users, or every member matching a filter
/// (all of them, not just the page on screen).
#[derive(Debug, Clone, Copy)]
pub enum MemberSelection<'a> {
    Users(&'a [String]),
    Matching { q: Option<&'a str>, role_id: Option<&'a str>, status: Option<&'a str> },
}

impl MemberSelection<'_> {
    /// A condition on `memberships m` selecting these members, with its values, `$1` being
    /// the organization's id.
    pub(super) fn condition(&self, org_id: &str) -> (String, Vec<String>) {
        match self {
            Self::Users(ids) => (
                format!("m.org_id = $1 AND m.user_id IN ({})", db::placeholders(2, ids.len().max(1))),
                std::iter::once(org_id.to_owned())
                    .chain(ids.iter().cloned())
                    .chain(ids.is_empty().then(String::new))
                    .collect(),
            ),
            Self::Matching { q, role_id, status } => (
                MATCHES.to_owned(),
                vec![
                    org_id.to_owned(),
                    db::search_pattern(*q),
                    role_id.unwrap_or_default().to_owned(),
                    status.unwrap_or_default().to_owned(),
                ],
            ),
        }
    }

    /// `FROM memberships m WHERE ...` selecting these members, with its values.
    pub(super) fn in_memberships(&self, org_id: &str) -> (String, Vec<String>) {
        let (condition, values) = self.condition(org_id);
        (format!("FROM memberships m WHERE {condition}"), values)
    }

    /// How to read these members' rows in listing order. Named users are looked up by their
    /// membership. Otherwise the users are walked in email order (the `users_search` index)
    /// and each checked for membership, which stops at the end of the page however large the
    /// organization is, where starting from its memberships would sort them all first.
    /// (`CROSS JOIN` makes SQLite keep the order; PostgreSQL plans the join itself.)
    fn join_order(&self) -> &'static str {
        match self {
            Self::Users(_) => "memberships m CROSS JOIN users u",
            Self::Matching { .. } => "users u CROSS JOIN memberships m",
        }
    }
}

const MEMBER_COLUMNS: &str = "SELECT u.id, u.email, u.email_normalized, u.full_name, u.status, m.joined_at";

/// Members matching a search (`$2`), holding a role (`$3`), with a status (`$4`); each is
/// ignored when empty, and without a search or status no user row is read.
const MATCHES: &str = "m.org_id = $1 \
     AND ($3 = '' OR EXISTS (SELECT 1 FROM membership_roles mr WHERE mr.org_id = m.org_id AND mr.user_id = m.user_id AND mr.role_id = $3)) \
     AND (($2 = '' AND $4 = '') OR EXISTS (SELECT 1 FROM users s WHERE s.id = m.user_id \
          AND ($2 = '' OR s.search_key LIKE $2) AND ($4 = '' OR s.status = $4)))";

impl Domain {
    pub async fn list_members(&self, actor: &Actor, org_id: &str, query: &MemberQuery<'_>) -> DomainResult<MemberPage> {
        let org = self.resolve_organization(org_id).await?;
        self.authorize(actor, &org.id, &Permission::new("member", "read")).await?;
        let (after_email, after_id) = query.cursor.map(cursor::decode).transpose()?.unwrap_or_default();
        let after = (after_email, after_id);
        let pattern = db::search_pattern(query.q);
        let (role_id, status) = (query.role_id.unwrap_or_default(), query.status.unwrap_or_default());
        let (total, rows) = match self.narrow_member_search(&org.id, &pattern, role_id, status).await? {
            Some(keys) => {
                let page: Vec<String> = keys
                    .iter()
                    .filter(|key| query.cursor.is_none() || **key > after)
                    .take(query.limit + 1)
                    .map(|(_, id)| id.clone())
                    .collect();
                let rows = self
                    .member_rows(&org.id, MemberSelection::Users(&page), &(String::new(), String::new()), page.len())
                    .await?;
                (i64::try_from(keys.len()).unwrap_or(i64::MAX), rows)
            }
            None => {
                let selection = MemberSelection::Matching { q: query.q, role_id: query.role_id, status: query.status };
                let (rows_sql, values) = selection.in_memberships(&org.id);
                let count_sql = format!("SELECT COUNT(*) {rows_sql}");
                let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
                for value in &values {
                    count = count.bind(value);
                }
                let total = count.fetch_one(self.db.pool()).await?;
                (total, self.member_rows(&org.id, selection, &after, query.limit + 1).await?)
            }
        };
        let has_more = rows.len() > query.limit;
        let rows = &rows[..rows.len().min(query.limit)];
        let members = self.members_from_rows(&org.id, rows).await?;
        let last_key = match rows.last() {
            Some(last) => Some((last.try_get::<String, _>("email_normalized")?, last.try_get::<String, _>("id")?)),
            None => None,
        };
        let next_cursor = if has_more { last_key.map(|(email, id)| cursor::encode(&email, &id)) } else { None };
        Ok(MemberPage { total, has_more, next_cursor, members })
    }

    /// Up to `limit` rows of [`MEMBER_COLUMNS`] for the selected members, in listing order,
    /// after the (email key, id) `after` (none when empty).
    async fn member_rows(
        &self,
        org_id: &str,
        selection: MemberSelection<'_>,
        after: &(String, String),
        limit: usize,
    ) -> DomainResult<Vec<AnyRow>> {
        let (condition, values) = selection.condition(org_id);
        let next = values.len() + 1;
        let sql = format!(
            "{MEMBER_COLUMNS} FROM {} WHERE m.user_id = u.id AND {condition} \
             AND (${next} = '' OR u.email_normalized > ${next} OR (u.email_normalized = ${next} AND u.id > ${})) \
             ORDER BY u.email_normalized, u.id LIMIT ${}",
            selection.join_order(),
            next + 1,
            next + 2
        );
        let mut query = sqlx::query(&sql);
        for value in &values {
            query = query.bind(value);
        }
        Ok(query
            .bind(&after.0)
            .bind(&after.1)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(self.db.pool())
            .await?)
    }

    /// One member of an organization with every permission they hold there, each with the
    /// sentence that explains it (the member drawer).
    pub async fn member_detail(&self, actor: &Actor, org_id: &str, user_id: &str) -> DomainResult<MemberDetail> {
        let org = self.resolve_organization(org_id).await?;
        self.authorize(actor, &org.id, &Permission::new("member", "read")).await?;
        let rows = sqlx::query(&format!(
            "{MEMBER_COLUMNS} FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND m.user_id = $2"
        ))
        .bind(&org.id)
        .bind(user_id)
        .fetch_all(self.db.pool())
        .await?;
        let member = self
            .members_from_rows(&org.id, &rows)
            .await?
            .pop()
            .ok_or_else(|| DomainError::NotFound { resource_type: "member", resource_id: user_id.to_owned() })?;
        let mut explained = Vec::with_capacity(member.permissions.len());
        for text in &member.permissions {
            let permission = Permission::parse(text).map_err(|e| DomainError::Internal(e.to_string()))?;
            let decision = self.decide(&member.user_id, &org.id, &permission).await?;
            explained.push((text.clone(), decision.summary(&permission)));
        }
        Ok(MemberDetail { member, explained })
    }

    /// Members from rows of [`MEMBER_COLUMNS`], with their roles and effective permissions
    /// (roles and grants loaded in one query each, not per member).
    async fn members_from_rows(&self, org_id: &str, rows: &[AnyRow]) -> DomainResult<Vec<Member>> {
        let everything = self.schema().await?.concrete_permissions();
        let ids = rows.iter().map(|row| row.try_get("id")).collect::<Result<Vec<String>, _>>()?;
        let mut roles_of = self.roles_of_members(org_id, &ids).await?;
        self.authz.preload(&self.db, &ids).await?;
        let mut members = Vec::with_capacity(rows.len());
        for (row, user_id) in rows.iter().zip(ids) {
            let allowed = self.authz.allowed_among(&self.db, &user_id, org_id, &everything).await?;
            let permissions = everything
                .iter()
                .zip(allowed)
                .filter(|(_, allowed)| *allowed)
                .map(|(permission, _)| permission.to_string())
                .collect();
            let roles_detail = roles_of.remove(&user_id).unwrap_or_default();
            let email: String = row.try_get("email")?;
            members.push(Member {
                org_id: org_id.to_owned(),
                username: email.clone(),
                email,
                full_name: row.try_get("full_name")?,
                avatar_url: None,
                role_ids: roles_detail.iter().map(|r| r.role_id.clone()).collect(),
                roles_detail,
                permissions,
                status: row.try_get("status")?,
                joined_at: row.try_get("joined_at")?,
                user_id,
            });
        }
        Ok(members)
    }

    /// The roles each of these members holds in the organization, by name.
    async fn roles_of_members(
        &self,
        org_id: &str,
        user_ids: &[String],
    ) -> DomainResult<HashMap<String, Vec<RoleSummary>>> {
        let mut by_user: HashMap<String, Vec<RoleSummary>> = HashMap::new();
        if user_ids.is_empty() {
            return Ok(by_user);
        }
        let sql = format!(
            "SELECT mr.user_id, r.id, r.name, r.description, r.is_default FROM membership_roles mr \
             JOIN roles r ON r.id = mr.role_id WHERE mr.org_id = $1 AND mr.user_id IN ({}) ORDER BY r.name, r.id",
            db::placeholders(2, user_ids.len())
        );
        let mut query = sqlx::query(&sql).bind(org_id);
        for user_id in user_ids {
            query = query.bind(user_id);
        }
        for row in query.fetch_all(self.db.pool()).await? {
            by_user.entry(row.try_get("user_id")?).or_default().push(RoleSummary {
                role_id: row.try_get("id")?,
                name: row.try_get("name")?,
                description: row.try_get("description")?,
                is_default: db::flag(&row, "is_default")?,
            });
        }
        Ok(by_user)
    }
}
