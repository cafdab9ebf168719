//! Storage of API tokens and of organizations' token policies.

use std::collections::HashMap;

use sqlx::{Row, any::AnyRow};

use super::{TokenPolicy, cache::Use};
use crate::domain::{
    Database, DomainError, DomainResult, Timestamp, TokenRestriction, Transaction,
    db::{flag, placeholders, to_flag},
};

/// User ids per `IN (...)` list, well under both engines' limits on bound values.
const IDS_PER_QUERY: usize = 400;

/// A token row, with its creator's email and status.
#[derive(Debug, Clone)]
pub struct StoredToken {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub prefix: String,
    pub secret_hash: String,
    pub restriction: TokenRestriction,
    /// The name of the organization the token is restricted to, if it is.
    pub restricted_org_name: Option<String>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub last_used_addr: Option<String>,
    pub revoked_at: Option<String>,
    pub revoked_by_admin: bool,
    pub creator_email: String,
    pub creator_active: bool,
}

const COLUMNS: &str = "t.id, t.user_id, t.name, t.prefix, t.secret_hash, t.restricted_to, t.restricted_org_id, \
     t.created_at, t.expires_at, t.last_used_at, t.last_used_addr, t.revoked_at, t.revoked_by_admin, \
     u.email AS creator_email, u.status AS creator_status, o.name AS restricted_org_name";
const FROM: &str = "FROM api_tokens t JOIN users u ON u.id = t.user_id \
     LEFT JOIN organizations o ON o.id = t.restricted_org_id";

fn from_row(row: &AnyRow) -> DomainResult<StoredToken> {
    let restricted_to: Option<String> = row.try_get("restricted_to")?;
    let permissions = restricted_to
        .map(|text| serde_json::from_str(&text))
        .transpose()
        .map_err(|e| DomainError::Internal(format!("a token's restriction is not valid JSON: {e}")))?;
    Ok(StoredToken {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        secret_hash: row.try_get("secret_hash")?,
        restriction: TokenRestriction { permissions, org_id: row.try_get("restricted_org_id")? },
        restricted_org_name: row.try_get("restricted_org_name")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        last_used_at: row.try_get("last_used_at")?,
        last_used_addr: row.try_get("last_used_addr")?,
        revoked_at: row.try_get("revoked_at")?,
        revoked_by_admin: flag(row, "revoked_by_admin")?,
        creator_email: row.try_get("creator_email")?,
        creator_active: row.try_get::<String, _>("creator_status")? == "active",
    })
}

pub struct NewRow<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub name: &'a str,
    pub prefix: &'a str,
    pub secret_hash: &'a str,
    pub restriction: &'a TokenRestriction,
    pub created_at: &'a str,
    pub expires_at: Option<&'a str>,
}

pub async fn insert(tx: &mut Transaction, new: &NewRow<'_>) -> DomainResult<()> {
    let restricted_to = new
        .restriction
        .permissions
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| DomainError::Internal(e.to_string()))?;
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, prefix, secret_hash, restricted_to, restricted_org_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new.id)
    .bind(new.user_id)
    .bind(new.name)
    .bind(new.prefix)
    .bind(new.secret_hash)
    .bind(restricted_to)
    .bind(new.restriction.org_id.clone())
    .bind(new.created_at)
    .bind(new.expires_at.map(str::to_owned))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn find_by_hash(db: &Database, secret_hash: &str) -> DomainResult<Option<StoredToken>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} {FROM} WHERE t.secret_hash = $1"))
        .bind(secret_hash)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn find(db: &Database, token_id: &str) -> DomainResult<Option<StoredToken>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} {FROM} WHERE t.id = $1"))
        .bind(token_id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// A user's newest `limit` tokens, newest first.
pub async fn of_user(
    db: &Database,
    user_id: &str,
    after: Option<(&str, &str)>,
    limit: usize,
) -> DomainResult<Vec<StoredToken>> {
    let (after_created, after_id) = after.unwrap_or_default();
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} {FROM} WHERE t.user_id = $1 \
         AND ($2 = '' OR t.created_at < $2 OR (t.created_at = $2 AND t.id < $3)) \
         ORDER BY t.created_at DESC, t.id DESC LIMIT $4"
    ))
    .bind(user_id)
    .bind(after_created)
    .bind(after_id)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// How many tokens the user made (revoked and expired ones too).
