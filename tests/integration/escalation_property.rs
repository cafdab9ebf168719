//! The anti-escalation rule as a property: over random small trees, roles and flag settings, no
//! sequence of changes made by one user ends with anyone holding a permission, anywhere, that
//! they did not hold at the start, unless the user making the changes held it there.
//!
//! Every change goes through the domain, as the REST API and the console do; refused changes
//! are part of the sequence like the others.

use std::collections::BTreeSet;

use proptest::prelude::*;
use serde_json::{Value, json};
use warden::domain::{
    Actor, Domain, Engine,
    groups::GroupFields,
    orgs::{NewOrganization, OrganizationSettings},
    policies::{NewPolicy, PolicyChanges, PolicyContent},
    roles::{RoleChanges, RoleFields},
    users::NewAccount,
};

use crate::support::TestDb;

/// The permissions policies are written with (each may be allowed or denied). `project` is an
/// application type: no predefined Admin holds it, only Super Admins and the roles that say so.
const POOL: [&str; 10] = [
    "org:read",
    "org:update",
    "org:move",
    "member:read",
    "member:assign",
    "role:update",
    "policy:update",
    "audit:read",
    "project:read",
    "project:deploy",
];
const ORGS: usize = 4;
const USERS: usize = 3;

/// One change the acting user attempts; indices are taken modulo what exists.
#[derive(Debug, Clone)]
enum Change {
    SetRoles { org: usize, user: usize, roles: u8 },
    RemoveMember { org: usize, user: usize },
    RewritePolicy { org: usize, policy: usize, statements: Vec<(bool, usize)> },
    RecomposeRole { org: usize, role: usize, policies: u8 },
    Flags { org: usize, parent_has_access: bool, to_descendants: bool },
    Move { org: usize, parent: usize },
    Group { org: usize, users: u8, roles: u8 },
    DeleteRole { org: usize, role: usize },
    DeletePolicy { org: usize, policy: usize },
}

fn change() -> impl Strategy<Value = Change> {
    let i = || 0..8usize;
    prop_oneof![
        (i(), i(), any::<u8>()).prop_map(|(org, user, roles)| Change::SetRoles { org, user, roles }),
        (i(), i()).prop_map(|(org, user)| Change::RemoveMember { org, user }),
        (i(), i(), prop::collection::vec((any::<bool>(), i()), 1..4))
            .prop_map(|(org, policy, statements)| Change::RewritePolicy { org, policy, statements }),
        (i(), i(), any::<u8>()).prop_map(|(org, role, policies)| Change::RecomposeRole { org, role, policies }),
        (i(), any::<bool>(), any::<bool>()).prop_map(|(org, parent_has_access, to_descendants)| Change::Flags {
            org,
            parent_has_access,
            to_descendants
        }),
        (i(), i()).prop_map(|(org, parent)| Change::Move { org, parent }),
        (i(), any::<u8>(), any::<u8>()).prop_map(|(org, users, roles)| Change::Group { org, users, roles }),
        (i(), i()).prop_map(|(org, role)| Change::DeleteRole { org, role }),
        (i(), i()).prop_map(|(org, policy)| Change::DeletePolicy { org, policy }),
    ]
}

/// The world a case starts from: a tree (parent of each org, by index), flags, what each custom
/// policy says, which roles each user holds where, and where the acting user (the first one) is
/// an Admin, so that it can try things.
#[derive(Debug, Clone)]
struct Start {
    parents: Vec<usize>,
    flags: Vec<(bool, bool)>,
    policies: Vec<Vec<(bool, usize)>>,
    holdings: Vec<(usize, usize, usize)>,
    actor_admin_at: usize,
}

fn start() -> impl Strategy<Value = Start> {
    (
        prop::collection::vec(0..8usize, ORGS),
        prop::collection::vec((any::<bool>(), any::<bool>()), ORGS),
        prop::collection::vec(prop::collection::vec((prop::bool::weighted(0.2), 0..POOL.len()), 1..4), ORGS * 2),
        prop::collection::vec((0..ORGS + 1, 0..USERS, 0..5usize), 2..8),
        0..ORGS + 1,
    )
        .prop_map(|(parents, flags, policies, holdings, actor_admin_at)| Start {
            parents,
            flags,
            policies,
            holdings,
            actor_admin_at,
        })
}

/// Statements from `(deny, pool index)` entries, each once (a policy may not repeat one).
fn statements(entries: &[(bool, usize)]) -> Value {
    let unique: BTreeSet<(bool, usize)> = entries.iter().map(|(deny, p)| (*deny, p % POOL.len())).collect();
    let items: Vec<Value> = unique
        .iter()
        .map(|(deny, p)| {
            let (resource, action) = POOL[p % POOL.len()].split_once(':').expect("pool entry");
            json!({ "effect": if *deny { "deny" } else { "allow" }, "resources": [resource], "actions": [action] })
        })
        .collect();
    json!(items)
}

