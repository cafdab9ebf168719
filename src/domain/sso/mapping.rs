//! From the groups an identity provider sends to the roles a member holds (pure).
//!
//! A role lists IdP group names in `sso_group_names`; a name ending in `*` matches every group
//! that starts with what precedes it. Several groups may grant one role and one group several
//! roles. When no group grants anything, the organization's default roles are given instead.
//!
//! What an SSO sign-in derives is recorded as such (source `sso` with the granting group, or
//! `default`), beside roles an admin gave (`manual`), which SSO never touches. In additive mode
//! derived roles only accumulate; in authoritative mode the derived roles are exactly what this
//! sign-in's groups say, so a group that disappeared takes its roles away.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::domain::roles::RoleMapping;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MappingMode {
    /// SSO adds roles; it never removes any.
    #[default]
    Additive,
    /// The roles SSO derived are exactly what the groups say at each sign-in.
    Authoritative,
}

impl MappingMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Additive => "additive",
            Self::Authoritative => "authoritative",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "additive" => Some(Self::Additive),
            "authoritative" => Some(Self::Authoritative),
            _ => None,
        }
    }
}

/// Where a held role comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoleSource {
    Manual,
    Default,
    Sso,
}

impl RoleSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Default => "default",
            Self::Sso => "sso",
        }
    }

    /// Unknown values read as manual: SSO never touches what it did not give.
    pub fn parse(text: &str) -> Self {
        match text {
            "default" => Self::Default,
            "sso" => Self::Sso,
            _ => Self::Manual,
        }
    }

    pub fn is_derived(self) -> bool {
        self != Self::Manual
    }
}

/// A role a member holds in the organization, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldRole {
    pub role_id: String,
    pub source: RoleSource,
    pub sso_group: Option<String>,
}

/// A role the groups give, and the group that gives it (`None` for a default role).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DerivedRole {
    pub role_id: String,
    pub name: String,
    pub source: RoleSource,
    pub group: Option<String>,
}

/// What a list of groups gives in one organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Derivation {
    pub roles: Vec<DerivedRole>,
    /// Groups that match no role's group names.
    pub unmapped_groups: Vec<String>,
}

/// What a sign-in changes in the member's roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct RolePlan {
    /// Roles to record as derived (new ones, and derived ones whose granting group changed).
    pub grant: Vec<DerivedRole>,
    /// Derived roles to take away (authoritative mode only).
    pub revoke: Vec<String>,
}

/// Whether a role's group name `pattern` matches the IdP group `group`.
pub fn group_matches(pattern: &str, group: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => group.starts_with(prefix),
        None => pattern == group,
    }
}

/// The roles `groups` give among `roles`; the default roles when they give none.
pub fn derive(roles: &[RoleMapping], groups: &[String]) -> Derivation {
    let mut derived: Vec<DerivedRole> = Vec::new();
    let mut mapped: HashSet<&str> = HashSet::new();
    for role in roles {
        // The first of the member's groups that grants the role is recorded as its source.
        let granting = groups.iter().find(|g| role.sso_group_names.iter().any(|p| group_matches(p, g)));
        if let Some(group) = granting {
            derived.push(DerivedRole {
                role_id: role.role_id.clone(),
                name: role.name.clone(),
                source: RoleSource::Sso,
                group: Some(group.clone()),
            });
        }
        for group in groups.iter().filter(|g| role.sso_group_names.iter().any(|p| group_matches(p, g))) {
            mapped.insert(group);
        }
    }
    if derived.is_empty() {
        derived = roles
            .iter()
            .filter(|r| r.is_default)
            .map(|r| DerivedRole {
                role_id: r.role_id.clone(),
                name: r.name.clone(),
                source: RoleSource::Default,
                group: None,
            })
            .collect();
    }
    let mut seen = HashSet::new();
    let unmapped_groups =
        groups.iter().filter(|g| !mapped.contains(g.as_str()) && seen.insert(g.as_str())).cloned().collect();
    Derivation { roles: derived, unmapped_groups }
}

