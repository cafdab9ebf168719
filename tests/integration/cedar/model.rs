//! Warden's access model, and the same model in Cedar (cedar-policy 4), built from one random
//! description so that both can be asked the same questions: the agreement test checks they
//! answer alike; the `cedar` bench times them side by side.
//!
//! The Cedar translation:
//! - a role held at organization A applies at O when `Org::"O" in Scope::"A"`. `Org::"O"` is
//!   always in `Scope::"O"`; with `parent_has_access` also in its parent's `Scope` and
//!   `Transit`; `Transit::"X"` (X as a link between an ancestor and a descendant) is in its
//!   parent's `Scope` and `Transit` when X has both `parent_has_access` and
//!   `parent_has_access_to_descendants`. Cedar's transitive `in` then walks the flags;
//! - a user is in `Grant::"A/R"` for each role R held at A; each statement of R's policies is
//!   one `permit` (allow) or `forbid` (deny) for `principal in Grant::"A/R"` and
//!   `resource in Scope::"A"`, its actions in the action scope and its resource patterns in
//!   the condition on `context.type` and `context.id` (forbid wins, as deny does);
//! - a question `type[:id]:action` at O is the request (User, Action::"action", Org::"O") with
//!   the context `{type, id?}`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use cedar_policy::{Authorizer, Context, Entities, Entity, EntityUid, PolicySet, Request, RestrictedExpression};
use warden::domain::authz::{
    Decision,
    decision::{PathNode, PolicyRules, RoleGrant, decide},
    permissions::Permission,
    statements::{Effect, Statement},
};

const TYPES: [&str; 5] = ["org", "member", "role", "project", "invoice"];
const INSTANCES: [&str; 3] = ["p1", "p2", "p3"];
const ACTIONS: [&str; 4] = ["read", "update", "delete", "deploy"];

#[path = "../support/lcg.rs"]
mod lcg;
pub use lcg::Lcg;

pub struct OrgNode {
    pub parent: Option<usize>,
    pub parent_has_access: bool,
    pub parent_has_access_to_descendants: bool,
}

/// Organizations (0 is the root), roles (each a list of policies), and each user's grants
/// (organization, role).
pub struct Model {
    pub orgs: Vec<OrgNode>,
    pub roles: Vec<Vec<PolicyRules>>,
    pub grants: Vec<Vec<(usize, usize)>>,
}

pub struct Question {
    pub user: usize,
    pub org: usize,
    pub permission: Permission,
}

fn random_statement(rng: &mut Lcg) -> Statement {
    let resources = (0..1 + rng.below(2))
        .map(|_| match rng.below(10) {
            0 => "*".to_owned(),
            1..=6 => rng.pick(&TYPES).to_owned(),
            _ => format!("{}:{}", rng.pick(&["project", "invoice"]), rng.pick(&INSTANCES)),
        })
        .collect();
    let actions = if rng.chance(15) {
        vec!["*".to_owned()]
    } else {
        (0..1 + rng.below(2)).map(|_| rng.pick(&ACTIONS).to_owned()).collect()
    };
    let effect = if rng.chance(20) { Effect::Deny } else { Effect::Allow };
    Statement { effect, actions, resources }
}

impl Model {
    /// `orgs` organizations, each under a random earlier one (so depths vary), with random
    /// access flags; `roles` roles of one to three policies of up to three statements; `users`
    /// users holding one to four roles somewhere.
    pub fn random(seed: u64, orgs: usize, roles: usize, users: usize) -> Self {
        let mut rng = Lcg(seed);
        let orgs = (0..orgs)
            .map(|i| OrgNode {
                parent: (i > 0).then(|| if rng.chance(70) { i - 1 - rng.below(i.min(3)) } else { rng.below(i) }),
                parent_has_access: rng.chance(80),
                parent_has_access_to_descendants: rng.chance(75),
            })
            .collect::<Vec<_>>();
        let roles = (0..roles)
            .map(|r| {
                (0..1 + rng.below(3))
                    .map(|p| PolicyRules {
                        policy_id: format!("p{r}_{p}"),
                        policy_name: format!("Policy {r}.{p}"),
                        statements: (0..1 + rng.below(3)).map(|_| random_statement(&mut rng)).collect(),
                    })
                    .collect()
            })
            .collect::<Vec<_>>();
        let grants = (0..users)
            .map(|_| (0..1 + rng.below(4)).map(|_| (rng.below(orgs.len()), rng.below(roles.len()))).collect())
            .collect();
        Self { orgs, roles, grants }
    }

