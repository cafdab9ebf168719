//! Reading roles: an organization's roles, one role with its policies expanded, and what other
//! capabilities need of roles (their statements, the defaults, the predefined ones).

use sqlx::Row;

use super::{
    Predefined, Role, RoleActions, RoleMapping, RolePage, not_found, role_permission,
    storage::{self, COLUMNS, StoredRole, from_row},
};
use crate::domain::{
    Actor, Domain, DomainError, DomainResult, Transaction, authz::statements::Statement, cursor, db, named,
};

impl Domain {
    pub(super) async fn stored_role(&self, org_id: &str, role_id: &str) -> DomainResult<StoredRole> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM roles WHERE id = $1 AND org_id = $2"))
            .bind(role_id)
            .bind(org_id)
            .fetch_optional(self.db.pool())
            .await?;
        row.as_ref().map(from_row).transpose()?.ok_or_else(|| not_found(role_id))
    }

    /// Adds the expanded policies and the member count. Whoever may read a role may read what
    /// it is made of: its policies come with it, without `policy:read`.
    pub(super) async fn present_role(&self, stored: StoredRole) -> DomainResult<Role> {
        let rows = sqlx::query(
            "SELECT rp.policy_id FROM role_policies rp JOIN policies p ON p.id = rp.policy_id \
             WHERE rp.role_id = $1 ORDER BY p.name, p.id",
        )
        .bind(&stored.id)
        .fetch_all(self.db.pool())
        .await?;
        let policy_ids: Vec<String> = rows.iter().map(|r| r.try_get("policy_id")).collect::<Result<_, _>>()?;
        let expanded = self.policies_of_role(&stored.org_id, &policy_ids).await?;
        let member_count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM membership_roles WHERE role_id = $1")
            .bind(&stored.id)
            .fetch_one(self.db.pool())
            .await?
            .try_get("n")?;
        Ok(Role {
            role_id: stored.id,
            org_id: stored.org_id,
            name: stored.name,
            description: stored.description,
            policy_ids,
            policies: expanded,
            is_default: stored.is_default,
            sso_group_names: stored.sso_group_names,
            managed: stored.managed,
            member_count,
            version: stored.version,
            created_at: stored.created_at,
            updated_at: stored.updated_at,
            created_by: stored.created_by,
        })
    }

    pub async fn list_roles(
        &self,
        actor: &Actor,
        org_id: &str,
        q: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> DomainResult<RolePage> {
        let org = self.authorized_organization(actor, org_id, &role_permission("read")).await?;
        let pattern = db::search_pattern(q);
        let matches = "org_id = $1 AND ($2 = '' OR LOWER(name) LIKE $2 OR LOWER(description) LIKE $2)";
        let total: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM roles WHERE {matches}"))
            .bind(&org.id)
            .bind(&pattern)
            .fetch_one(self.db.pool())
            .await?
            .try_get("n")?;
        let (after_name, after_id) = after.map(cursor::decode).transpose()?.unwrap_or_default();
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM roles WHERE {matches} AND ($3 = '' OR name > $3 OR (name = $3 AND id > $4)) \
             ORDER BY name, id LIMIT $5"
        ))
        .bind(&org.id)
        .bind(&pattern)
        .bind(&after_name)
        .bind(&after_id)
        .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX))
        .fetch_all(self.db.pool())
        .await?;
        let mut stored = rows.iter().map(from_row).collect::<DomainResult<Vec<_>>>()?;
        let next_cursor = cursor::page_end(&mut stored, limit, |role| (&role.name, &role.id));
        let mut roles = Vec::with_capacity(stored.len());
        for role in stored {
            roles.push(self.present_role(role).await?);
        }
        Ok(RolePage { total, has_more: next_cursor.is_some(), next_cursor, roles })
    }

    /// Up to `limit` roles of `org_id` whose name or description holds `q` (the role picker):
    /// `(name, description)`, by name.
    pub async fn role_choices(
        &self,
        actor: &Actor,
        org_id: &str,
        q: &str,
        limit: usize,
    ) -> DomainResult<Vec<(String, String)>> {
        let org = self.authorized_organization(actor, org_id, &role_permission("read")).await?;
        named::choices(&self.db, "roles", "TRUE", &org.id, q, limit).await
    }

    pub async fn role(&self, actor: &Actor, org_id: &str, role_id: &str) -> DomainResult<Role> {
        let org = self.authorized_organization(actor, org_id, &role_permission("read")).await?;
        let stored = self.stored_role(&org.id, role_id).await?;
        self.present_role(stored).await
    }

    /// A role of `org_id` named as a person types it into a role picker: by its id, by its
    /// name, or by the one name that matches ignoring case.
    pub async fn find_role(&self, actor: &Actor, org_id: &str, id_or_name: &str) -> DomainResult<Role> {
        let org = self.authorized_organization(actor, org_id, &role_permission("read")).await?;
        let stored = self.role_by_id_or_name(&org.id, id_or_name).await?;
        self.present_role(stored.ok_or_else(|| not_found(id_or_name.trim()))?).await
    }

    /// The id of the role of `org_id` that `id_or_name` names, unauthorized (the member list's
    /// role filter, whose caller may read members and so the names of the roles they hold).
    pub(crate) async fn role_id_named(&self, org_id: &str, id_or_name: &str) -> DomainResult<Option<String>> {
        Ok(self.role_by_id_or_name(org_id, id_or_name).await?.map(|role| role.id))
    }

    /// The role of `org_id` that `id_or_name` names, unauthorized: its id, else its exact name,
    /// else a name that matches ignoring case when only one does.
    async fn role_by_id_or_name(&self, org_id: &str, id_or_name: &str) -> DomainResult<Option<StoredRole>> {
        let term = id_or_name.trim();
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM roles WHERE org_id = $1 AND {}", named::CANDIDATES))
            .bind(org_id)
            .bind(term)
            .fetch_all(self.db.pool())
            .await?;
        let candidates = rows.iter().map(from_row).collect::<DomainResult<Vec<_>>>()?;
        Ok(named::the_one_named(candidates, term, |role| (&role.id, &role.name)))
    }

    /// The roles of `org_id` that an SSO sign-in can give (IdP groups map to them, or they are
    /// default roles), and those of `also` (any roles of `org_id`, by id), with their groups:
    /// what sign-ins, the setup page and the test bench need, however many roles there are.
    pub(crate) async fn role_mappings(&self, org_id: &str, also: &[String]) -> DomainResult<Vec<RoleMapping>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM roles WHERE org_id = $1 AND (is_default = 1 OR sso_group_names <> '[]') \
             ORDER BY name, id"
        ))
        .bind(org_id)
        .fetch_all(self.db.pool())
        .await?;
        let mut roles = rows.iter().map(from_row).collect::<DomainResult<Vec<_>>>()?;
        for role_id in also {
            if roles.iter().any(|role| role.id == *role_id) {
                continue;
            }
            match self.stored_role(org_id, role_id).await {
                Ok(role) => roles.push(role),
                // A role deleted meanwhile is no longer anyone's to give.
                Err(DomainError::NotFound { .. }) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(roles
            .into_iter()
            .map(|role| RoleMapping {
                role_id: role.id,
                name: role.name,
                is_default: role.is_default,
                sso_group_names: role.sso_group_names,
            })
            .collect())
    }

    pub(crate) async fn default_role_ids(&self, org_id: &str) -> DomainResult<Vec<String>> {
        let rows = sqlx::query("SELECT id FROM roles WHERE org_id = $1 AND is_default = 1 ORDER BY name, id")
            .bind(org_id)
            .fetch_all(self.db.pool())
            .await?;
        rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
    }

    /// The names of these roles of `org_id`, in the same order (an id with no role keeps its
    /// place as the id itself): what the audit log records beside ids, as they are now.
    pub(crate) async fn role_names(&self, org_id: &str, role_ids: &[String]) -> DomainResult<Vec<String>> {
        if role_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql =
            format!("SELECT id, name FROM roles WHERE org_id = $1 AND id IN ({})", db::placeholders(2, role_ids.len()));
        let mut query = sqlx::query(&sql).bind(org_id);
        for role_id in role_ids {
            query = query.bind(role_id);
        }
        let mut names = std::collections::HashMap::new();
        for row in query.fetch_all(self.db.pool()).await? {
            names.insert(row.try_get::<String, _>("id")?, row.try_get::<String, _>("name")?);
        }
        Ok(role_ids.iter().map(|id| names.get(id).cloned().unwrap_or_else(|| id.clone())).collect())
    }

    /// A role of `org_id` with every statement of its policies.
    pub(crate) async fn role_statements(&self, org_id: &str, role_id: &str) -> DomainResult<(String, Vec<Statement>)> {
        let rows = sqlx::query(
            "SELECT r.name, p.statements FROM roles r \
             LEFT JOIN role_policies rp ON rp.role_id = r.id LEFT JOIN policies p ON p.id = rp.policy_id \
             WHERE r.id = $1 AND r.org_id = $2",
        )
        .bind(role_id)
        .bind(org_id)
        .fetch_all(self.db.pool())
        .await?;
        let Some(first) = rows.first() else {
            return Err(DomainError::NotFound { resource_type: "role", resource_id: role_id.to_owned() });
        };
        let name: String = first.try_get("name")?;
        let mut statements = Vec::new();
        for row in &rows {
            if let Some(text) = row.try_get::<Option<String>, _>("statements")? {
                let parsed: Vec<Statement> = serde_json::from_str(&text)
                    .map_err(|e| DomainError::Internal(format!("policy statements are not valid JSON: {e}")))?;
                statements.extend(parsed);
            }
        }
        Ok((name, statements))
    }

    /// Creates the predefined roles (and their policies) of a new organization, inside the
    /// caller's transaction; returns their ids in the order of [`Predefined::ALL`].
    pub(crate) async fn create_predefined_roles(
        &self,
        tx: &mut Transaction,
        org_id: &str,
        created_by: Option<&str>,
    ) -> DomainResult<[String; 3]> {
        storage::create_predefined(tx, org_id, created_by).await
    }

    /// The id of a predefined role of the organization.
    pub(crate) async fn predefined_role_id(
        &self,
        tx: &mut Transaction,
        org_id: &str,
        role: Predefined,
    ) -> DomainResult<Option<String>> {
        storage::predefined_role_id(tx, org_id, role).await
    }

    /// What the actor may do with the organization's roles, and with `role` if given.
    pub async fn role_actions(&self, actor: &Actor, org_id: &str, role: Option<&Role>) -> DomainResult<RoleActions> {
        let custom = role.is_some_and(|r| !r.managed);
        Ok(RoleActions {
            may_create: self.may(actor, org_id, &role_permission("create")).await?,
            may_update: custom && self.may(actor, org_id, &role_permission("update")).await?,
        })
    }
}