/// What recording `derived` changes for a member holding `held`, in `mode`. Manual roles are
/// never touched: a derived role the member already holds manually stays manual.
pub fn plan(derived: &[DerivedRole], held: &[HeldRole], mode: MappingMode) -> RolePlan {
    let grant = derived
        .iter()
        .filter(|d| match held.iter().find(|h| h.role_id == d.role_id) {
            None => true,
            Some(h) => h.source.is_derived() && (h.source != d.source || h.sso_group != d.group),
        })
        .cloned()
        .collect();
    let revoke = match mode {
        MappingMode::Additive => Vec::new(),
        MappingMode::Authoritative => held
            .iter()
            .filter(|h| h.source.is_derived() && !derived.iter().any(|d| d.role_id == h.role_id))
            .map(|h| h.role_id.clone())
            .collect(),
    };
    RolePlan { grant, revoke }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(id: &str, groups: &[&str], is_default: bool) -> RoleMapping {
        RoleMapping {
            role_id: id.into(),
            name: id.to_uppercase(),
            is_default,
            sso_group_names: groups.iter().map(|g| (*g).to_owned()).collect(),
        }
    }

    fn groups(names: &[&str]) -> Vec<String> {
        names.iter().map(|g| (*g).to_owned()).collect()
    }

    fn held(id: &str, source: RoleSource, group: Option<&str>) -> HeldRole {
        HeldRole { role_id: id.into(), source, sso_group: group.map(str::to_owned) }
    }

    fn ids(derivation: &Derivation) -> Vec<(&str, RoleSource, Option<&str>)> {
        derivation.roles.iter().map(|r| (r.role_id.as_str(), r.source, r.group.as_deref())).collect()
    }

    fn org_roles() -> Vec<RoleMapping> {
        vec![
            role("admin", &["acme-admins"], false),
            role("dev", &["engineering", "eng-*"], false),
            role("viewer", &[], true),
            role("ops", &["eng-ops", "sre"], false),
        ]
    }

    #[test]
    fn several_groups_and_several_names_per_role() {
        let derivation = derive(&org_roles(), &groups(&["engineering", "acme-admins", "sre"]));
        assert_eq!(
            ids(&derivation),
            [
                ("admin", RoleSource::Sso, Some("acme-admins")),
                ("dev", RoleSource::Sso, Some("engineering")),
                ("ops", RoleSource::Sso, Some("sre")),
            ]
        );
        assert!(derivation.unmapped_groups.is_empty());
    }

    #[test]
    fn a_trailing_star_matches_a_prefix_and_one_group_can_grant_several_roles() {
        assert!(group_matches("eng-*", "eng-ops"));
        assert!(group_matches("eng-*", "eng-"));
        assert!(!group_matches("eng-*", "engineering"));
        assert!(!group_matches("eng", "eng-ops"), "without a star the match is exact");
        let derivation = derive(&org_roles(), &groups(&["eng-ops"]));
        assert_eq!(
            ids(&derivation),
            [("dev", RoleSource::Sso, Some("eng-ops")), ("ops", RoleSource::Sso, Some("eng-ops"))]
        );
    }

    #[test]
    fn default_roles_when_no_group_matches_and_unknown_groups_are_recorded() {
        let derivation = derive(&org_roles(), &groups(&["marketing", "sales", "marketing"]));
        assert_eq!(ids(&derivation), [("viewer", RoleSource::Default, None)]);
        assert_eq!(derivation.unmapped_groups, ["marketing", "sales"], "each unknown group once");

        let mixed = derive(&org_roles(), &groups(&["marketing", "sre"]));
        assert_eq!(ids(&mixed), [("ops", RoleSource::Sso, Some("sre"))], "defaults only when nothing matches");
        assert_eq!(mixed.unmapped_groups, ["marketing"]);
        assert_eq!(ids(&derive(&org_roles(), &[])), [("viewer", RoleSource::Default, None)]);
    }

    #[test]
    fn additive_mode_adds_and_never_removes() {
        let now = derive(&org_roles(), &groups(&["sre"])).roles;
        let before = [held("admin", RoleSource::Sso, Some("acme-admins")), held("viewer", RoleSource::Manual, None)];
        let plan = plan(&now, &before, MappingMode::Additive);
        assert_eq!(plan.grant.iter().map(|g| g.role_id.as_str()).collect::<Vec<_>>(), ["ops"]);
        assert!(plan.revoke.is_empty(), "the admin role stays although acme-admins is gone");
    }

    #[test]
    fn authoritative_mode_removes_what_a_vanished_group_gave_and_leaves_manual_roles() {
        let now = derive(&org_roles(), &groups(&["sre"])).roles;
        let before = [
            held("admin", RoleSource::Sso, Some("acme-admins")),
            held("viewer", RoleSource::Default, None),
            held("dev", RoleSource::Manual, None),
            held("ops", RoleSource::Sso, Some("sre")),
        ];
        let plan = plan(&now, &before, MappingMode::Authoritative);
        assert!(plan.grant.is_empty(), "ops is already held from sre");
        assert_eq!(plan.revoke, ["admin", "viewer"], "the manual dev role stays");
    }

    #[test]
    fn a_manual_role_the_groups_also_give_stays_manual_and_a_changed_group_is_recorded() {
        let now = derive(&org_roles(), &groups(&["eng-ops", "acme-admins"])).roles;
        let before = [held("admin", RoleSource::Manual, None), held("dev", RoleSource::Sso, Some("engineering"))];
        let plan = plan(&now, &before, MappingMode::Authoritative);
        let granted: Vec<_> = plan.grant.iter().map(|g| (g.role_id.as_str(), g.group.as_deref())).collect();
        assert_eq!(granted, [("dev", Some("eng-ops")), ("ops", Some("eng-ops"))]);
        assert!(plan.revoke.is_empty());
    }
}
