//! "Who can do this here?": every active user allowed a permission at an organization, with
//! the reason, a page at a time.

use serde::Serialize;
use sqlx::Row;

use super::{
    allowed_users::{self, AllowedUsers},
    parse_permission,
    redact::as_seen_by,
};
use crate::domain::{
    Actor, Domain, DomainError, DomainResult,
    authz::{
        Reason,
        permissions::Permission,
        statements::{Effect, Statement},
    },
    cursor, db,
};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AllowedUser {
    pub user_id: String,
    pub email: String,
    pub full_name: String,
    /// One sentence: which membership, role, policy and statement allow it.
    pub reason: String,
    pub explanation: Reason,
}

/// Allowed users on a page that the asker may not see, counted by where their access comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HiddenHolders {
    /// The organization whose membership allows them, or a phrase when the asker may not see it.
    pub through: String,
    pub user_count: usize,
}

impl std::fmt::Display for HiddenHolders {
    /// "3 user(s) through Root, whose members you cannot see".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.through == super::redact::HIDDEN_ORGANIZATION {
            write!(f, "{} user(s) through {}", self.user_count, self.through)
        } else {
            write!(f, "{} user(s) through {}, whose members you cannot see", self.user_count, self.through)
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WhoCanPage {
    pub permission: String,
    /// Every allowed user, those the asker may not see included.
    pub total: usize,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    /// The allowed users on this page whom the asker may see.
    pub users: Vec<AllowedUser>,
    /// The others on this page, summarised without identities.
    pub hidden: Vec<HiddenHolders>,
}

impl Domain {
    /// Every active user allowed `permission` at the organization, by email, with the reason.
    ///
    /// Set-based, so that it stays fast with many members: the roles that apply here (those of
    /// the organization and of the ancestors whose access reaches it) are few, so they are
    /// sorted in memory into those with a matching allow and those with a matching deny; the
    /// users are then those holding one of the former and none of the latter (found as
    /// `allowed_users` says). Each listed user is then decided by the decision function
    /// itself, for the reason.
    pub async fn who_can(
        &self,
        actor: &Actor,
        org_id: &str,
        permission: &str,
        after: Option<&str>,
        limit: usize,
    ) -> DomainResult<WhoCanPage> {
        let permission = parse_permission("query", permission)?;
        let org = self.authorized_organization(actor, org_id, &Permission::new("member", "read")).await?;
        let applicable = self.authz.applicable_orgs(&self.db, &org.id, false, None).await?;
        let (allowing, denying) = self.roles_deciding(&applicable, &permission).await?;
        let empty = || WhoCanPage {
            permission: permission.to_string(),
            total: 0,
            has_more: false,
            next_cursor: None,
            users: Vec::new(),
            hidden: Vec::new(),
        };
        if allowing.is_empty() {
            return Ok(empty());
        }
        let holdings = self.count_with_roles(&allowed_users::holdings_sql(allowing.len()), &allowing).await?;
        let query = AllowedUsers::new(allowing.len(), denying.len(), holdings, self.db.engine());
        let role_ids: Vec<String> = allowing.iter().chain(&denying).cloned().collect();
        let total = self.count_with_roles(&query.count_sql(), &role_ids).await?;
        // The cursor resumes after the last user served whom the asker may see, skipping the
        // hidden ones served since: it never names a user the asker may not see.
        let (after_email, after_id, skip) = after.map(cursor::decode_with_skip).transpose()?.unwrap_or_default();
        let page_sql = query.page_sql(role_ids.len() + 1);
        let mut page = sqlx::query(&page_sql);
        for role_id in &role_ids {
            page = page.bind(role_id);
        }
        let rows = page
            .bind(&after_email)
            .bind(&after_id)
            .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX))
            .bind(i64::try_from(skip).unwrap_or(i64::MAX))
            .fetch_all(self.db.pool())
            .await?;
        let has_more = rows.len() > limit;
        let rows = &rows[..rows.len().min(limit)];
        let ids = rows.iter().map(|row| row.try_get("id")).collect::<Result<Vec<String>, _>>()?;
        self.authz.preload(&self.db, &ids).await?;
        let mut users_page = Vec::with_capacity(rows.len());
        let mut hidden: Vec<HiddenHolders> = Vec::new();
        let (mut anchor, mut skipped) = ((after_email, after_id), skip);
        let asker = self.actor_view(actor, &org.id).await?;
        for (row, user_id) in rows.iter().zip(ids) {
            let decision = self.decide(&user_id, &org.id, &permission).await?;
            if !decision.allowed {
                // Only a change committed in between can get here; the decision has the last word.
                skipped += 1;
                continue;
            }
            let through = match &decision.reason {
                Reason::Allowed { link } => link.membership_org_id.clone(),
                _ => String::new(),
            };
            // Whoever is allowed here through a membership where the asker may read members is
            // one the asker may see; anyone else is looked at one by one.
            let visible =
                asker.may(&through, &Permission::new("member", "read"))? || self.may_see_user(actor, &user_id).await?;
            let decision = as_seen_by(&asker, decision)?;
            if !visible {
                let through = match &decision.reason {
                    Reason::Allowed { link } => link.membership_org_name.clone(),
                    _ => String::new(),
                };
                match hidden.iter_mut().find(|h| h.through == through) {
                    Some(group) => group.user_count += 1,
                    None => hidden.push(HiddenHolders { through, user_count: 1 }),
                }
                skipped += 1;
                continue;
            }
            anchor = (row.try_get("email_normalized")?, user_id.clone());
            skipped = 0;
            users_page.push(AllowedUser {
                reason: decision.summary(&permission),
                explanation: decision.reason,
                user_id,
                email: row.try_get("email")?,
                full_name: row.try_get("full_name")?,
            });
        }
        let next_cursor = has_more.then(|| cursor::encode_with_skip(&anchor.0, &anchor.1, skipped));
        Ok(WhoCanPage {
            permission: permission.to_string(),
            total: usize::try_from(total).unwrap_or_default(),
            has_more,
            next_cursor,
            users: users_page,
            hidden,
        })
    }

    /// Runs a query of one count, `sql`, with `role_ids` bound in order.
    async fn count_with_roles(&self, sql: &str, role_ids: &[String]) -> DomainResult<i64> {
        let mut query = sqlx::query_scalar::<_, i64>(sql);
        for role_id in role_ids {
            query = query.bind(role_id);
        }
        Ok(query.fetch_one(self.db.pool()).await?)
    }

    /// The roles of these organizations with a statement matching `permission`: those that
    /// allow it and those that deny it (a role can be in both).
    async fn roles_deciding(
        &self,
        org_ids: &[String],
        permission: &Permission,
    ) -> DomainResult<(Vec<String>, Vec<String>)> {
        let sql = format!(
            "SELECT r.id, p.statements FROM roles r JOIN role_policies rp ON rp.role_id = r.id \
             JOIN policies p ON p.id = rp.policy_id WHERE r.org_id IN ({}) ORDER BY r.id",
            db::placeholders(1, org_ids.len())
        );
        let mut query = sqlx::query(&sql);
        for org_id in org_ids {
            query = query.bind(org_id);
        }
        let (mut allowing, mut denying) = (Vec::new(), Vec::new());
        for row in query.fetch_all(self.db.pool()).await? {
            let role_id: String = row.try_get("id")?;
            let statements: Vec<Statement> = serde_json::from_str(&row.try_get::<String, _>("statements")?)
                .map_err(|e| DomainError::Internal(format!("policy statements are not valid JSON: {e}")))?;
            for statement in statements.iter().filter(|s| s.matches(permission)) {
                let list = if statement.effect == Effect::Deny { &mut denying } else { &mut allowing };
                if list.last() != Some(&role_id) {
                    list.push(role_id.clone());
                }
            }
        }
        Ok((allowing, denying))
    }
}