fn content(entries: &[(bool, usize)]) -> PolicyContent {
    let Value::Array(items) = statements(entries) else { unreachable!("an array") };
    PolicyContent { statements: Some(("statements".to_owned(), items)), permissions: None }
}

struct World {
    domain: Domain,
    /// The root first, then the generated organizations.
    orgs: Vec<String>,
    users: Vec<String>,
    /// Each org's roles (predefined, then custom) and custom policies, as created.
    roles: Vec<Vec<String>>,
    policies: Vec<Vec<String>>,
}

async fn build(engine: Engine, start: &Start) -> Option<World> {
    let db = TestDb::new(engine).await?;
    let domain = Domain::new(db.open().await);
    domain.bootstrap(Some("root@example.com".into()), Some("a long root passphrase".into())).await.expect("bootstrap");
    let root_admin_user = domain.db().pool();
    let root_admin_id: String = sqlx::query_scalar("SELECT id FROM users WHERE email_normalized = 'root@example.com'")
        .fetch_one(root_admin_user)
        .await
        .expect("root admin");
    let root_admin = Actor::user(root_admin_id, "Root".into(), None, None);
    let root = domain.visible_organization(&root_admin, "root").await.expect("root").id;
    let project = json!([{ "key": "project", "label": "Project", "listable": false,
        "actions": [{ "key": "read", "label": "Read" }, { "key": "deploy", "label": "Deploy" }] }]);
    let types = serde_json::from_value(project).expect("types");
    domain.replace_permission_schema(&root_admin, types, Some(1)).await.expect("schema");
    let mut orgs = vec![root];
    for (index, parent) in start.parents.iter().enumerate() {
        let parent = orgs[parent % orgs.len()].clone();
        let settings = OrganizationSettings::open(format!("Org {index}"), "ops@example.com");
        let org = domain
            .create_organization(
                &root_admin,
                NewOrganization { parent_id: parent, settings, first_admin_user_id: None },
            )
            .await
            .expect("org");
        orgs.push(org.id);
    }
    let mut users = Vec::new();
    for n in 0..USERS {
        let account = NewAccount {
            email: format!("user{n}@example.com"),
            organization_id: orgs[1 + n % ORGS].clone(),
            password: None,
            ..NewAccount::default()
        };
        users.push(domain.create_user(&root_admin, account).await.expect("user").user_id);
    }
    let mut roles = Vec::new();
    let mut policies = Vec::new();
    for (index, org) in orgs.iter().enumerate() {
        let page = domain.list_roles(&root_admin, org, None, None, 10).await.expect("roles");
        let mut org_roles: Vec<String> = page.roles.into_iter().map(|r| r.role_id).collect();
        let mut org_policies = Vec::new();
        for n in 0..2 {
            let said = &start.policies[(index * 2 + n) % start.policies.len()];
            let new = NewPolicy { name: format!("Policy {n}"), description: None, content: content(said) };
            let policy = domain.create_policy(&root_admin, org, new).await.expect("policy").policy_id;
            let fields =
                RoleFields { name: format!("Role {n}"), policy_ids: vec![policy.clone()], ..RoleFields::default() };
            org_roles.push(domain.create_role(&root_admin, org, fields).await.expect("role").role_id);
            org_policies.push(policy);
        }
        roles.push(org_roles);
        policies.push(org_policies);
    }
    let actor_admin = (start.actor_admin_at, 0, 0);
    for (org, user, role) in start.holdings.iter().chain([&actor_admin]) {
        let (org, user) = (org % orgs.len(), &users[user % USERS]);
        let role = roles[org][role % roles[org].len()].clone();
        domain.assign_roles(&root_admin, &orgs[org], user, &[role]).await.expect("holding");
    }
    // Flags last, so that the root's admin could set everything up first; deepest first (a
    // child comes after its parent), so that no flag hides an organization still to be set.
    for (index, (pha, ptd)) in start.flags.iter().enumerate().rev() {
        let org = domain.visible_organization(&root_admin, &orgs[index + 1]).await.expect("org");
        let mut settings = OrganizationSettings::of(&org);
        settings.parent_has_access = *pha;
        settings.parent_has_access_to_descendants = *ptd;
        domain.update_organization(&root_admin, &org.id, settings, org.version).await.expect("flags");
    }
    Some(World { domain, orgs, users, roles, policies })
}

