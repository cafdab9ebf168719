//! Roles and policies as far as the authorization core needs them: the predefined, read-only
//! ones that every organization gets, and the roles a membership holds.
//! (The editors for custom policies and roles come later.)

use super::{
    DomainResult, Timestamp, Transaction, ids::new_id, permissions::BUILTIN_RESOURCE_TYPES, statements::Statement,
};

/// The predefined roles of every organization (seed 002), each made of one managed policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Predefined {
    SuperAdmin,
    Admin,
    Member,
}

impl Predefined {
    pub const ALL: [Predefined; 3] = [Self::SuperAdmin, Self::Admin, Self::Member];

    pub fn slug(self) -> &'static str {
        match self {
            Self::SuperAdmin => "super_admin",
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::SuperAdmin => "Super Admin",
            Self::Admin => "Admin",
            Self::Member => "Member",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::SuperAdmin => "Everything, on every resource type, here and below",
            Self::Admin => {
                "Everything on Warden's own objects here and below; deleting this organization is decided above it"
            }
            Self::Member => "Read organizations, members, roles and policies",
        }
    }

    pub fn statements(self) -> Vec<Statement> {
        match self {
            Self::SuperAdmin => vec![Statement::allow(&["*"], &["*"])],
            Self::Admin => {
                let types: Vec<&str> = BUILTIN_RESOURCE_TYPES.iter().map(|t| t.key).collect();
                vec![Statement::allow(&types, &["*"])]
            }
            Self::Member => vec![Statement::allow(&["org", "member", "role", "policy"], &["read"])],
        }
    }
}

/// Creates the predefined policies and roles of a new organization; returns the role ids in
/// the order of [`Predefined::ALL`].
pub async fn create_predefined(
    tx: &mut Transaction,
    org_id: &str,
    created_by: Option<&str>,
) -> DomainResult<[String; 3]> {
    let now = Timestamp::now().to_rfc3339();
    let mut role_ids: [String; 3] = Default::default();
    for (slot, predefined) in role_ids.iter_mut().zip(Predefined::ALL) {
        let policy_id = new_id();
        let statements = serde_json::to_string(&predefined.statements()).unwrap_or_else(|_| "[]".to_owned());
        sqlx::query(
            "INSERT INTO policies (id, org_id, name, description, statements, managed, slug, created_at, updated_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $7, $8)",
        )
        .bind(&policy_id)
        .bind(org_id)
        .bind(predefined.name())
        .bind(predefined.description())
        .bind(statements)
        .bind(predefined.slug())
        .bind(&now)
        .bind(created_by.map(str::to_owned))
        .execute(&mut **tx)
        .await?;
        let role_id = new_id();
        sqlx::query(
            "INSERT INTO roles (id, org_id, name, description, is_default, managed, slug, created_at, updated_at, created_by) \
             VALUES ($1, $2, $3, $4, 0, 1, $5, $6, $6, $7)",
        )
        .bind(&role_id)
        .bind(org_id)
        .bind(predefined.name())
        .bind(predefined.description())
        .bind(predefined.slug())
        .bind(&now)
        .bind(created_by.map(str::to_owned))
        .execute(&mut **tx)
        .await?;
        sqlx::query("INSERT INTO role_policies (role_id, policy_id) VALUES ($1, $2)")
            .bind(&role_id)
            .bind(&policy_id)
            .execute(&mut **tx)
            .await?;
        *slot = role_id;
    }
    Ok(role_ids)
}

pub async fn predefined_role_id(tx: &mut Transaction, org_id: &str, role: Predefined) -> DomainResult<Option<String>> {
    use sqlx::Row;
    let row = sqlx::query("SELECT id FROM roles WHERE org_id = $1 AND slug = $2")
        .bind(org_id)
        .bind(role.slug())
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

/// Gives `user_id` the role in `org_id`, adding the membership if it is new.
pub async fn grant(tx: &mut Transaction, org_id: &str, user_id: &str, role_id: &str) -> DomainResult<()> {
    let exists = sqlx::query("SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?
        .is_some();
    if !exists {
        super::organizations::add_membership(tx, org_id, user_id).await?;
    }
    sqlx::query(
        "INSERT INTO membership_roles (org_id, user_id, role_id) SELECT $1, $2, $3 \
         WHERE NOT EXISTS (SELECT 1 FROM membership_roles WHERE org_id = $1 AND user_id = $2 AND role_id = $3)",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(role_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Marks a change that can alter decisions; returns the new generation.
pub async fn bump_generation(tx: &mut Transaction) -> DomainResult<i64> {
    use sqlx::Row;
    let row = sqlx::query("UPDATE authz_generation SET generation = generation + 1 WHERE id = 1 RETURNING generation")
        .fetch_one(&mut **tx)
        .await?;
    Ok(row.try_get("generation")?)
}
