//! "Who can do this here?" and "what can this user do, where?": questions answered by the
//! decision function itself, with its reasons.

use serde::Serialize;
use sqlx::Row;

use super::{
    Actor, Domain, DomainError, DomainResult, User,
    allowed_users::{self, AllowedUsers},
    authz::{Decision, Reason},
    cursor, db, email, organizations,
    permissions::Permission,
    statements::{Effect, Statement},
    users,
};

#[derive(Debug, Clone, Serialize)]
pub struct AllowedUser {
    pub user_id: String,
    pub email: String,
    pub full_name: String,
    /// One sentence: which membership, role, policy and statement allow it.
    pub reason: String,
    pub explanation: Reason,
}

#[derive(Debug, Clone, Serialize)]
pub struct WhoCanPage {
    pub permission: String,
    pub total: usize,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    pub users: Vec<AllowedUser>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrgPermissions {
    pub org_id: String,
    pub org_name: String,
    pub permissions: Vec<String>,
}

/// One organization on the way from the root down to the one asked about, with its access
/// flags (`None` when the asker may not read that organization).
#[derive(Debug, Clone, Serialize)]
pub struct ChainStep {
    pub org_id: String,
    pub name: String,
    pub parent_has_access: Option<bool>,
    pub parent_has_access_to_descendants: Option<bool>,
    /// The user is a member of this organization.
    pub member_here: bool,
}

/// "Can this user do this here, and why?"
#[derive(Debug, Clone, Serialize)]
pub struct AccessExplanation {
    pub allowed: bool,
    pub permission: String,
    pub user_id: String,
    pub user_email: String,
    pub org_id: String,
    pub org_name: String,
    pub summary: String,
    pub reason: Reason,
    /// From the root (first) down to the organization asked about (last).
    pub chain: Vec<ChainStep>,
    /// For a denial: the nearest change that would grant it.
    pub fix: Option<String>,
}

/// What would turn a denial into an allow, nearest link first.
pub fn fix_for(decision: &Decision, permission: &Permission, org_name: &str) -> Option<String> {
    match &decision.reason {
        Reason::Allowed { .. } => None,
        Reason::DeniedByStatement { link } => Some(format!(
            "Statement {} of policy \"{}\" denies {permission}, and deny always wins. Narrow or remove that \
             statement, or take role \"{}\" (held in \"{}\") away from the user.",
            link.statement_index + 1,
            link.policy_name,
            link.role_name,
            link.membership_org_name
        )),
        Reason::NoAllowingRole { blocked: Some(b) } => Some(format!(
            "Role \"{}\" held in \"{}\" would allow {permission}, but \"{}\" has {} turned off. Turn it on in \
             \"{}\"'s settings, or give the user a role in \"{org_name}\" that allows {permission}.",
            b.link.role_name, b.link.membership_org_name, b.blocked_at_org_name, b.flag, b.blocked_at_org_name
        )),
        Reason::NoAllowingRole { blocked: None } => Some(format!(
            "Give the user a role in \"{org_name}\" (or in an organization above it whose access reaches here) \
             with a policy that allows {permission}."
        )),
    }
}

fn parse_permission(text: &str) -> DomainResult<Permission> {
    Permission::parse(text).map_err(|e| {
        DomainError::Invalid(vec![super::FieldError {
            loc: vec!["query".into(), "permission".into()],
            msg: e.to_string(),
            kind: "value_error.permission".into(),
        }])
    })
}

impl Domain {
    /// Explains a decision about the user with this email (or id) at an organization; the
    /// asker needs `member:read` there (or asks about themselves), and learns nothing about
    /// the user before that is settled.
    pub async fn explain_access(
        &self,
        actor: &Actor,
        org_id: &str,
        user: &str,
        permission: &str,
    ) -> DomainResult<AccessExplanation> {
        let permission = parse_permission(permission)?;
        let org = self.resolve_organization(org_id).await?;
        let caller = actor.user_id()?.to_owned();
        let me = users::find_by_id(&self.db, &caller).await?;
        let asking_about_me =
            me.as_ref().is_some_and(|m| m.id == user || email::normalize(&m.email) == email::normalize(user));
        if !asking_about_me {
            self.authorize(actor, &org.id, &Permission::new("member", "read")).await?;
        }
        let subject = self.subject_user(user).await?;
        let decision = self.decide(&subject.id, &org.id, &permission).await?;
        let mut chain = Vec::new();
        for node in organizations::path(&self.db, &org.id).await? {
            let readable = self.may(actor, &node.id, &Permission::new("org", "read")).await?;
            let settings = if readable { organizations::find(&self.db, &node.id).await? } else { None };
            let member_here = sqlx::query("SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2")
                .bind(&node.id)
                .bind(&subject.id)
                .fetch_optional(self.db.pool())
                .await?
                .is_some();
            chain.push(ChainStep {
                parent_has_access: settings.as_ref().map(|o| o.parent_has_access),
                parent_has_access_to_descendants: settings.as_ref().map(|o| o.parent_has_access_to_descendants),
                org_id: node.id,
                name: node.name,
                member_here,
            });
        }
        Ok(AccessExplanation {
            permission: permission.to_string(),
            fix: fix_for(&decision, &permission, &org.name),
            summary: decision.summary(&permission),
            allowed: decision.allowed,
            reason: decision.reason,
            user_id: subject.id,
            user_email: subject.email,
            org_id: org.id,
            org_name: org.name,
            chain,
        })
    }

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
        let permission = parse_permission(permission)?;
        let org = self.resolve_organization(org_id).await?;
        self.authorize(actor, &org.id, &Permission::new("member", "read")).await?;
        let applicable = self.authz.applicable_orgs(&self.db, &org.id).await?;
        let (allowing, denying) = self.roles_deciding(&applicable, &permission).await?;
        let empty = || WhoCanPage {
            permission: permission.to_string(),
            total: 0,
            has_more: false,
            next_cursor: None,
            users: Vec::new(),
        };
        if allowing.is_empty() {
            return Ok(empty());
        }
        let holdings = self.count_with_roles(&allowed_users::holdings_sql(allowing.len()), &allowing).await?;
        let query = AllowedUsers::new(allowing.len(), denying.len(), holdings, self.db.engine());
        let role_ids: Vec<String> = allowing.iter().chain(&denying).cloned().collect();
        let total = self.count_with_roles(&query.count_sql(), &role_ids).await?;
        let (after_email, after_id) = after.map(cursor::decode).transpose()?.unwrap_or_default();
        let page_sql = query.page_sql(role_ids.len() + 1);
        let mut page = sqlx::query(&page_sql);
        for role_id in &role_ids {
            page = page.bind(role_id);
        }
        let rows = page
            .bind(&after_email)
            .bind(&after_id)
            .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX))
            .fetch_all(self.db.pool())
            .await?;
        let has_more = rows.len() > limit;
        let rows = &rows[..rows.len().min(limit)];
        let ids = rows.iter().map(|row| row.try_get("id")).collect::<Result<Vec<String>, _>>()?;
        self.authz.preload(&self.db, &ids).await?;
        let mut users_page = Vec::with_capacity(rows.len());
        for (row, user_id) in rows.iter().zip(ids) {
            let decision = self.decide(&user_id, &org.id, &permission).await?;
            if !decision.allowed {
                // Only a change committed in between can get here; the decision has the last word.
                continue;
            }
            users_page.push(AllowedUser {
                reason: decision.summary(&permission),
                explanation: decision.reason,
                user_id,
                email: row.try_get("email")?,
                full_name: row.try_get("full_name")?,
            });
        }
        let next_cursor = match (has_more, rows.last()) {
            (true, Some(last)) => {
                Some(cursor::encode(&last.try_get::<String, _>("email_normalized")?, &last.try_get::<String, _>("id")?))
            }
            _ => None,
        };
        Ok(WhoCanPage {
            permission: permission.to_string(),
            total: usize::try_from(total).unwrap_or_default(),
            has_more,
            next_cursor,
            users: users_page,
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

    /// The user an explorer question is about, by id or email.
    async fn subject_user(&self, user: &str) -> DomainResult<User> {
        match users::find_by_id(&self.db, user).await? {
            Some(found) => Ok(found),
            None => users::find_credentials(&self.db, &email::normalize(user))
                .await?
                .map(|(found, _)| found)
                .ok_or_else(|| DomainError::NotFound { resource_type: "user", resource_id: user.to_owned() }),
        }
    }

    /// Where a user (id or email) holds anything, and what: every organization at or below their
    /// memberships that the actor may see members of (or all of them, for yourself), with the
    /// schema's permissions the user holds there.
    pub async fn effective_permissions(&self, actor: &Actor, user_id: &str) -> DomainResult<Vec<OrgPermissions>> {
        let user = self.subject_user(user_id).await?;
        let myself = actor.user_id()? == user.id;
        let rows = sqlx::query(
            "SELECT DISTINCT o.id, o.name FROM organization_closure c JOIN memberships m ON m.org_id = c.ancestor_id \
             JOIN organizations o ON o.id = c.descendant_id WHERE m.user_id = $1 ORDER BY o.name, o.id",
        )
        .bind(&user.id)
        .fetch_all(self.db.pool())
        .await?;
        let everything = self.schema().await?.concrete_permissions();
        let mut result = Vec::new();
        let mut visible_any = myself;
        for row in rows {
            let org_id: String = row.try_get("id")?;
            if !myself && !self.may(actor, &org_id, &Permission::new("member", "read")).await? {
                continue;
            }
            visible_any = true;
            let mut permissions = Vec::new();
            for permission in &everything {
                if self.decide(&user.id, &org_id, permission).await?.allowed {
                    permissions.push(permission.to_string());
                }
            }
            if !permissions.is_empty() {
                result.push(OrgPermissions { org_id, org_name: row.try_get("name")?, permissions });
            }
        }
        if !visible_any {
            return Err(DomainError::Forbidden { required_permission: "member:read".into() });
        }
        Ok(result)
    }
}
