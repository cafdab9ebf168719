//! The decision rule, as a pure function: given the path from an organization up to the
//! root, the roles the user holds along it, and a permission, is it allowed, and why?
//!
//! A role held at ancestor A applies at O when O is reachable from A: every org on the path
//! below A (O included) has `parent_has_access`, and every org strictly between A and O also
//! has `parent_has_access_to_descendants`. Among the applicable roles, some allow statement
//! must match and no deny statement may match (deny wins). Nothing is allowed by default.

use serde::Serialize;

use super::{
    permissions::Permission,
    statements::{Effect, Statement},
};

/// One organization on the path from the target (first) up to the root (last).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PathNode {
    pub org_id: String,
    pub name: String,
    pub parent_has_access: bool,
    pub parent_has_access_to_descendants: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRules {
    pub policy_id: String,
    pub policy_name: String,
    pub statements: Vec<Statement>,
}

/// A role the user holds in one organization (through a membership).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    pub org_id: String,
    pub role_id: String,
    pub role_name: String,
    /// The user group the role comes through, if not held directly.
    pub via_group: Option<String>,
    pub policies: Vec<PolicyRules>,
}

/// The chain of links that decided: membership (org), role, policy, statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Link {
    pub membership_org_id: String,
    pub membership_org_name: String,
    /// The user group (of that organization) through which the role is held, if any.
    pub via_group: Option<String>,
    pub role_id: String,
    pub role_name: String,
    pub policy_id: String,
    pub policy_name: String,
    /// Position of the statement in the policy, from 0.
    pub statement_index: usize,
    pub statement: Statement,
}

/// A role that would have allowed, held at an ancestor whose access to the target an
/// organization's flag cut off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BlockedLink {
    pub link: Link,
    pub blocked_at_org_id: String,
    pub blocked_at_org_name: String,
    /// `parent_has_access` or `parent_has_access_to_descendants`.
    pub flag: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    Allowed { link: Link },
    DeniedByStatement { link: Link },
    NoAllowingRole { blocked: Option<BlockedLink> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub allowed: bool,
    pub reason: Reason,
}

impl Decision {
    /// One sentence an admin can read.
    pub fn summary(&self, permission: &Permission) -> String {
        let via = |l: &Link| {
            let group = l.via_group.as_ref().map(|g| format!(" through group \"{g}\"")).unwrap_or_default();
            format!(
                "role \"{}\" (membership in \"{}\"{group}) through policy \"{}\", statement {}",
                l.role_name,
                l.membership_org_name,
                l.policy_name,
                l.statement_index + 1
            )
        };
        match &self.reason {
            Reason::Allowed { link } => format!("Allowed: {} allows {permission}.", via(link)),
            Reason::DeniedByStatement { link } => format!("Denied: {} denies {permission}, and deny wins.", via(link)),
            Reason::NoAllowingRole { blocked: Some(b) } => format!(
                "Denied: {} would allow {permission}, but \"{}\" has {} turned off, which stops access from above.",
                via(&b.link),
                b.blocked_at_org_name,
                b.flag
            ),
            Reason::NoAllowingRole { blocked: None } => {
                format!("Denied: no role that applies here allows {permission}.")
            }
        }
    }
}

