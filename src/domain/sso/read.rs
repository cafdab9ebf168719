//! Reading an organization's SSO: its configuration (never the secret), and the setup page:
//! the roles with their group names, and the groups seen at sign-in that map to nothing.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use time::Duration;

use super::{
    ConnectionReport, SsoConfiguration, connection_test,
    mapping::group_matches,
    not_configured, sso_permission,
    storage::{self, StoredSso},
};
use crate::domain::{Actor, Domain, DomainError, DomainResult, Timestamp, cursor, roles::RoleMapping};

/// How far back the setup page looks for groups that map to nothing.
const UNMAPPED_WINDOW_DAYS: i64 = 90;
/// The newest sign-ins read for that list (a bound on one request's work).
const UNMAPPED_SIGN_INS_READ: i64 = 1000;

/// A group carried at recent sign-ins that no role names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UnmappedGroup {
    pub group: String,
    /// How many people carried it at their latest sign-in.
    pub users: usize,
}

/// A page of the groups that map to nothing, most carried first, then by name.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UnmappedGroupPage {
    pub groups: Vec<UnmappedGroup>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
}

/// How many of the groups that map to nothing the setup page shows (those carried by most).
const UNMAPPED_SHOWN: usize = 50;

/// Everything the SSO setup page shows.
#[derive(Debug, Clone, Serialize)]
pub struct SsoSetupPage {
    pub configuration: Option<SsoConfiguration>,
    pub redirect_uri: String,
    /// The roles a sign-in can give here: those IdP groups map to, and the default roles.
    pub roles: Vec<RoleMapping>,
    /// The groups that map to nothing carried by most people (at most [`UNMAPPED_SHOWN`]).
    pub unmapped_groups: Vec<UnmappedGroup>,
    /// How many groups map to nothing in all.
    pub unmapped_total: usize,
    pub may_update: bool,
    /// Whether client secrets can be stored (the server has a secret key).
    pub secrets_available: bool,
}

impl Domain {
    pub(super) fn present_sso(&self, stored: StoredSso) -> SsoConfiguration {
        SsoConfiguration {
            org_id: stored.org_id,
            issuer: stored.issuer,
            client_id: stored.client_id,
            client_secret_set: !stored.client_secret_sealed.is_empty(),
            scopes: stored.scopes,
            groups_claim: stored.groups_claim,
            allowed_email_domains: stored.allowed_email_domains,
            jit_provisioning: stored.jit_provisioning,
            mapping_mode: stored.mapping_mode,
            enabled: stored.enabled,
            redirect_uri: self.sso.redirect_uri.clone(),
            version: stored.version,
            created_at: stored.created_at,
            updated_at: stored.updated_at,
        }
    }

    /// The organization's SSO configuration (`sso:read`); `NotFound` when there is none.
    pub async fn sso_configuration(&self, actor: &Actor, org_id: &str) -> DomainResult<SsoConfiguration> {
        let org = self.authorized_organization(actor, org_id, &sso_permission("read")).await?;
        let stored = storage::load(&self.db, &org.id).await?.ok_or_else(|| not_configured(&org.id))?;
        Ok(self.present_sso(stored))
    }

    /// The configuration shown with an organization (seed 003's `sso_configuration`): only to
    /// those who may read it, `None` otherwise.
    pub async fn sso_configuration_if_readable(
        &self,
        actor: &Actor,
        org_id: &str,
    ) -> DomainResult<Option<SsoConfiguration>> {
        if !self.may(actor, org_id, &sso_permission("read")).await? {
            return Ok(None);
        }
        Ok(storage::load(&self.db, org_id).await?.map(|stored| self.present_sso(stored)))
    }

    /// Whether the actor may open the organization's SSO setup page.
    pub async fn may_read_sso(&self, actor: &Actor, org_id: &str) -> DomainResult<bool> {
        self.may(actor, org_id, &sso_permission("read")).await
    }