/// Every (user, org, permission) held, over the users and the orgs that still exist.
async fn holdings(w: &World) -> BTreeSet<(String, String, String)> {
    let schema = w.domain.schema().await.expect("schema");
    let mut held = BTreeSet::new();
    for org in &w.orgs {
        for user in &w.users {
            for permission in schema.concrete_permissions() {
                if w.domain.decide(user, org, &permission).await.expect("decide").allowed {
                    held.insert((user.clone(), org.clone(), permission.to_string()));
                }
            }
        }
    }
    held
}

fn pick<T: Clone>(items: &[T], mask: u8) -> Vec<T> {
    items.iter().enumerate().filter(|(i, _)| mask & (1 << (i % 8)) != 0).map(|(_, item)| item.clone()).collect()
}

async fn attempt(w: &World, actor: &Actor, change: &Change) {
    let d = &w.domain;
    let org = |i: usize| w.orgs[i % w.orgs.len()].clone();
    let user = |i: usize| w.users[i % w.users.len()].clone();
    // The outcome does not matter: refused or not, the property is checked afterwards.
    let _ = match change {
        Change::SetRoles { org: o, user: u, roles } => {
            let o = o % w.orgs.len();
            d.set_member_roles(actor, &org(o), &user(*u), &pick(&w.roles[o], *roles)).await.map(|_| ())
        }
        Change::RemoveMember { org: o, user: u } => d.remove_member(actor, &org(*o), &user(*u)).await,
        Change::RewritePolicy { org: o, policy, statements: said } => {
            let o = o % w.orgs.len();
            let changes = PolicyChanges { content: Some(content(said)), ..PolicyChanges::default() };
            d.update_policy(actor, &org(o), &w.policies[o][policy % 2], changes).await.map(|_| ())
        }
        Change::RecomposeRole { org: o, role, policies } => {
            let o = o % w.orgs.len();
            let changes = RoleChanges { policy_ids: Some(pick(&w.policies[o], *policies)), ..RoleChanges::default() };
            d.update_role(actor, &org(o), &w.roles[o][3 + role % 2], changes).await.map(|_| ())
        }
        Change::Flags { org: o, parent_has_access, to_descendants } => {
            match d.visible_organization(actor, &org(*o)).await {
                Ok(current) => {
                    let mut settings = OrganizationSettings::of(&current);
                    settings.parent_has_access = *parent_has_access;
                    settings.parent_has_access_to_descendants = *to_descendants;
                    d.update_organization(actor, &current.id, settings, current.version).await.map(|_| ())
                }
                Err(e) => Err(e),
            }
        }
        Change::Move { org: o, parent } => d.move_organization(actor, &org(*o), &org(*parent)).await.map(|_| ()),
        Change::Group { org: o, users, roles } => {
            let o = o % w.orgs.len();
            let fields = GroupFields {
                name: Some(format!("Group {users} {roles}")),
                user_ids: Some(pick(&w.users, *users)),
                role_ids: Some(pick(&w.roles[o], *roles)),
                ..GroupFields::default()
            };
            d.create_user_group(actor, &org(o), fields).await.map(|_| ())
        }
        Change::DeleteRole { org: o, role } => {
            let o = o % w.orgs.len();
            d.delete_role(actor, &org(o), &w.roles[o][3 + role % 2], true).await
        }
        Change::DeletePolicy { org: o, policy } => {
            let o = o % w.orgs.len();
            d.delete_policy(actor, &org(o), &w.policies[o][policy % 2], true).await
        }
    };
}

fn nobody_ends_up_holding_more_than_the_actor_could_give(engine: Engine, cases: u32) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    // PROPTEST_CASES runs more cases when looking for trouble.
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(cases);
    let config = ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(start in start(), changes in prop::collection::vec(change(), 1..10))| {
        runtime.block_on(async {
            let Some(w) = build(engine, &start).await else { return };
            let actor_id = w.users[0].clone();
            let actor = Actor::user(actor_id.clone(), "Actor".into(), None, None);
            let before = holdings(&w).await;
            for change in &changes {
                attempt(&w, &actor, change).await;
            }
            let after = holdings(&w).await;
            for (user, org, permission) in after.difference(&before) {
                let actor_held = before.contains(&(actor_id.clone(), org.clone(), permission.clone()));
                assert!(
                    actor_held,
                    "{user} gained {permission} at {org}, which the actor did not hold there; changes: {changes:?}"
                );
            }
        });
    });
}

#[test]
fn no_sequence_of_changes_escalates_on_sqlite() {
    nobody_ends_up_holding_more_than_the_actor_could_give(Engine::Sqlite, 24);
}

#[test]
fn no_sequence_of_changes_escalates_on_postgres() {
    nobody_ends_up_holding_more_than_the_actor_could_give(Engine::Postgres, 8);
}
