//! Listing an organization's members: who belongs, with which roles, and what they may
//! effectively do there.

use std::collections::HashMap;

use sqlx::{Row, any::AnyRow};

use super::{Member, MemberActions, MemberDetail, MemberPage, MemberQuery, MemberSelection, RoleSummary};
use crate::domain::{
    Actor, Domain, DomainError, DomainResult, authz::permissions::Permission, cursor, db, order::PeopleOrder,
};

const MEMBER_COLUMNS: &str =
    "SELECT u.id, u.email, u.email_normalized, u.full_name, u.status, u.last_sign_in_at, m.joined_at";

/// Where a page of member rows starts, in the listing order: at the beginning, after a
/// position (key, id), or going back from a position (itself included), nearest first.
#[derive(Debug, Clone, Copy)]
enum Seek<'a> {
    Start,
    After(&'a (String, String)),
    Back(&'a (String, String)),
}

impl Domain {
    pub async fn list_members(&self, actor: &Actor, org_id: &str, query: &MemberQuery<'_>) -> DomainResult<MemberPage> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("member", "read")).await?;
        let after = query.cursor.map(cursor::decode_position).transpose()?.flatten();
        let (order, limit) = (query.order, query.limit);
        let pattern = db::search_pattern(query.q);
        let (role_id, status) = (query.role_id.unwrap_or_default(), query.status.unwrap_or_default());
        let (total, rows, next_cursor, previous_cursor) = match self
            .narrow_member_search(&org.id, &pattern, role_id, status, order)
            .await?
        {
            Some(keys) => {
                let window = cursor::window(&keys, after.as_ref(), limit, order.descending);
                let page: Vec<String> = keys[window.start..window.end].iter().map(|(_, id)| id.clone()).collect();
                let mut rows =
                    self.member_rows(&org.id, MemberSelection::Users(&page), order, Seek::Start, page.len()).await?;
                // In the window's order, which the database's collation may not share.
                rows.sort_by_cached_key(|row| {
                    let id = row.try_get::<String, _>("id").unwrap_or_default();
                    page.iter().position(|listed| *listed == id)
                });
                (i64::try_from(keys.len()).unwrap_or(i64::MAX), rows, window.next_cursor, window.previous_cursor)
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
                let seek = after.as_ref().map_or(Seek::Start, Seek::After);
                let mut rows = self.member_rows(&org.id, selection, order, seek, limit + 1).await?;
                let next_cursor = if rows.len() > limit {
                    rows.truncate(limit);
                    rows.last().map(position_of).transpose()?
                } else {
                    None
                };
                let previous_cursor = match &after {
                    Some(position) => {
                        let back = self.member_rows(&org.id, selection, order, Seek::Back(position), limit + 1).await?;
                        Some(match back.get(limit) {
                            Some(before_previous) => position_of(before_previous)?,
                            None => cursor::first_page(),
                        })
                    }
                    None => None,
                };
                (total, rows, next_cursor, previous_cursor)
            }
        };
        let members = self.members_from_rows(&org.id, &rows).await?;
        Ok(MemberPage { total, has_more: next_cursor.is_some(), next_cursor, previous_cursor, members })
    }

    /// The id of the role a member list is filtered by, given as its id or its name (as the
    /// console's role picker holds it). Checked as the list is: whoever may read the members
    /// may name the roles they hold; a name that is no role here is `NotFound`.
    pub async fn member_role_filter(&self, actor: &Actor, org_id: &str, id_or_name: &str) -> DomainResult<String> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("member", "read")).await?;
        self.role_id_named(&org.id, id_or_name)
            .await?
            .ok_or_else(|| DomainError::NotFound { resource_type: "role", resource_id: id_or_name.trim().to_owned() })
    }

    /// Up to `limit` rows of [`MEMBER_COLUMNS`] (and their `sort_key`) for the selected
    /// members, in `order` from `seek` (for [`Seek::Back`], in the opposite order).
    async fn member_rows(
        &self,
        org_id: &str,
        selection: MemberSelection<'_>,
        order: PeopleOrder,
        seek: Seek<'_>,
        limit: usize,
    ) -> DomainResult<Vec<AnyRow>> {
        let (condition, values) = selection.condition(org_id);
        let (key, id) = (order.column.key_sql(), order.column.id_sql());
        let (next, id_at, limit_at) = (values.len() + 1, values.len() + 2, values.len() + 3);
        let (direction, keyset, position) = match seek {
            Seek::Start => (order.sql_direction().0, String::new(), None),
            Seek::After(position) => {
                let (direction, beyond) = order.sql_direction();
                let keyset = format!(" AND ({key} {beyond} ${next} OR ({key} = ${next} AND {id} {beyond} ${id_at}))");
                (direction, keyset, Some(position))
            }
            Seek::Back(position) => {
                let (direction, beyond) = order.reversed().sql_direction();
                let keyset = format!(" AND ({key} {beyond} ${next} OR ({key} = ${next} AND {id} {beyond}= ${id_at}))");
                (direction, keyset, Some(position))
            }
        };
        let sql = format!(
            "{MEMBER_COLUMNS}, {key} AS sort_key FROM {} WHERE m.user_id = u.id AND {condition}{keyset} \
             ORDER BY {key} {direction}, {id} {direction} LIMIT ${}",
            selection.join_order(order.column),
            if position.is_some() { limit_at } else { next }
        );
        let mut query = sqlx::query(&sql);
        for value in &values {
            query = query.bind(value);
        }
        if let Some((after_key, after_id)) = position {
            query = query.bind(after_key).bind(after_id);
        }
        Ok(query.bind(i64::try_from(limit).unwrap_or(i64::MAX)).fetch_all(self.db.pool()).await?)
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
                last_sign_in_at: row.try_get("last_sign_in_at")?,
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

/// The cursor that resumes after this row of [`Domain::member_rows`].
fn position_of(row: &AnyRow) -> DomainResult<String> {
    Ok(cursor::encode(&row.try_get::<String, _>("sort_key")?, &row.try_get::<String, _>("id")?))
}