pub async fn count_of_user(db: &Database, user_id: &str) -> DomainResult<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(db.pool())
        .await?;
    Ok(row.try_get("n")?)
}

/// The user's tokens called `name` that are not revoked, newest first.
pub async fn of_user_named(db: &Database, user_id: &str, name: &str) -> DomainResult<Vec<StoredToken>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} {FROM} WHERE t.user_id = $1 AND t.name = $2 AND t.revoked_at IS NULL \
         ORDER BY t.created_at DESC, t.id DESC"
    ))
    .bind(user_id)
    .bind(name)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// Which of an organization's members' tokens to read.
#[derive(Debug, Clone, Default)]
pub struct MemberTokens<'a> {
    pub creator_id: Option<&'a str>,
    /// `Some(true)`: only revoked ones; `Some(false)`: only those not revoked.
    pub revoked: Option<bool>,
    /// Only those not used (nor, if never used, created) since this time.
    pub unused_since: Option<&'a str>,
}

const MEMBER_TOKENS: &str = "t.user_id IN (SELECT user_id FROM memberships WHERE org_id = $1) \
     AND ($2 = '' OR t.user_id = $2) \
     AND ($3 = '' OR ($3 = 'revoked') = (t.revoked_at IS NOT NULL)) \
     AND ($4 = '' OR COALESCE(t.last_used_at, t.created_at) < $4)";

fn revoked_text(revoked: Option<bool>) -> &'static str {
    match revoked {
        None => "",
        Some(true) => "revoked",
        Some(false) => "not_revoked",
    }
}

/// Up to `limit` of the tokens whose creators are members of `org_id`, newest first, after the
/// `(created_at, id)` position `after`.
pub async fn of_members(
    db: &Database,
    org_id: &str,
    filter: &MemberTokens<'_>,
    after: Option<(&str, &str)>,
    limit: usize,
) -> DomainResult<Vec<StoredToken>> {
    let (after_created, after_id) = after.unwrap_or_default();
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} {FROM} WHERE {MEMBER_TOKENS} \
         AND ($5 = '' OR t.created_at < $5 OR (t.created_at = $5 AND t.id < $6)) \
         ORDER BY t.created_at DESC, t.id DESC LIMIT $7"
    ))
    .bind(org_id)
    .bind(filter.creator_id.unwrap_or_default())
    .bind(revoked_text(filter.revoked))
    .bind(filter.unused_since.unwrap_or_default())
    .bind(after_created)
    .bind(after_id)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// How many tokens [`of_members`] would read in all, by the organization they are restricted
/// to (`None`: unrestricted); at most `limit` organizations.
pub async fn count_of_members(
    db: &Database,
    org_id: &str,
    filter: &MemberTokens<'_>,
    limit: usize,
) -> DomainResult<Vec<(Option<String>, usize)>> {
    let rows = sqlx::query(&format!(
        "SELECT t.restricted_org_id, COUNT(*) AS n FROM api_tokens t WHERE {MEMBER_TOKENS} \
         GROUP BY t.restricted_org_id LIMIT $5"
    ))
    .bind(org_id)
    .bind(filter.creator_id.unwrap_or_default())
    .bind(revoked_text(filter.revoked))
    .bind(filter.unused_since.unwrap_or_default())
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok((row.try_get("restricted_org_id")?, usize::try_from(row.try_get::<i64, _>("n")?).unwrap_or_default()))
        })
        .collect()
}

/// How many of the user's tokens are neither revoked nor past their own expiry.
pub async fn count_live(tx: &mut Transaction, user_id: &str, now: &str) -> DomainResult<i64> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL \
         AND (expires_at IS NULL OR expires_at > $2)",
    )
    .bind(user_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get("n")?)
}

pub async fn revoke(tx: &mut Transaction, token_id: &str, by: &str, by_admin: bool) -> DomainResult<bool> {
    let changed = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1, revoked_by = $2, revoked_by_admin = $3 WHERE id = $4 AND revoked_at IS NULL",
    )
    .bind(Timestamp::now().to_rfc3339())
    .bind(by)
    .bind(to_flag(by_admin))
    .bind(token_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(changed > 0)
}

