//! Organizations, as far as the foundation needs them: the root, memberships, and the list of
//! a user's organizations. (The tree and its rules come with the authorization core.)

use serde::Serialize;
use sqlx::Row;

use super::{Actor, Domain, DomainResult, Timestamp, Transaction, ids::new_id};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganizationSummary {
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    pub parent_id: Option<String>,
}

pub async fn insert_root(
    tx: &mut Transaction,
    name: &str,
    contact_email: &str,
    created_by: Option<&str>,
) -> DomainResult<String> {
    let id = new_id();
    let now = Timestamp::now().to_rfc3339();
    sqlx::query(
        "INSERT INTO organizations (id, name, code, contact_email, parent_id, created_at, updated_at, created_by) \
         VALUES ($1, $2, 'root', $3, NULL, $4, $4, $5)",
    )
    .bind(&id)
    .bind(name)
    .bind(contact_email)
    .bind(&now)
    .bind(created_by.map(str::to_owned))
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn root_id(tx: &mut Transaction) -> DomainResult<Option<String>> {
    let row = sqlx::query("SELECT id FROM organizations WHERE parent_id IS NULL").fetch_optional(&mut **tx).await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

pub async fn add_membership(tx: &mut Transaction, org_id: &str, user_id: &str) -> DomainResult<()> {
    sqlx::query("INSERT INTO memberships (org_id, user_id, joined_at) VALUES ($1, $2, $3)")
        .bind(org_id)
        .bind(user_id)
        .bind(Timestamp::now().to_rfc3339())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Domain {
    /// The organizations in which the actor holds a direct membership, by name.
    pub async fn my_organizations(&self, actor: &Actor) -> DomainResult<Vec<OrganizationSummary>> {
        let user_id = actor.user_id()?;
        let rows = sqlx::query(
            "SELECT o.id, o.name, o.code, o.parent_id FROM memberships m \
             JOIN organizations o ON o.id = m.org_id WHERE m.user_id = $1 ORDER BY o.name, o.id",
        )
        .bind(user_id)
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(OrganizationSummary {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    code: row.try_get("code")?,
                    parent_id: row.try_get("parent_id")?,
                })
            })
            .collect()
    }
}