/// For each organization on `path` (target first), whether the roles held there apply at the
/// target: `None` if they do, or the organization and flag that cut them off. Lazily: a
/// decision walks it once per question, and allocating would cost as much as the walk.
pub fn access_cuts<'p>(path: &[&'p PathNode]) -> impl Iterator<Item = Option<(&'p PathNode, &'static str)>> {
    let mut cut_by: Option<(&PathNode, &'static str)> = None;
    (0..path.len()).map(move |depth| {
        if depth > 0 && cut_by.is_none() {
            let child = path[depth - 1];
            if !child.parent_has_access {
                cut_by = Some((child, "parent_has_access"));
            } else if depth - 1 > 0 && !child.parent_has_access_to_descendants {
                cut_by = Some((child, "parent_has_access_to_descendants"));
            }
        }
        cut_by
    })
}

/// Decides `permission` at `path[0]`. `grants_at(org_id)` gives the user's roles held in
/// that organization.
pub fn decide<'g>(
    path: &[&PathNode],
    grants_at: impl Fn(&str) -> &'g [RoleGrant],
    permission: &Permission,
) -> Decision {
    let mut allowed_by: Option<Link> = None;
    let mut blocked: Option<BlockedLink> = None;

    for (node, cut_by) in path.iter().zip(access_cuts(path)) {
        let reachable = cut_by.is_none();
        for grant in grants_at(&node.org_id) {
            for policy in &grant.policies {
                for (index, statement) in policy.statements.iter().enumerate() {
                    if !statement.matches(permission) {
                        continue;
                    }
                    let link = || Link {
                        membership_org_id: node.org_id.clone(),
                        membership_org_name: node.name.clone(),
                        via_group: grant.via_group.clone(),
                        role_id: grant.role_id.clone(),
                        role_name: grant.role_name.clone(),
                        policy_id: policy.policy_id.clone(),
                        policy_name: policy.policy_name.clone(),
                        statement_index: index,
                        statement: statement.clone(),
                    };
                    match (reachable, statement.effect) {
                        (true, Effect::Deny) => {
                            return Decision { allowed: false, reason: Reason::DeniedByStatement { link: link() } };
                        }
                        (true, Effect::Allow) if allowed_by.is_none() => allowed_by = Some(link()),
                        (false, Effect::Allow) if blocked.is_none() => {
                            if let Some((at, flag)) = cut_by {
                                blocked = Some(BlockedLink {
                                    link: link(),
                                    blocked_at_org_id: at.org_id.clone(),
                                    blocked_at_org_name: at.name.clone(),
                                    flag,
                                });
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    match allowed_by {
        Some(link) => Decision { allowed: true, reason: Reason::Allowed { link } },
        None => Decision { allowed: false, reason: Reason::NoAllowingRole { blocked } },
    }
}

/// Whether `permission` is allowed at `path[0]`: the same answer as [`decide`]'s `allowed`,
/// without building the reason (a decision made only to offer or enforce needs no names, and
/// copying them was most of its cost).
pub fn allows<'g>(path: &[&PathNode], grants_at: impl Fn(&str) -> &'g [RoleGrant], permission: &Permission) -> bool {
    let mut allowed = false;
    for (node, cut_by) in path.iter().zip(access_cuts(path)) {
        if cut_by.is_some() {
            // Cut off from here up: nothing held above applies, neither allow nor deny.
            break;
        }
        for statement in grants_at(&node.org_id).iter().flat_map(|g| &g.policies).flat_map(|p| &p.statements) {
            if statement.matches(permission) {
                match statement.effect {
                    Effect::Deny => return false,
                    Effect::Allow => allowed = true,
                }
            }
        }
    }
    allowed
}

/// Whether the user holds `permission` at `path[0]` without restriction: allowed, and no deny
/// that applies there covers any part of it (an instance of a type-wide permission, say).
/// Giving or taking away a permission needs this, so that a restricted holder cannot pass on
/// more than they may use.
pub fn holds_unrestricted<'g>(
    path: &[&PathNode],
    grants_at: impl Fn(&str) -> &'g [RoleGrant],
    permission: &Permission,
) -> bool {
    if !allows(path, &grants_at, permission) {
        return false;
    }
    !path.iter().zip(access_cuts(path)).filter(|(_, cut)| cut.is_none()).any(|(node, _)| {
        grants_at(&node.org_id)
            .iter()
            .flat_map(|g| &g.policies)
            .flat_map(|p| &p.statements)
            .any(|statement| statement.effect == Effect::Deny && statement.overlaps(permission))
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn node(id: &str, pha: bool, phatd: bool) -> PathNode {
        PathNode {
            org_id: id.into(),
            name: id.to_uppercase(),
            parent_has_access: pha,
            parent_has_access_to_descendants: phatd,
        }
    }

    fn grant(org: &str, role: &str, statements: Vec<Statement>) -> RoleGrant {
        RoleGrant {
            org_id: org.into(),
            role_id: format!("{org}-{role}"),
            role_name: role.into(),
            via_group: None,
            policies: vec![PolicyRules {
                policy_id: format!("{role}-p"),
                policy_name: format!("{role} policy"),
                statements,
            }],
        }
    }

    fn run(path: &[PathNode], grants: &[RoleGrant], permission: &str) -> Decision {
        let path: Vec<&PathNode> = path.iter().collect();
        let mut by_org: HashMap<String, Vec<RoleGrant>> = HashMap::new();
        for g in grants {
            by_org.entry(g.org_id.clone()).or_default().push(g.clone());
        }
        let empty: Vec<RoleGrant> = Vec::new();
        let permission = Permission::parse(permission).expect("valid permission");
        let at = |org: &str| by_org.get(org).map(Vec::as_slice).unwrap_or(&empty);
        let decision = decide(&path, at, &permission);
        assert_eq!(allows(&path, at, &permission), decision.allowed, "allows disagrees with decide: {decision:?}");
        decision
    }

    /// The rule as written in the issue, stated over sets rather than as a walk: a role at
    /// level `from` applies at level `to` (levels 0 = root .. 3) when every org in (from, to]
    /// has parent_has_access and every org in (from, to) has parent_has_access_to_descendants.
    fn expected(flags: &[(bool, bool); 4], from: usize, to: usize) -> bool {
        from <= to && (from + 1..=to).all(|l| flags[l].0) && (from + 1..to).all(|l| flags[l].1)
    }

    #[test]
    fn access_flag_matrix_on_a_four_level_chain() {
        let mut checked = 0;
        for bits in 0..64u32 {
            let bit = |n: u32| bits & (1 << n) != 0;
            // Levels 1..3 take their two flags from the bits; the root's flags never matter.
            let flags = [(true, true), (bit(0), bit(1)), (bit(2), bit(3)), (bit(4), bit(5))];
            let chain: Vec<PathNode> = (0..4).map(|l| node(&format!("l{l}"), flags[l].0, flags[l].1)).collect();
            for role_level in 0..4 {
                let grants = [grant(&format!("l{role_level}"), "Reader", vec![Statement::allow(&["org"], &["read"])])];
                for target in 0..4 {
                    let path: Vec<PathNode> = chain[..=target].iter().rev().cloned().collect();
                    let decision = run(&path, &grants, "org:read");
                    assert_eq!(
                        decision.allowed,
                        expected(&flags, role_level, target),
                        "flags {flags:?}, role at level {role_level}, target level {target}: {decision:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 64 * 4 * 4);
    }

    #[test]
    fn a_blocked_denial_names_the_flag_and_the_org() {
        let path = vec![node("c", true, true), node("b", true, false), node("a", true, true)];
        let grants = [grant("a", "Admin", vec![Statement::allow(&["*"], &["*"])])];
        let decision = run(&path, &grants, "org:update");
        assert!(!decision.allowed);
        let Reason::NoAllowingRole { blocked: Some(blocked) } = &decision.reason else { panic!("{decision:?}") };
        assert_eq!(blocked.blocked_at_org_id, "b");
        assert_eq!(blocked.flag, "parent_has_access_to_descendants");
        assert_eq!(blocked.link.role_name, "Admin");
        assert!(decision.summary(&Permission::new("org", "update")).contains("parent_has_access_to_descendants"));
    }

    #[test]
    fn deny_wins_over_allow_at_any_applicable_level() {
        let path = vec![node("child", true, true), node("root", true, true)];
        let grants = [
            grant("child", "Editor", vec![Statement::allow(&["org"], &["*"])]),
            grant("root", "Guard", vec![Statement::deny(&["org"], &["delete"])]),
        ];
        let denied = run(&path, &grants, "org:delete");
        assert!(!denied.allowed);
        assert!(matches!(&denied.reason, Reason::DeniedByStatement { link } if link.role_name == "Guard"));
        assert!(run(&path, &grants, "org:update").allowed);
    }

    #[test]
    fn a_deny_from_an_ancestor_cut_off_by_a_flag_does_not_apply() {
        let path = vec![node("child", false, true), node("root", true, true)];
        let grants = [
            grant("child", "Editor", vec![Statement::allow(&["org"], &["*"])]),
            grant("root", "Guard", vec![Statement::deny(&["*"], &["*"])]),
        ];
        assert!(run(&path, &grants, "org:delete").allowed);
    }

    #[test]
    fn wildcards_cover_types_actions_and_instances() {
        let path = vec![node("o", true, true)];
        let super_admin = [grant("o", "Super Admin", vec![Statement::allow(&["*"], &["*"])])];
        for p in ["org:delete", "project:p1:write", "audit:read"] {
            assert!(run(&path, &super_admin, p).allowed, "{p}");
        }
        let all_actions = [grant("o", "Org admin", vec![Statement::allow(&["org"], &["*"])])];
        assert!(run(&path, &all_actions, "org:move").allowed);
        assert!(!run(&path, &all_actions, "member:read").allowed);
        let instance = [grant("o", "P1 editor", vec![Statement::allow(&["project:p1"], &["update"])])];
        assert!(run(&path, &instance, "project:p1:update").allowed);
        assert!(!run(&path, &instance, "project:p2:update").allowed);
        assert!(!run(&path, &instance, "project:update").allowed, "an instance grant is not a type-wide grant");
    }

    #[test]
    fn a_deny_on_one_instance_restricts_the_type_wide_permission() {
        let path = [node("o", true, true)];
        let grants = [
            grant("o", "Deployer", vec![Statement::allow(&["project"], &["deploy"])]),
            grant("o", "Not prod", vec![Statement::deny(&["project:prod"], &["deploy"])]),
        ];
        let path: Vec<&PathNode> = path.iter().collect();
        let at = |_: &str| &grants[..];
        assert!(decide(&path, at, &Permission::new("project", "deploy")).allowed);
        assert!(!holds_unrestricted(&path, at, &Permission::new("project", "deploy")));
        assert!(holds_unrestricted(&path, at, &Permission::on_instance("project", "dev", "deploy")));
        assert!(!holds_unrestricted(&path, at, &Permission::on_instance("project", "prod", "deploy")));
    }

    #[test]
    fn nothing_is_allowed_by_default() {
        let decision = run(&[node("o", true, true)], &[], "org:read");
        assert_eq!(decision, Decision { allowed: false, reason: Reason::NoAllowingRole { blocked: None } });
    }
}
