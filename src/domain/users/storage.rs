//! Storage of user accounts.

use sqlx::{Row, any::AnyRow};

use super::{NewUser, User, UserNames, UserStatus, search_key};
use crate::domain::{Database, DomainError, DomainResult, Timestamp, Transaction, email, ids::new_id};

const COLUMNS: &str = "id, email, full_name, status, session_epoch, created_at, last_sign_in_at";

fn from_row(row: &AnyRow) -> DomainResult<User> {
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        full_name: row.try_get("full_name")?,
        status: UserStatus::parse(&row.try_get::<String, _>("status")?)?,
        session_epoch: row.try_get("session_epoch")?,
        created_at: row.try_get("created_at")?,
        last_sign_in_at: row.try_get("last_sign_in_at")?,
    })
}

pub async fn find_by_id(db: &Database, id: &str) -> DomainResult<Option<User>> {
    let row =
        sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1")).bind(id).fetch_optional(db.pool()).await?;
    row.as_ref().map(from_row).transpose()
}

/// A user by id, inside a transaction (what it wrote is visible).
pub async fn find_by_id_in(tx: &mut Transaction, id: &str) -> DomainResult<User> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1")).bind(id).fetch_one(&mut **tx).await?;
    from_row(&row)
}

/// The user and their password hash, looked up by email in any letter case.
pub async fn find_credentials(db: &Database, email_key: &str) -> DomainResult<Option<(User, Option<String>)>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS}, password_hash FROM users WHERE email_normalized = $1"))
        .bind(email_key)
        .fetch_optional(db.pool())
        .await?;
    row.map(|row| Ok((from_row(&row)?, row.try_get("password_hash")?))).transpose()
}

pub async fn count(db: &Database) -> DomainResult<i64> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM users").fetch_one(db.pool()).await?.try_get("n")?)
}

/// Inserts a user, active with a password or invited without one; a taken email (in any
/// letter case) is a conflict.
pub async fn insert(tx: &mut Transaction, new: &NewUser) -> DomainResult<User> {
    let email_key = email::normalize(&new.email);
    let taken = sqlx::query("SELECT 1 FROM users WHERE email_normalized = $1")
        .bind(&email_key)
        .fetch_optional(&mut **tx)
        .await?
        .is_some();
    if taken {
        return Err(DomainError::Conflict(format!("A user with the email {} already exists", new.email)));
    }
    let user = User {
        id: new_id(),
        email: new.email.clone(),
        full_name: new.full_name.clone(),
        status: if new.password_hash.is_some() { UserStatus::Active } else { UserStatus::Invited },
        session_epoch: 0,
        created_at: Timestamp::now().to_rfc3339(),
        last_sign_in_at: None,
    };
    sqlx::query(
        "INSERT INTO users (id, email, email_normalized, full_name, status, password_hash, session_epoch, created_at, updated_at, search_key) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7, $8)",
    )
    .bind(&user.id)
    .bind(&user.email)
    .bind(&email_key)
    .bind(&user.full_name)
    .bind(user.status.as_str())
    .bind(new.password_hash.clone())
    .bind(&user.created_at)
    .bind(search_key(&email_key, &user.full_name))
    .execute(&mut **tx)
    .await?;
    Ok(user)
}

pub async fn record_sign_in(tx: &mut Transaction, user_id: &str) -> DomainResult<()> {
    sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2")
        .bind(Timestamp::now().to_rfc3339())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Stores a new hash and starts a new session epoch, which signs out every other session.
pub async fn set_password_hash(tx: &mut Transaction, user_id: &str, password_hash: &str) -> DomainResult<i64> {
    let row = sqlx::query(
        "UPDATE users SET password_hash = $1, session_epoch = session_epoch + 1, updated_at = $2 \
         WHERE id = $3 RETURNING session_epoch",
    )
    .bind(password_hash)
    .bind(Timestamp::now().to_rfc3339())
    .bind(user_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get("session_epoch")?)
}

pub async fn set_status(tx: &mut Transaction, user_id: &str, status: UserStatus) -> DomainResult<()> {
    sqlx::query("UPDATE users SET status = $1, session_epoch = session_epoch + 1, updated_at = $2 WHERE id = $3")
        .bind(status.as_str())
        .bind(Timestamp::now().to_rfc3339())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The names of a user, and the full name shown for them.
pub async fn set_names(tx: &mut Transaction, user_id: &str, names: &UserNames) -> DomainResult<()> {
    sqlx::query(
        "UPDATE users SET first_name = $1, last_name = $2, preferred_name = $3, full_name = $4, updated_at = $5, \
         search_key = email_normalized || ' ' || $7 WHERE id = $6",
    )
    .bind(&names.first_name)
    .bind(&names.last_name)
    .bind(&names.preferred_name)
    .bind(names.full_name())
    .bind(Timestamp::now().to_rfc3339())
    .bind(user_id)
    .bind(names.full_name().to_lowercase())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The organization the account was created in (`None`: managed from the root).
pub async fn home_of(db: &Database, user_id: &str) -> DomainResult<Option<String>> {
    let row =
        sqlx::query("SELECT home_org_id FROM users WHERE id = $1").bind(user_id).fetch_optional(db.pool()).await?;
    Ok(row.map(|r| r.try_get::<Option<String>, _>("home_org_id")).transpose()?.flatten())
}

pub async fn set_home(tx: &mut Transaction, user_id: &str, org_id: &str) -> DomainResult<()> {
    sqlx::query("UPDATE users SET home_org_id = $1 WHERE id = $2")
        .bind(org_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn names(db: &Database, user_id: &str) -> DomainResult<UserNames> {
    let row = sqlx::query("SELECT first_name, last_name, preferred_name FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db.pool())
        .await?;
    Ok(UserNames {
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        preferred_name: row.try_get("preferred_name")?,
    })
}

pub async fn delete(tx: &mut Transaction, user_id: &str) -> DomainResult<()> {
    sqlx::query("DELETE FROM users WHERE id = $1").bind(user_id).execute(&mut **tx).await?;
    Ok(())
}