/// Records when and from where tokens were last used, many at once.
pub async fn record_uses(db: &Database, uses: &[(String, Use)]) -> DomainResult<()> {
    let mut tx = db.begin().await?;
    for (token_id, used) in uses {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1, last_used_addr = $2 WHERE id = $3")
            .bind(&used.at)
            .bind(&used.addr)
            .bind(token_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The policy of the organization, if it has one of its own; read from the pool or inside a
/// transaction.
pub async fn policy<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    org_id: &str,
) -> DomainResult<Option<TokenPolicy>> {
    let row = sqlx::query("SELECT max_lifetime_days, allow_no_expiry FROM token_policies WHERE org_id = $1")
        .bind(org_id)
        .fetch_optional(executor)
        .await?;
    row.map(|row| {
        Ok(TokenPolicy {
            max_lifetime_days: row.try_get("max_lifetime_days")?,
            allow_no_expiry: flag(&row, "allow_no_expiry")?,
        })
    })
    .transpose()
}

/// The organization's policy, its row held by `tx` until it ends: it is written first (the
/// default when there was none, otherwise unchanged), which makes a concurrent change wait on
/// PostgreSQL and takes the database's write lock on SQLite.
pub async fn held_policy(tx: &mut Transaction, org_id: &str) -> DomainResult<TokenPolicy> {
    let default = TokenPolicy::default();
    sqlx::query(
        "INSERT INTO token_policies (org_id, max_lifetime_days, allow_no_expiry, updated_at, updated_by) \
         VALUES ($1, $2, $3, $4, NULL) ON CONFLICT (org_id) DO UPDATE SET org_id = token_policies.org_id",
    )
    .bind(org_id)
    .bind(default.max_lifetime_days)
    .bind(to_flag(default.allow_no_expiry))
    .bind(Timestamp::now().to_rfc3339())
    .execute(&mut **tx)
    .await?;
    Ok(policy(&mut **tx, org_id).await?.unwrap_or(default))
}

/// The policy that applies to each user's tokens: the strictest of the organizations they are a
/// member of or homed in (an organization without a policy of its own has the default).
pub async fn policies_of_users(db: &Database, user_ids: &[String]) -> DomainResult<HashMap<String, TokenPolicy>> {
    let mut found: HashMap<String, Vec<TokenPolicy>> = HashMap::new();
    for chunk in user_ids.chunks(IDS_PER_QUERY) {
        let ids = placeholders(1, chunk.len());
        let sql = format!(
            "SELECT o.user_id, p.max_lifetime_days, p.allow_no_expiry FROM ( \
               SELECT user_id, org_id FROM memberships WHERE user_id IN ({ids}) \
               UNION SELECT id AS user_id, home_org_id AS org_id FROM users WHERE id IN ({ids}) AND home_org_id IS NOT NULL \
             ) o LEFT JOIN token_policies p ON p.org_id = o.org_id"
        );
        let mut query = sqlx::query(&sql);
        for user_id in chunk {
            query = query.bind(user_id);
        }
        for row in query.fetch_all(db.pool()).await? {
            let policy = match row.try_get::<Option<i64>, _>("max_lifetime_days")? {
                Some(max_lifetime_days) => {
                    TokenPolicy { max_lifetime_days, allow_no_expiry: flag(&row, "allow_no_expiry")? }
                }
                None => TokenPolicy::default(),
            };
            found.entry(row.try_get("user_id")?).or_default().push(policy);
        }
    }
    Ok(user_ids
        .iter()
        .map(|id| {
            let policies = found.remove(id).unwrap_or_else(|| vec![TokenPolicy::default()]);
            (id.clone(), TokenPolicy::strictest(policies))
        })
        .collect())
}

pub async fn set_policy(
    tx: &mut Transaction,
    org_id: &str,
    policy: &TokenPolicy,
    by: Option<&str>,
) -> DomainResult<()> {
    let now = Timestamp::now().to_rfc3339();
    sqlx::query(
        "INSERT INTO token_policies (org_id, max_lifetime_days, allow_no_expiry, updated_at, updated_by) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id) DO UPDATE SET max_lifetime_days = $2, \
         allow_no_expiry = $3, updated_at = $4, updated_by = $5",
    )
    .bind(org_id)
    .bind(policy.max_lifetime_days)
    .bind(to_flag(policy.allow_no_expiry))
    .bind(now)
    .bind(by.map(str::to_owned))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