    pub async fn sso_setup(&self, actor: &Actor, org_id: &str) -> DomainResult<SsoSetupPage> {
        let org = self.authorized_organization(actor, org_id, &sso_permission("read")).await?;
        let configuration = storage::load(&self.db, &org.id).await?.map(|stored| self.present_sso(stored));
        let roles = self.role_mappings(&org.id, &[]).await?;
        let mut unmapped_groups = self.unmapped_groups(&org.id, &roles).await?;
        let unmapped_total = unmapped_groups.len();
        unmapped_groups.truncate(UNMAPPED_SHOWN);
        Ok(SsoSetupPage {
            configuration,
            redirect_uri: self.sso.redirect_uri.clone(),
            roles,
            unmapped_groups,
            unmapped_total,
            may_update: self.may(actor, &org.id, &sso_permission("update")).await?,
            secrets_available: self.sso.keys.is_some(),
        })
    }

    /// A page of the groups carried at sign-ins of the last 90 days that no role names, most
    /// carried first, then by name (needs `sso:read`).
    pub async fn unmapped_groups_page(
        &self,
        actor: &Actor,
        org_id: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> DomainResult<UnmappedGroupPage> {
        let org = self.authorized_organization(actor, org_id, &sso_permission("read")).await?;
        let roles = self.role_mappings(&org.id, &[]).await?;
        let after = cursor.map(cursor::decode).transpose()?;
        let after = after
            .map(|(users, group)| Ok::<_, DomainError>((users.parse::<usize>().map_err(|_| cursor::invalid())?, group)))
            .transpose()?;
        let mut groups: Vec<UnmappedGroup> = self
            .unmapped_groups(&org.id, &roles)
            .await?
            .into_iter()
            .filter(|g| {
                after.as_ref().is_none_or(|(users, group)| g.users < *users || (g.users == *users && g.group > *group))
            })
            .take(limit + 1)
            .collect();
        let next_cursor = (groups.len() > limit).then(|| {
            let last = &groups[limit - 1];
            cursor::encode(&last.users.to_string(), &last.group)
        });
        groups.truncate(limit);
        Ok(UnmappedGroupPage { has_more: next_cursor.is_some(), next_cursor, groups })
    }

    /// Groups carried at sign-ins of the last 90 days that no role names, most carried first.
    async fn unmapped_groups(&self, org_id: &str, roles: &[RoleMapping]) -> DomainResult<Vec<UnmappedGroup>> {
        let since = Timestamp::now().minus(Duration::days(UNMAPPED_WINDOW_DAYS)).to_rfc3339();
        let sign_ins = storage::recent_groups(&self.db, org_id, &since, UNMAPPED_SIGN_INS_READ).await?;
        let patterns: Vec<&str> = roles.iter().flat_map(|r| r.sso_group_names.iter().map(String::as_str)).collect();
        let mut carried: HashMap<String, usize> = HashMap::new();
        for groups in sign_ins {
            for group in groups {
                *carried.entry(group).or_default() += 1;
            }
        }
        let unmapped: BTreeMap<(std::cmp::Reverse<usize>, String), ()> = carried
            .into_iter()
            .filter(|(group, _)| !patterns.iter().any(|p| group_matches(p, group)))
            .map(|(group, users)| ((std::cmp::Reverse(users), group), ()))
            .collect();
        Ok(unmapped.into_keys().map(|(std::cmp::Reverse(users), group)| UnmappedGroup { group, users }).collect())
    }

    /// Tests the provider at `issuer` (the saved one when `None`). Asks the server to fetch a
    /// URL, so it takes `sso:update`.
    pub async fn test_sso_connection(
        &self,
        actor: &Actor,
        org_id: &str,
        issuer: Option<&str>,
    ) -> DomainResult<ConnectionReport> {
        let org = self.authorized_organization(actor, org_id, &sso_permission("update")).await?;
        let issuer = match issuer.map(str::trim).filter(|i| !i.is_empty()) {
            Some(issuer) => issuer.to_owned(),
            None => storage::load(&self.db, &org.id).await?.ok_or_else(|| not_configured(&org.id))?.issuer,
        };
        Ok(connection_test::test_connection(self.sso.provider.as_ref(), &issuer).await)
    }
}
