//! Storage of SSO: configurations (the secret sealed), sign-ins on their way through a
//! provider, the groups of each user's last SSO sign-in, and the roles SSO derived.

use sqlx::{Row, any::AnyRow};

use super::{
    configuration::CheckedSso,
    mapping::{DerivedRole, HeldRole, MappingMode, RoleSource},
};
use crate::domain::{
    Database, DomainError, DomainResult, Timestamp, Transaction,
    db::{flag, to_flag},
    members,
};

/// A configuration row, with its sealed secret.
#[derive(Debug, Clone)]
pub struct StoredSso {
    pub org_id: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret_sealed: String,
    pub scopes: Vec<String>,
    pub groups_claim: String,
    pub allowed_email_domains: Vec<String>,
    pub jit_provisioning: bool,
    pub mapping_mode: MappingMode,
    pub enabled: bool,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

fn json_list(row: &AnyRow, column: &str) -> DomainResult<Vec<String>> {
    let text: String = row.try_get(column)?;
    serde_json::from_str(&text).map_err(|e| DomainError::Internal(format!("{column} is not a JSON list: {e}")))
}

fn from_row(row: &AnyRow) -> DomainResult<StoredSso> {
    let mode: String = row.try_get("mapping_mode")?;
    Ok(StoredSso {
        org_id: row.try_get("org_id")?,
        issuer: row.try_get("issuer")?,
        client_id: row.try_get("client_id")?,
        client_secret_sealed: row.try_get("client_secret_sealed")?,
        scopes: json_list(row, "scopes")?,
        groups_claim: row.try_get("groups_claim")?,
        allowed_email_domains: json_list(row, "allowed_email_domains")?,
        jit_provisioning: flag(row, "jit_provisioning")?,
        mapping_mode: MappingMode::parse(&mode).unwrap_or_default(),
        enabled: flag(row, "enabled")?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub async fn load(db: &Database, org_id: &str) -> DomainResult<Option<StoredSso>> {
    let row = sqlx::query("SELECT * FROM sso_configurations WHERE org_id = $1")
        .bind(org_id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

fn to_json(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_owned())
}

/// Creates or replaces the configuration; `expected_version` guards against lost updates.
/// Returns whether a row was written (false: the version moved on).
pub async fn save(
    tx: &mut Transaction,
    org_id: &str,
    checked: &CheckedSso,
    sealed_secret: &str,
    expected_version: Option<i64>,
) -> DomainResult<bool> {
    let now = Timestamp::now().to_rfc3339();
    let written = match expected_version {
        None => sqlx::query(
            "INSERT INTO sso_configurations (org_id, issuer, client_id, client_secret_sealed, scopes, allowed_email_domains, \
             groups_claim, jit_provisioning, mapping_mode, enabled, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 1)",
        ),
        Some(_) => sqlx::query(
            "UPDATE sso_configurations SET issuer = $2, client_id = $3, client_secret_sealed = $4, scopes = $5, \
             allowed_email_domains = $6, groups_claim = $7, jit_provisioning = $8, mapping_mode = $9, enabled = $10, \
             updated_at = $11, version = version + 1 WHERE org_id = $1 AND version = $12",
        ),
    }
    .bind(org_id)
    .bind(&checked.issuer)
    .bind(&checked.client_id)
    .bind(sealed_secret)
    .bind(to_json(&checked.scopes))
    .bind(to_json(&checked.allowed_email_domains))
    .bind(&checked.groups_claim)
    .bind(to_flag(checked.jit_provisioning))
    .bind(checked.mapping_mode.as_str())
    .bind(to_flag(checked.enabled))
    .bind(&now)
    .bind(expected_version.unwrap_or_default())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if written == 0 {
        return Ok(false);
    }
    // Another issuer is another set of people: the links to accounts were the old one's.
    sqlx::query("DELETE FROM sso_identities WHERE org_id = $1 AND issuer <> $2")
        .bind(org_id)
        .bind(&checked.issuer)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM sso_email_domains WHERE org_id = $1").bind(org_id).execute(&mut **tx).await?;
    if checked.enabled {
        for domain in &checked.allowed_email_domains {
            sqlx::query("INSERT INTO sso_email_domains (domain, org_id) VALUES ($1, $2)")
                .bind(domain)
                .bind(org_id)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(true)
}

pub async fn delete(tx: &mut Transaction, org_id: &str) -> DomainResult<bool> {
    sqlx::query("DELETE FROM sso_email_domains WHERE org_id = $1").bind(org_id).execute(&mut **tx).await?;
    let removed =
        sqlx::query("DELETE FROM sso_configurations WHERE org_id = $1").bind(org_id).execute(&mut **tx).await?;
    Ok(removed.rows_affected() > 0)
}

/// The organizations with SSO enabled for an email domain (at most `limit`).
pub async fn organizations_for_domain(db: &Database, domain: &str, limit: i64) -> DomainResult<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT o.id, o.name FROM sso_email_domains d JOIN organizations o ON o.id = d.org_id \
         JOIN sso_configurations c ON c.org_id = d.org_id WHERE d.domain = $1 AND c.enabled = 1 ORDER BY o.name, o.id LIMIT $2",
    )
    .bind(domain)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("name")?))).collect()
}

/// A sign-in on its way through the provider.
#[derive(Debug, Clone)]
pub struct PendingSignIn {
    pub org_id: String,
    pub binding_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub return_to: String,
    pub expires_at: String,
}

pub async fn insert_pending(tx: &mut Transaction, state_hash: &str, pending: &PendingSignIn) -> DomainResult<()> {
    // Expired ones are swept as new ones arrive.
    sqlx::query("DELETE FROM sso_sign_in_requests WHERE expires_at < $1")
        .bind(Timestamp::now().to_rfc3339())
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO sso_sign_in_requests (state_hash, org_id, binding_hash, nonce, pkce_verifier, return_to, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(state_hash)
    .bind(&pending.org_id)
    .bind(&pending.binding_hash)
    .bind(&pending.nonce)
    .bind(&pending.pkce_verifier)
    .bind(&pending.return_to)
    .bind(Timestamp::now().to_rfc3339())
    .bind(&pending.expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Takes the pending sign-in for `state_hash` out, when this browser (`binding_hash`) started
/// it: each can be finished once, and only there.
pub async fn take_pending(db: &Database, state_hash: &str, binding_hash: &str) -> DomainResult<Option<PendingSignIn>> {
    let row = sqlx::query(
        "DELETE FROM sso_sign_in_requests WHERE state_hash = $1 AND binding_hash = $2 \
         RETURNING org_id, binding_hash, nonce, pkce_verifier, return_to, expires_at",
    )
    .bind(state_hash)
    .bind(binding_hash)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        Ok(PendingSignIn {
            org_id: r.try_get("org_id")?,
            binding_hash: r.try_get("binding_hash")?,
            nonce: r.try_get("nonce")?,
            pkce_verifier: r.try_get("pkce_verifier")?,
            return_to: r.try_get("return_to")?,
            expires_at: r.try_get("expires_at")?,
        })
    })
    .transpose()
}

const HELD_ROLES: &str = "SELECT role_id, source, sso_group FROM membership_roles WHERE org_id = $1 AND user_id = $2";

/// The roles a member holds in the organization, with where each comes from.
pub async fn held_roles(tx: &mut Transaction, org_id: &str, user_id: &str) -> DomainResult<Vec<HeldRole>> {
    let rows = sqlx::query(HELD_ROLES).bind(org_id).bind(user_id).fetch_all(&mut **tx).await?;
    held_from(&rows)
}

/// The same, outside a transaction.
pub async fn held_roles_now(db: &Database, org_id: &str, user_id: &str) -> DomainResult<Vec<HeldRole>> {
    let rows = sqlx::query(HELD_ROLES).bind(org_id).bind(user_id).fetch_all(db.pool()).await?;
    held_from(&rows)
}

fn held_from(rows: &[AnyRow]) -> DomainResult<Vec<HeldRole>> {
    rows.iter()
        .map(|r| {
            Ok(HeldRole {
                role_id: r.try_get("role_id")?,
                source: RoleSource::parse(&r.try_get::<String, _>("source")?),
                sso_group: r.try_get("sso_group")?,
            })
        })
        .collect()
}

/// Records a derived role: a new row, or a derived row's new source and group (manual rows are
/// never passed here).
pub async fn record_derived(tx: &mut Transaction, org_id: &str, user_id: &str, role: &DerivedRole) -> DomainResult<()> {
    // A derived role is recorded afresh (its group may have changed); a manual one stays.
    remove_derived(tx, org_id, user_id, &role.role_id).await?;
    members::storage::add_role_if_absent(
        tx,
        org_id,
        user_id,
        &role.role_id,
        role.source.as_str(),
        role.group.as_deref(),
    )
    .await
}

pub async fn remove_derived(tx: &mut Transaction, org_id: &str, user_id: &str, role_id: &str) -> DomainResult<()> {
    sqlx::query(
        "DELETE FROM membership_roles WHERE org_id = $1 AND user_id = $2 AND role_id = $3 AND source <> 'manual'",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(role_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Remembers the groups of a user's latest SSO sign-in to the organization.
pub async fn record_groups(tx: &mut Transaction, org_id: &str, user_id: &str, groups: &[String]) -> DomainResult<()> {
    sqlx::query("DELETE FROM sso_sign_ins WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO sso_sign_ins (org_id, user_id, groups, at) VALUES ($1, $2, $3, $4)")
        .bind(org_id)
        .bind(user_id)
        .bind(to_json(groups))
        .bind(Timestamp::now().to_rfc3339())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The groups of a user's latest SSO sign-in to the organization, and when.
pub async fn last_groups(db: &Database, org_id: &str, user_id: &str) -> DomainResult<Option<(Vec<String>, String)>> {
    let row = sqlx::query("SELECT groups, at FROM sso_sign_ins WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| Ok((json_list(&r, "groups")?, r.try_get("at")?))).transpose()
}

/// The groups of the newest sign-ins since `since` (at most `limit` sign-ins).
pub async fn recent_groups(db: &Database, org_id: &str, since: &str, limit: i64) -> DomainResult<Vec<Vec<String>>> {
    let rows = sqlx::query("SELECT groups FROM sso_sign_ins WHERE org_id = $1 AND at >= $2 ORDER BY at DESC LIMIT $3")
        .bind(org_id)
        .bind(since)
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(|r| json_list(r, "groups")).collect()
}

/// The organization with SSO enabled whose code this is, with its name.
pub async fn organization_for_code(db: &Database, code: &str) -> DomainResult<Option<(String, String)>> {
    let row = sqlx::query(
        "SELECT o.id, o.name FROM organizations o JOIN sso_configurations c ON c.org_id = o.id \
         WHERE o.code = $1 AND c.enabled = 1",
    )
    .bind(code)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| Ok((r.try_get("id")?, r.try_get("name")?))).transpose()
}

/// Every organization's sealed client secret.
pub async fn sealed_secrets(db: &Database) -> DomainResult<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT org_id, client_secret_sealed FROM sso_configurations ORDER BY org_id")
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(|r| Ok((r.try_get("org_id")?, r.try_get("client_secret_sealed")?))).collect()
}

pub async fn replace_sealed(tx: &mut Transaction, org_id: &str, sealed: &str) -> DomainResult<()> {
    sqlx::query("UPDATE sso_configurations SET client_secret_sealed = $1 WHERE org_id = $2")
        .bind(sealed)
        .bind(org_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The organization of a pending sign-in (to say, when another browser brings it, where).
pub async fn pending_org(db: &Database, state_hash: &str) -> DomainResult<Option<String>> {
    let row = sqlx::query("SELECT org_id FROM sso_sign_in_requests WHERE state_hash = $1")
        .bind(state_hash)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|r| r.try_get("org_id")).transpose()?)
}

/// The account linked to a provider's person in the organization.
pub async fn linked_user(db: &Database, org_id: &str, issuer: &str, subject: &str) -> DomainResult<Option<String>> {
    let row = sqlx::query("SELECT user_id FROM sso_identities WHERE org_id = $1 AND issuer = $2 AND subject = $3")
        .bind(org_id)
        .bind(issuer)
        .bind(subject)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|r| r.try_get("user_id")).transpose()?)
}

/// Whether the account is linked to some person of this organization's provider.
pub async fn is_linked(db: &Database, org_id: &str, issuer: &str, user_id: &str) -> DomainResult<bool> {
    let row = sqlx::query("SELECT 1 FROM sso_identities WHERE org_id = $1 AND issuer = $2 AND user_id = $3")
        .bind(org_id)
        .bind(issuer)
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.is_some())
}

pub async fn link(tx: &mut Transaction, org_id: &str, issuer: &str, subject: &str, user_id: &str) -> DomainResult<()> {
    sqlx::query("INSERT INTO sso_identities (org_id, issuer, subject, user_id, linked_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(org_id)
        .bind(issuer)
        .bind(subject)
        .bind(user_id)
        .bind(Timestamp::now().to_rfc3339())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
