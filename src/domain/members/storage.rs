//! Storage of memberships and the roles members hold.

use sqlx::Row;

use crate::domain::{DomainResult, Timestamp, Transaction, TreeRule, roles::Predefined};

pub async fn add_membership(tx: &mut Transaction, org_id: &str, user_id: &str) -> DomainResult<()> {
    sqlx::query("INSERT INTO memberships (org_id, user_id, joined_at) VALUES ($1, $2, $3)")
        .bind(org_id)
        .bind(user_id)
        .bind(Timestamp::now().to_rfc3339())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn is_member(tx: &mut Transaction, org_id: &str, user_id: &str) -> DomainResult<bool> {
    Ok(sqlx::query("SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?
        .is_some())
}

/// Gives `user_id` the role in `org_id`, adding the membership if it is new.
pub async fn grant_role(tx: &mut Transaction, org_id: &str, user_id: &str, role_id: &str) -> DomainResult<()> {
    if !is_member(tx, org_id, user_id).await? {
        add_membership(tx, org_id, user_id).await?;
    }
    add_role_if_absent(tx, org_id, user_id, role_id, "manual", None).await
}

/// Gives a member a role unless they hold it already (from whatever source), recording where
/// it comes from (`manual`, `default`, `sso` and the IdP group).
pub async fn add_role_if_absent(
    tx: &mut Transaction,
    org_id: &str,
    user_id: &str,
    role_id: &str,
    source: &str,
    sso_group: Option<&str>,
) -> DomainResult<()> {
    sqlx::query(
        "INSERT INTO membership_roles (org_id, user_id, role_id, source, sso_group) SELECT $1, $2, $3, $4, $5 \
         WHERE NOT EXISTS (SELECT 1 FROM membership_roles WHERE org_id = $1 AND user_id = $2 AND role_id = $3)",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(role_id)
    .bind(source)
    .bind(sso_group.map(str::to_owned))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Checked inside a transaction after a change that may take Super Admin away from someone
/// (directly or through a group):
/// refuses if the root organization would be left without an active Super Admin.
pub async fn ensure_root_keeps_a_super_admin(tx: &mut Transaction) -> DomainResult<()> {
    // Held directly or through one of the root's user groups.
    let remaining: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM users u WHERE u.status = 'active' AND u.id IN ( \
           SELECT mr.user_id FROM membership_roles mr JOIN roles r ON r.id = mr.role_id \
             JOIN organizations o ON o.id = r.org_id WHERE o.parent_id IS NULL AND r.slug = $1 \
           UNION SELECT gm.user_id FROM user_group_members gm JOIN user_group_roles gr ON gr.group_id = gm.group_id \
             JOIN roles r ON r.id = gr.role_id JOIN organizations o ON o.id = r.org_id \
             WHERE o.parent_id IS NULL AND r.slug = $1)",
    )
    .bind(Predefined::SuperAdmin.slug())
    .fetch_one(&mut **tx)
    .await?
    .try_get("n")?;
    if remaining == 0 {
        return Err(TreeRule::LastRootSuperAdmin.into());
    }
    Ok(())
}
