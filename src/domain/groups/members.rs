//! Who is in a user group, by name and email, and finding an organization's members by the
//! email addresses an admin types when adding people to a group.

use serde::Serialize;

use super::MAX_GROUP_MEMBERS;
use sqlx::Row;

use crate::domain::{Actor, Domain, DomainError, DomainResult, FieldError, authz::permissions::Permission, email};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupMember {
    pub user_id: String,
    pub email: String,
    pub full_name: String,
}

impl Domain {
    /// The members of a group, by email.
    pub async fn user_group_members(
        &self,
        actor: &Actor,
        org_id: &str,
        group_id: &str,
    ) -> DomainResult<Vec<GroupMember>> {
        let group = self.user_group(actor, org_id, group_id).await?;
        let rows = sqlx::query(
            "SELECT u.id, u.email, u.full_name FROM user_group_members g JOIN users u ON u.id = g.user_id \
             WHERE g.group_id = $1 ORDER BY u.email_normalized, u.id",
        )
        .bind(&group.group_id)
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(GroupMember {
                    user_id: r.try_get("id")?,
                    email: r.try_get("email")?,
                    full_name: r.try_get("full_name")?,
                })
            })
            .collect()
    }

    /// The user ids of the organization's members with these email addresses, in order. Each
    /// address that is malformed or not a member's gets an error at `field[index]`.
    pub async fn member_ids_by_email(
        &self,
        actor: &Actor,
        org_id: &str,
        field: &str,
        addresses: &[String],
    ) -> DomainResult<Vec<String>> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("member", "read")).await?;
        if addresses.len() > MAX_GROUP_MEMBERS {
            let msg = format!("At most {MAX_GROUP_MEMBERS} addresses");
            return Err(DomainError::Invalid(vec![FieldError::item(field, None, "too_long", msg)]));
        }
        let mut ids = Vec::with_capacity(addresses.len());
        let mut errors = Vec::new();
        for (index, address) in addresses.iter().enumerate() {
            let at = |kind: &str, msg: String| FieldError {
                loc: vec!["body".into(), field.to_owned(), index.to_string()],
                msg,
                kind: kind.into(),
            };
            let key = match email::validate(field, address) {
                Ok(valid) => email::normalize(&valid),
                Err(_) => {
                    errors.push(at("value_error.email", format!("{address} is not an email address")));
                    continue;
                }
            };
            let row = sqlx::query(
                "SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id \
                 WHERE u.email_normalized = $1 AND m.org_id = $2",
            )
            .bind(&key)
            .bind(&org.id)
            .fetch_optional(self.db.pool())
            .await?;
            match row {
                Some(row) => ids.push(row.try_get("id")?),
                None => errors.push(at("not_a_member", format!("{address} is not a member of {}", org.name))),
            }
        }
        if errors.is_empty() { Ok(ids) } else { Err(DomainError::Invalid(errors)) }
    }
}
