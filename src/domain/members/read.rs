//! Listing an organization's members: who belongs, with which roles, and what they may
//! effectively do there.

use std::collections::HashMap;

use sqlx::{Row, any::AnyRow};

use super::{Member, MemberActions, MemberDetail, MemberPage, MemberQuery, MemberSelection, RoleSummary};
use crate::domain::{Actor, Domain, DomainError, DomainResult, authz::permissions::Permission, cursor, db};

const MEMBER_COLUMNS: &str = "SELECT u.id, u.email, u.email_normalized, u.full_name, u.status, m.joined_at";

impl Domain {
    pub async fn list_members(&self, actor: &Actor, org_id: &str, query: &MemberQuery<'_>) -> DomainResult<MemberPage> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("member", "read")).await?;
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
        let org = self.authorized_organization(actor, org_id, &Permission::new("member", "read")).await?;
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
            let permissions = self.permissions_held(&user_id, org_id, &everything).await?;
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
            "SELECT mr.user_id, mr.source, mr.sso_group, r.id, r.name, r.description, r.is_default FROM membership_roles mr \
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
                source: row.try_get("source")?,
                sso_group: row.try_get("sso_group")?,
            });
        }
        Ok(by_user)
    }

    /// Whether the user is a member of the organization itself (not only above it).
    pub(crate) async fn is_direct_member(&self, user_id: &str, org_id: &str) -> DomainResult<bool> {
        Ok(sqlx::query("SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .fetch_optional(self.db.pool())
            .await?
            .is_some())
    }

    /// What the actor may do with the organization's members.
    pub async fn member_actions(&self, actor: &Actor, org_id: &str) -> DomainResult<MemberActions> {
        Ok(MemberActions {
            may_assign: self.may(actor, org_id, &Permission::new("member", "assign")).await?,
            may_remove: self.may(actor, org_id, &Permission::new("member", "remove")).await?,
        })
    }
}
