//! The test bench: what a person with these groups would get here, before anyone signs in and
//! before the page's edits are saved. It runs the same derivation and plan as a real sign-in.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    DerivedRole, claims,
    configuration::DEFAULT_GROUPS_CLAIM,
    mapping::{self, MappingMode},
    sso_permission, storage,
};
use crate::domain::{
    Actor, Domain, DomainError, DomainResult,
    authz::statements::{Effect, Statement},
    roles::MAX_SSO_GROUPS,
};

/// Where the groups come from: a list, an ID token's claims (read at the configured groups
/// claim), or the last SSO sign-in of `user_id`. `user_id` also names whose current roles the
/// answer is compared with. `draft` replaces roles' group names with unsaved edits.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SsoPreviewInput {
    /// The groups to try, as a provider would send them.
    pub groups: Option<Vec<String>>,
    /// An ID token's claims (a JSON object), its groups read at the configured groups claim.
    pub claims: Option<Value>,
    /// A user: their last SSO sign-in's groups when neither `groups` nor `claims` is given, and
    /// in any case whose current roles the answer is compared with.
    pub user_id: Option<String>,
    /// Unsaved group names of roles, in place of the saved ones.
    #[serde(default)]
    pub draft: Vec<DraftMapping>,
}

/// A role's SSO group names as edited, not yet saved.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftMapping {
    pub role_id: String,
    pub sso_group_names: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupsFrom {
    List,
    Claims,
    LastSignIn,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SsoPreview {
    pub groups: Vec<String>,
    pub groups_from: GroupsFrom,
    /// The roles the groups give (or the defaults).
    pub derived: Vec<DerivedRole>,
    pub unmapped_groups: Vec<String>,
    /// The role names the person would hold here after signing in.
    pub resulting_roles: Vec<String>,
    /// Compared with the person's current roles (`user_id` given): names added and removed.
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Every permission of the schema those roles give here and below.
    pub permissions: Vec<String>,
    pub mapping_mode: MappingMode,
}

impl Domain {
    pub async fn preview_sso_sign_in(
        &self,
        actor: &Actor,
        org_id: &str,
        input: SsoPreviewInput,
    ) -> DomainResult<SsoPreview> {
        let org = self.authorized_organization(actor, org_id, &sso_permission("read")).await?;
        let config = storage::load(&self.db, &org.id).await?;
        let groups_claim = config.as_ref().map(|c| c.groups_claim.clone()).unwrap_or(DEFAULT_GROUPS_CLAIM.into());
        let mapping_mode = config.as_ref().map(|c| c.mapping_mode).unwrap_or_default();
        let user = match &input.user_id {
            Some(user_id) => Some(self.visible_user(actor, user_id).await?),
            None => None,
        };
        let (groups, groups_from) = match (input.groups, input.claims, &user) {
            (Some(list), _, _) => (claims::clean(list.iter().map(String::as_str)), GroupsFrom::List),
            (None, Some(claims_json), _) => (claims::groups_at(&claims_json, &groups_claim).groups, GroupsFrom::Claims),
            (None, None, Some(user)) => {
                let (last, _) = storage::last_groups(&self.db, &org.id, &user.id).await?.ok_or_else(|| {
                    DomainError::invalid(
                        "user_id",
                        "no_sign_in",
                        format!("{} has not signed in here with SSO yet", user.email),
                    )
                })?;
                (last, GroupsFrom::LastSignIn)
            }
            (None, None, None) => {
                return Err(DomainError::invalid(
                    "groups",
                    "missing",
                    "Enter some groups, paste claims, or pick a user",
                ));
            }
        };
        let held = match &user {
            Some(user) => storage::held_roles_now(&self.db, &org.id, &user.id).await?,
            None => Vec::new(),
        };
        // The roles sign-ins can give, those the edits tried give groups to, and those the
        // person holds (to name them).
        let also: Vec<String> =
            input.draft.iter().map(|edit| edit.role_id.clone()).chain(held.iter().map(|h| h.role_id.clone())).collect();
        let mut roles = self.role_mappings(&org.id, &also).await?;
        for (index, edit) in input.draft.iter().enumerate() {
            if edit.sso_group_names.len() > MAX_SSO_GROUPS {
                return Err(DomainError::Invalid(vec![crate::domain::FieldError::item(
                    "draft",
                    Some(index),
                    "too_long",
                    format!("At most {MAX_SSO_GROUPS} group names"),
                )]));
            }
            if let Some(role) = roles.iter_mut().find(|r| r.role_id == edit.role_id) {
                role.sso_group_names =
                    edit.sso_group_names.iter().map(|g| g.trim().to_owned()).filter(|g| !g.is_empty()).collect();
            }
        }
        let derivation = mapping::derive(&roles, &groups);
        let name_of =
            |role_id: &str| roles.iter().find(|r| r.role_id == role_id).map(|r| r.name.clone()).unwrap_or_default();
        let plan = mapping::plan(&derivation.roles, &held, mapping_mode);
        let mut resulting: Vec<String> =
            held.iter().filter(|h| !plan.revoke.contains(&h.role_id)).map(|h| h.role_id.clone()).collect();
        for role in &derivation.roles {
            if !resulting.contains(&role.role_id) {
                resulting.push(role.role_id.clone());
            }
        }
        let mut statements: Vec<Statement> = Vec::new();
        for role_id in &resulting {
            statements.extend(self.role_statements(&org.id, role_id).await?.1);
        }
        let schema = self.schema().await?;
        let permissions = schema
            .concrete_permissions()
            .into_iter()
            .filter(|p| statements.iter().any(|s| s.effect == Effect::Allow && s.matches(p)))
            .filter(|p| !statements.iter().any(|s| s.effect == Effect::Deny && s.matches(p)))
            .map(|p| p.to_string())
            .collect();
        let added = plan
            .grant
            .iter()
            .filter(|g| !held.iter().any(|h| h.role_id == g.role_id))
            .map(|g| g.name.clone())
            .collect();
        let mut resulting_roles: Vec<String> = resulting.iter().map(|id| name_of(id)).collect();
        resulting_roles.sort();
        Ok(SsoPreview {
            groups,
            groups_from,
            derived: derivation.roles,
            unmapped_groups: derivation.unmapped_groups,
            resulting_roles,
            added,
            removed: plan.revoke.iter().map(|id| name_of(id)).collect(),
            permissions,
            mapping_mode,
        })
    }
}
