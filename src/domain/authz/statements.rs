//! Policy statements (also called `definitions`): `{effect, actions, resources}`, and the
//! allow-only shorthand of permission strings (`permissions`).

use serde::{Deserialize, Serialize};

use super::permissions::{Permission, action_matches, action_overlaps, resource_matches, resource_overlaps};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Statement {
    pub effect: Effect,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
}

impl Statement {
    pub fn allow(resources: &[&str], actions: &[&str]) -> Self {
        Self::of(Effect::Allow, resources, actions)
    }

    pub fn deny(resources: &[&str], actions: &[&str]) -> Self {
        Self::of(Effect::Deny, resources, actions)
    }

    fn of(effect: Effect, resources: &[&str], actions: &[&str]) -> Self {
        Self {
            effect,
            actions: actions.iter().map(|a| (*a).to_owned()).collect(),
            resources: resources.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    pub fn matches(&self, permission: &Permission) -> bool {
        self.resources.iter().any(|r| resource_matches(r, permission))
            && self.actions.iter().any(|a| action_matches(a, permission))
    }

    /// Whether the statement covers any part of `permission`: what it matches, and also an
    /// instance of a type-wide permission or anything under a wildcard. A deny that overlaps a
    /// permission without matching it restricts it (`project:prod:deploy` denied restricts
    /// `project:deploy`).
    pub fn overlaps(&self, permission: &Permission) -> bool {
        self.resources.iter().any(|r| resource_overlaps(r, permission))
            && self.actions.iter().any(|a| action_overlaps(a, permission))
    }
}

/// The allow statements of a list of permission strings, one statement per permission.
pub fn statements_from_permissions(permissions: &[Permission]) -> Vec<Statement> {
    permissions
        .iter()
        .map(|p| Statement { effect: Effect::Allow, actions: vec![p.action.clone()], resources: vec![p.resource()] })
        .collect()
}

/// The permission strings that the allow statements grant (each resource x action pair).
pub fn allowed_permissions(statements: &[Statement]) -> Vec<Permission> {
    let mut permissions: Vec<Permission> = Vec::new();
    for statement in statements.iter().filter(|s| s.effect == Effect::Allow) {
        for resource in &statement.resources {
            for action in &statement.actions {
                if let Ok(p) = Permission::parse(&format!("{resource}:{action}"))
                    && !permissions.contains(&p)
                {
                    permissions.push(p);
                }
            }
        }
    }
    permissions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_matches_any_of_its_resources_and_actions() {
        let s = Statement::allow(&["org", "member"], &["read", "update"]);
        assert!(s.matches(&Permission::new("member", "update")));
        assert!(!s.matches(&Permission::new("role", "read")));
        assert!(!s.matches(&Permission::new("org", "delete")));
        assert!(Statement::allow(&["*"], &["*"]).matches(&Permission::on_instance("project", "p1", "write")));
    }

    #[test]
    fn permissions_and_statements_convert_both_ways() {
        let permissions = vec![Permission::new("org", "read"), Permission::on_instance("project", "p1", "update")];
        let statements = statements_from_permissions(&permissions);
        assert_eq!(statements[1], Statement::allow(&["project:p1"], &["update"]));
        assert_eq!(allowed_permissions(&statements), permissions);
    }

    #[test]
    fn a_statement_overlaps_the_instances_of_a_type_wide_permission() {
        let prod = Statement::deny(&["project:prod"], &["deploy"]);
        assert!(!prod.matches(&Permission::new("project", "deploy")));
        assert!(prod.overlaps(&Permission::new("project", "deploy")));
        assert!(prod.overlaps(&Permission::new("*", "*")));
        assert!(prod.overlaps(&Permission::new("project", "*")));
        assert!(!prod.overlaps(&Permission::on_instance("project", "dev", "deploy")));
        assert!(!prod.overlaps(&Permission::new("project", "read")));
        assert!(!prod.overlaps(&Permission::new("org", "deploy")));
        let everything = Statement::deny(&["*"], &["*"]);
        assert!(everything.overlaps(&Permission::on_instance("project", "dev", "deploy")));
    }

    #[test]
    fn deny_statements_grant_nothing() {
        assert!(allowed_permissions(&[Statement::deny(&["org"], &["delete"])]).is_empty());
    }
}