    /// Questions near what users hold, so that every kind of answer is frequent: the
    /// organization of one of the user's grants or one up to three levels below it, and most
    /// often a permission that one of that role's statements names.
    pub fn questions(&self, seed: u64, count: usize) -> Vec<Question> {
        let mut rng = Lcg(seed);
        let mut children = vec![Vec::new(); self.orgs.len()];
        for (i, org) in self.orgs.iter().enumerate() {
            if let Some(parent) = org.parent {
                children[parent].push(i);
            }
        }
        (0..count)
            .map(|_| {
                let user = rng.below(self.grants.len());
                let (mut org, role) = self.grants[user][rng.below(self.grants[user].len())];
                for _ in 0..rng.below(4) {
                    if children[org].is_empty() {
                        break;
                    }
                    org = children[org][rng.below(children[org].len())];
                }
                let policies = &self.roles[role];
                let statements = &policies[rng.below(policies.len())].statements;
                let named = &statements[rng.below(statements.len())];
                let permission =
                    if rng.chance(60) { permission_named_by(named, &mut rng) } else { any_permission(&mut rng) };
                Question { user, org, permission }
            })
            .collect()
    }
}

fn any_permission(rng: &mut Lcg) -> Permission {
    let resource_type = rng.pick(&TYPES);
    let action = rng.pick(&ACTIONS);
    if matches!(resource_type, "project" | "invoice") && rng.chance(50) {
        Permission::on_instance(resource_type, rng.pick(&INSTANCES), action)
    } else {
        Permission::new(resource_type, action)
    }
}

/// A permission within what `statement` names (one of its resources and actions).
fn permission_named_by(statement: &Statement, rng: &mut Lcg) -> Permission {
    let action = statement.actions[rng.below(statement.actions.len())].as_str();
    let action = if action == "*" { rng.pick(&ACTIONS) } else { action };
    let resource = statement.resources[rng.below(statement.resources.len())].as_str();
    match resource.split_once(':') {
        Some((kind, id)) => Permission::on_instance(kind, id, action),
        None if resource == "*" => Permission { action: action.to_owned(), ..any_permission(rng) },
        None if matches!(resource, "project" | "invoice") && rng.chance(50) => {
            Permission::on_instance(resource, rng.pick(&INSTANCES), action)
        }
        None => Permission::new(resource, action),
    }
}

fn org_id(index: usize) -> String {
    format!("o{index}")
}

/// Warden's decision over the model, as its cache holds it: each organization's path to the
/// root, and each user's grants by organization.
pub struct WardenSide {
    paths: Vec<Vec<PathNode>>,
    grants: Vec<HashMap<String, Vec<RoleGrant>>>,
}

impl WardenSide {
    pub fn new(model: &Model) -> Self {
        let node = |i: usize| PathNode {
            org_id: org_id(i),
            name: org_id(i),
            parent_has_access: model.orgs[i].parent_has_access,
            parent_has_access_to_descendants: model.orgs[i].parent_has_access_to_descendants,
        };
        let paths = (0..model.orgs.len())
            .map(|start| {
                let mut path = vec![node(start)];
                let mut at = start;
                while let Some(parent) = model.orgs[at].parent {
                    path.push(node(parent));
                    at = parent;
                }
                path
            })
            .collect();
        let grants = model
            .grants
            .iter()
            .map(|held| {
                let mut by_org: HashMap<String, Vec<RoleGrant>> = HashMap::new();
                for &(org, role) in held {
                    by_org.entry(org_id(org)).or_default().push(RoleGrant {
                        org_id: org_id(org),
                        role_id: format!("r{role}"),
                        role_name: format!("Role {role}"),
                        via_group: None,
                        policies: model.roles[role].clone(),
                    });
                }
                by_org
            })
            .collect();
        Self { paths, grants }
    }

    pub fn decide(&self, question: &Question) -> bool {
        self.decision(question).allowed
    }

    pub fn decision(&self, question: &Question) -> Decision {
        let path: Vec<&PathNode> = self.paths[question.org].iter().collect();
        let grants = &self.grants[question.user];
        decide(&path, |org: &str| grants.get(org).map(Vec::as_slice).unwrap_or(&[]), &question.permission)
    }
}

/// Cedar's decision over the same model.
pub struct CedarSide {
    policies: PolicySet,
    /// When sliced: each user's own policies (those of the roles they hold), as a deployment
    /// that loads only the principal's policies per request would pass them.
    per_user: Option<Vec<PolicySet>>,
    entities: Entities,
    authorizer: Authorizer,
}

fn uid(kind: &str, id: &str) -> EntityUid {
    EntityUid::from_str(&format!("{kind}::\"{id}\"")).expect("an entity uid")
}

fn entity(uid: EntityUid, parents: HashSet<EntityUid>) -> Entity {
    Entity::new(uid, HashMap::new(), parents).expect("an entity")
}

fn resource_condition(pattern: &str) -> String {
    match pattern.split_once(':') {
        _ if pattern == "*" => "true".to_owned(),
        None => format!("context.type == \"{pattern}\""),
        Some((kind, id)) => format!("(context.type == \"{kind}\" && context has id && context.id == \"{id}\")"),
    }
}

fn cedar_policy(grant: &str, scope: &str, statement: &Statement) -> String {
    let effect = match statement.effect {
        Effect::Allow => "permit",
        Effect::Deny => "forbid",
    };
    let action = if statement.actions.iter().any(|a| a == "*") {
        "action".to_owned()
    } else {
        let listed: Vec<String> = statement.actions.iter().map(|a| format!("Action::\"{a}\"")).collect();
        format!("action in [{}]", listed.join(", "))
    };
    let resources: Vec<String> = statement.resources.iter().map(|r| resource_condition(r)).collect();
    format!(
        "{effect}(principal in Grant::\"{grant}\", {action}, resource in Scope::\"{scope}\") when {{ {} }};\n",
        resources.join(" || ")
    )
}

/// The Cedar policies of `grants` (organization, role): one per statement.
fn policy_set(model: &Model, grants: &[(usize, usize)]) -> PolicySet {
    let mut text = String::new();
    for &(org, role) in grants {
        let grant = format!("{}/r{role}", org_id(org));
        for policy in &model.roles[role] {
            for statement in &policy.statements {
                text.push_str(&cedar_policy(&grant, &org_id(org), statement));
            }
        }
    }
    PolicySet::from_str(&text).expect("Cedar policies")
}

impl CedarSide {
    pub fn new(model: &Model) -> Self {
        let mut entities = Vec::new();
        for (i, org) in model.orgs.iter().enumerate() {
            let id = org_id(i);
            let mut org_parents = HashSet::from([uid("Scope", &id)]);
            let mut transit_parents = HashSet::new();
            if let Some(parent) = org.parent {
                let parent = org_id(parent);
                if org.parent_has_access {
                    org_parents.extend([uid("Scope", &parent), uid("Transit", &parent)]);
                    if org.parent_has_access_to_descendants {
                        transit_parents.extend([uid("Scope", &parent), uid("Transit", &parent)]);
                    }
                }
            }
            entities.push(entity(uid("Org", &id), org_parents));
            entities.push(entity(uid("Transit", &id), transit_parents));
            entities.push(entity(uid("Scope", &id), HashSet::new()));
        }
        let mut held_grants = HashSet::new();
        for (user, held) in model.grants.iter().enumerate() {
            let parents = held.iter().map(|&(org, role)| uid("Grant", &format!("{}/r{role}", org_id(org)))).collect();
            entities.push(entity(uid("User", &format!("u{user}")), parents));
            held_grants.extend(held.iter().copied());
        }
        let mut held_grants: Vec<_> = held_grants.into_iter().collect();
        held_grants.sort_unstable();
        for &(org, role) in &held_grants {
            entities.push(entity(uid("Grant", &format!("{}/r{role}", org_id(org))), HashSet::new()));
        }
        Self {
            policies: policy_set(model, &held_grants),
            per_user: None,
            entities: Entities::from_entities(entities, None).expect("Cedar entities"),
            authorizer: Authorizer::new(),
        }
    }

    /// Like [`Self::new`], with each request given only its principal's policies.
    pub fn sliced(model: &Model) -> Self {
        let per_user = model.grants.iter().map(|held| policy_set(model, held)).collect();
        Self { per_user: Some(per_user), ..Self::new(model) }
    }

    pub fn policy_count(&self) -> usize {
        self.policies.policies().count()
    }

    pub fn decide(&self, question: &Question) -> bool {
        let permission = &question.permission;
        let mut context = vec![("type".to_owned(), RestrictedExpression::new_string(permission.resource_type.clone()))];
        if let Some(id) = &permission.resource_id {
            context.push(("id".to_owned(), RestrictedExpression::new_string(id.clone())));
        }
        let request = Request::new(
            uid("User", &format!("u{}", question.user)),
            uid("Action", &permission.action),
            uid("Org", &org_id(question.org)),
            Context::from_pairs(context).expect("a context"),
            None,
        )
        .expect("a request");
        let policies = self.per_user.as_ref().map_or(&self.policies, |sets| &sets[question.user]);
        self.authorizer.is_authorized(&request, policies, &self.entities).decision() == cedar_policy::Decision::Allow
    }
}
