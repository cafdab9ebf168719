//! The decision cache: the tree's parents and access flags, and each user's roles with their
//! compiled statements, loaded lazily and dropped by the changes that affect them.
//!
//! Local changes invalidate at once ([`AuthzCache::after_commit`]). Other app servers' changes
//! arrive as notices (PostgreSQL `LISTEN/NOTIFY`, see `broadcast.rs`) and patch or drop only what
//! they affect ([`AuthzCache::apply_notice`]). Every change also bumps `authz_generation` in the
//! database: without a listener (SQLite, or a lost connection) each server checks it at most
//! every [`GENERATION_CHECK_INTERVAL`] and drops everything when it moved; with one, rarely, as a
//! safety net that acts only when the notices stay behind.

use std::{
    sync::{Arc, PoisonError, RwLock, Weak},
    time::{Duration, Instant},
};

use sqlx::Row;

use super::decision::{self, Decision, PathNode, PolicyRules, RoleGrant};
use super::names::NameIndex;
use super::tree::{MissingAncestor, Tree, UnknownParent};
use super::{permissions::Permission, statements::Statement};
use crate::domain::{
    Database, DomainError, DomainResult, User,
    db::{flag, placeholders},
    users::storage as accounts,
};

pub const GENERATION_CHECK_INTERVAL: Duration = Duration::from_millis(500);
/// While notices arrive, the generation is still checked this often...
const LISTENING_CHECK_INTERVAL: Duration = Duration::from_secs(5);
/// ...and a notice may lag its commit this long before the cache gives up on it.
const NOTICE_GRACE: Duration = Duration::from_secs(1);

/// What changed, so that only what depends on it is dropped or patched.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Change {
    /// Anything about the tree: it is reloaded on the next decision.
    Tree,
    /// One organization created, renamed, moved or given new access flags: its node is patched
    /// in place (descendants follow, since paths are walked through parent links).
    TreeNode { node: PathNode, parent: Option<String>, code: Option<String> },
    /// Organizations deleted, with their memberships, roles and groups: whoever held a role
    /// there is affected.
    TreeNodesRemoved(Vec<String>),
    /// The memberships or membership roles of these users.
    Memberships(Vec<String>),
    /// These roles: their policies, or that they are gone (whoever holds them is affected).
    Roles(Vec<String>),
    /// These policies: what they say, or that they are gone (whoever holds a role using one).
    Policies(Vec<String>),
    /// These user accounts: their status, session epoch, names or last sign-in (what a session
    /// or token is checked against), or that they are gone.
    Accounts(Vec<String>),
}

/// An edit whose effect on decisions is previewed before it is saved.
#[derive(Debug, Clone, Copy)]
pub enum Rewrite<'a> {
    /// The policy would say these statements.
    Policy { policy_id: &'a str, statements: &'a [Statement] },
    /// The role would be made of these policies.
    Role { role_id: &'a str, policies: &'a [PolicyRules] },
    /// The tree would change.
    Tree(TreeEdit<'a>),
}

impl Rewrite<'_> {
    fn apply(&self, grant: &mut RoleGrant) {
        match *self {
            Self::Policy { policy_id, statements } => {
                for policy in grant.policies.iter_mut().filter(|p| p.policy_id == policy_id) {
                    policy.statements = statements.to_vec();
                }
            }
            Self::Role { role_id, policies } if grant.role_id == role_id => grant.policies = policies.to_vec(),
            Self::Role { .. } | Self::Tree(_) => {}
        }
    }
}

/// A change to the tree whose effect on decisions is checked or previewed before it is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeEdit<'a> {
    /// The organization, with its subtree, would hang below another parent.
    Move { org_id: &'a str, new_parent_id: &'a str },
    /// The organization's access flags would be these.
    Flags { org_id: &'a str, parent_has_access: bool, parent_has_access_to_descendants: bool },
}

/// The decision cache's maps hash with foldhash, faster than the standard library's SipHash
/// for the dozen lookups a decision makes (keys are ids the server generated).
type HashMap<K, V> = foldhash::HashMap<K, V>;

/// What the cache knows of one user: the roles they hold by organization (directly and
/// through groups), and the organizations they are a direct member of (with roles or not).
#[derive(Debug, Clone, Default)]
struct UserGrants {
    roles: HashMap<String, Vec<RoleGrant>>,
    memberships: foldhash::HashSet<String>,
}

impl UserGrants {
    /// The roles held at `org_id`.
    fn at(&self, org_id: &str) -> &[RoleGrant] {
        self.roles.get(org_id).map(Vec::as_slice).unwrap_or_default()
    }

    fn all(&self) -> impl Iterator<Item = &RoleGrant> {
        self.roles.values().flatten()
    }
}

/// The tree and one user's roles as they stood when looked up: an answer that asks many
/// questions about one user (the explorer's, a page of who-can) asks them all of one state,
/// without taking the cache's lock or looking either up again for each.
#[derive(Debug, Clone)]
pub struct UserView {
    tree: Arc<Tree>,
    grants: Arc<UserGrants>,
}

impl UserView {
    /// Whether the user holds `permission` at `org_id`, and why.
    pub fn decide(&self, org_id: &str, permission: &Permission) -> DomainResult<Decision> {
        Ok(decision::decide(&self.path(org_id)?, |org| self.grants.at(org), permission))
    }

    /// Whether the user holds `permission` at `org_id`: [`Self::decide`] without the reason.
    pub fn allows(&self, org_id: &str, permission: &Permission) -> DomainResult<bool> {
        Ok(decision::allows(&self.path(org_id)?, |org| self.grants.at(org), permission))
    }

    /// The organizations from `org_id` up to the root.
    pub fn path(&self, org_id: &str) -> DomainResult<Vec<&PathNode>> {
        path_to_root(&self.tree, None, org_id)
    }

    /// Whether `org_id` is `ancestor_id` or lies below it.
    pub fn is_within(&self, ancestor_id: &str, org_id: &str) -> DomainResult<bool> {
        Ok(self.path(org_id)?.iter().any(|node| node.org_id == ancestor_id))
    }

    /// Whether the user is a direct member of `org_id` (with roles or not).
    pub fn is_member_of(&self, org_id: &str) -> bool {
        self.grants.memberships.contains(org_id)
    }
}

/// How the cache has been kept: what tests and benchmarks look at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Times everything was dropped (a generation moved without its notice).
    pub full_drops: u64,
    /// Times the tree was loaded from the database.
    pub tree_loads: u64,
    /// Users whose roles were loaded from the database.
    pub grant_loads: u64,
    /// Other servers' changes applied from their notices.
    pub notices_applied: u64,
    /// User accounts read from the database (a signed-in request whose account is cached reads
    /// none).
    pub account_loads: u64,
    /// Whether other servers' notices arrive (PostgreSQL, once the listener is connected).
    pub listening: bool,
}

#[derive(Debug, Default)]
struct State {
    generation: i64,
    checked_at: Option<Instant>,
    /// When the database's generation was first seen ahead of the notices.
    behind_since: Option<Instant>,
    /// Also says whether other servers' notices arrive (see `broadcast.rs`).
    stats: CacheStats,
    /// Bumped by every invalidation: a load that began before one must not be stored.
    epoch: u64,
    tree: Option<Arc<Tree>>,
    /// The tree by name, for the tree it was built from (a patched or reloaded tree is another
    /// allocation, so the index is rebuilt for it on the next search).
    names: Option<(Weak<Tree>, Arc<NameIndex>)>,
    users: HashMap<String, Arc<UserGrants>>,
    /// The accounts sessions and tokens were last checked against, by user id.
    accounts: HashMap<String, User>,
}

/// Past this many cached accounts the cache starts over, so memory stays bounded however many
/// users sign in.
const MAX_CACHED_ACCOUNTS: usize = 100_000;

#[derive(Debug, Default, Clone)]
pub struct AuthzCache {
    state: Arc<RwLock<State>>,
}

impl AuthzCache {
    /// Whether `user_id` holds `permission` at `org_id`, and why.
    pub async fn decide(
        &self,
        db: &Database,
        user_id: &str,
        org_id: &str,
        permission: &Permission,
    ) -> DomainResult<Decision> {
        self.view(db, user_id, org_id).await?.decide(org_id, permission)
    }

    /// Whether `user_id` holds `permission` at `org_id`: [`Self::decide`] without the reason.
    pub async fn allows(
        &self,
        db: &Database,
        user_id: &str,
        org_id: &str,
        permission: &Permission,
    ) -> DomainResult<bool> {
        self.view(db, user_id, org_id).await?.allows(org_id, permission)
    }

    /// The tree (holding `org_id` if the database does) and `user_id`'s roles as they stand,
    /// for answers that ask many questions about one user.
    pub async fn view(&self, db: &Database, user_id: &str, org_id: &str) -> DomainResult<UserView> {
        let (tree, grants) = self.tree_and_grants(db, user_id, org_id).await?;
        Ok(UserView { tree, grants })
    }

    /// Which of `permissions` the user holds at `org_id`: the same answers as [`Self::decide`]
    /// for each, with the path and the user's roles looked up once (a member's effective
    /// permissions are every permission of the schema).
    pub async fn allowed_among(
        &self,
        db: &Database,
        user_id: &str,
        org_id: &str,
        permissions: &[Permission],
    ) -> DomainResult<Vec<bool>> {
        let view = self.view(db, user_id, org_id).await?;
        let path = view.path(org_id)?;
        Ok(permissions
            .iter()
            .map(|permission| decision::allows(&path, |org| view.grants.at(org), permission))
            .collect())
    }

    /// Decides each permission for `user_id` at `org_id` twice: as things stand, and as they
    /// would after `rewrite` (the impact preview of an edit).
    pub async fn decide_before_after(
        &self,
        db: &Database,
        user_id: &str,
        org_id: &str,
        permissions: &[Permission],
        rewrite: &Rewrite<'_>,
    ) -> DomainResult<Vec<(bool, bool)>> {
        let (tree, before) = self.tree_and_grants(db, user_id, org_id).await?;
        let mut after = UserGrants::clone(&before);
        for grant in after.roles.values_mut().flatten() {
            rewrite.apply(grant);
        }
        let path = path_to_root(&tree, None, org_id)?;
        let edited = match rewrite {
            Rewrite::Tree(edit) => Some(edited_path(&tree, org_id, edit)?),
            _ => None,
        };
        let edited: Option<Vec<&PathNode>> = edited.as_ref().map(|nodes| nodes.iter().collect());
        let path_after = edited.as_deref().unwrap_or(&path);
        Ok(permissions
            .iter()
            .map(|permission| {
                let old = decision::allows(&path, |org| before.at(org), permission);
                let new = decision::allows(path_after, |org| after.at(org), permission);
                (old, new)
            })
            .collect())
    }

    /// Loads the roles of every listed user not cached yet, in one query (a page of members
    /// decided at once instead of one query per member).
    pub async fn preload(&self, db: &Database, user_ids: &[String]) -> DomainResult<()> {
        self.refresh_if_stale(db).await?;
        let (missing, epoch) = {
            let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
            let missing: Vec<String> = user_ids.iter().filter(|id| !state.users.contains_key(*id)).cloned().collect();
            (missing, state.epoch)
        };
        if missing.is_empty() {
            return Ok(());
        }
        let mut loaded = load_grants(db, &missing).await?;
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        state.stats.grant_loads += missing.len() as u64;
        if state.epoch == epoch {
            for user_id in missing {
                let grants = loaded.remove(&user_id).unwrap_or_default();
                state.users.insert(user_id, Arc::new(grants));
            }
        }
        Ok(())
    }

    /// The organizations whose roles apply at `org_id` (or, with `in_new_child`, in a child of
    /// it with the default flags): it, and each ancestor whose access the flags on the way down
    /// let through (the decision's own rule); as the tree is, or as it would be after `edit`.
    pub async fn applicable_orgs(
        &self,
        db: &Database,
        org_id: &str,
        in_new_child: bool,
        edit: Option<&TreeEdit<'_>>,
    ) -> DomainResult<Vec<String>> {
        let tree = self.tree_holding(db, org_id).await?;
        let mut nodes: Vec<PathNode> = in_new_child.then(new_child_node).into_iter().collect();
        match edit {
            Some(edit) => nodes.extend(edited_path(&tree, org_id, edit)?),
            None => nodes.extend(path_to_root(&tree, None, org_id)?.into_iter().cloned()),
        }
        let path: Vec<&PathNode> = nodes.iter().collect();
        Ok(path
            .iter()
            .zip(decision::access_cuts(&path))
            .filter(|(_, cut)| cut.is_none())
            .map(|(node, _)| node.org_id.clone())
            .collect())
    }

    /// Whether the user holds each of `permissions` without restriction (see
    /// [`decision::holds_unrestricted`]) at `org_id`, or, with `in_new_child`, in an
    /// organization about to be created under it.
    pub async fn holds_unrestricted(
        &self,
        db: &Database,
        user_id: &str,
        org_id: &str,
        in_new_child: bool,
        permissions: &[Permission],
    ) -> DomainResult<Vec<bool>> {
        let (tree, grants) = self.tree_and_grants(db, user_id, org_id).await?;
        let new_child = new_child_node();
        let path = path_to_root(&tree, in_new_child.then_some(&new_child), org_id)?;
        Ok(permissions
            .iter()
            .map(|permission| decision::holds_unrestricted(&path, |org| grants.at(org), permission))
            .collect())
    }

    /// Drops what `change` affects. `new_generation` is the database generation this change
    /// produced; if no other server's change came in between, the cache stays in step with it.
    pub fn after_commit(&self, change: &Change, new_generation: i64) {
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        state.epoch += 1;
        if state.generation == new_generation - 1 {
            state.generation = new_generation;
        }
        apply(&mut state, change);
    }

    /// Another server's change: applied when it is the next one, everything dropped when one
    /// was missed, nothing when it is known already (this server's own, or older).
    pub fn apply_notice(&self, notice: &super::broadcast::Notice) {
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        if notice.generation <= state.generation {
            return;
        }
        match &notice.changes {
            Some(changes) if notice.generation == state.generation + 1 => {
                state.epoch += 1;
                for change in changes {
                    apply(&mut state, change);
                }
                state.stats.notices_applied += 1;
            }
            _ => drop_everything(&mut state),
        }
        state.generation = notice.generation;
        state.behind_since = None;
    }

    /// Whether notices arrive. Either way, what was missed meanwhile is unknown: everything is
    /// dropped and the generation read again.
    pub fn listening(&self, on: bool) {
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        state.stats.listening = on;
        drop_everything(&mut state);
        state.checked_at = None;
    }

    pub fn stats(&self) -> CacheStats {
        self.state.read().unwrap_or_else(PoisonError::into_inner).stats
    }

    /// A number that changes with every change to decisions this server knows of (its own at
    /// once, other servers' within [`GENERATION_CHECK_INTERVAL`]): what other caches of derived
    /// answers (API tokens) are valid for.
    pub async fn epoch(&self, db: &Database) -> DomainResult<u64> {
        self.refresh_if_stale(db).await?;
        Ok(self.state.read().unwrap_or_else(PoisonError::into_inner).epoch)
    }

    /// The organizations from `org_id` up to the root, with their names and access flags.
    pub async fn path(&self, db: &Database, org_id: &str) -> DomainResult<Vec<PathNode>> {
        let tree = self.tree_holding(db, org_id).await?;
        Ok(path_to_root(&tree, None, org_id)?.into_iter().cloned().collect())
    }

    /// The organizations strictly below `org_id`.
    pub async fn descendants(&self, db: &Database, org_id: &str) -> DomainResult<Vec<String>> {
        Ok(self.tree_holding(db, org_id).await?.below(org_id))
    }

    /// Whether `org_id` is `ancestor_id` or lies below it.
    pub async fn is_within(&self, db: &Database, ancestor_id: &str, org_id: &str) -> DomainResult<bool> {
        let tree = self.tree_holding(db, org_id).await?;
        Ok(path_to_root(&tree, None, org_id)?.iter().any(|node| node.org_id == ancestor_id))
    }

    /// The roles the user holds (directly and through groups), by organization.
    pub async fn grants_of(&self, db: &Database, user_id: &str) -> DomainResult<Vec<RoleGrant>> {
        self.refresh_if_stale(db).await?;
        let grants = self.user_grants(db, user_id).await?;
        Ok(grants.all().cloned().collect())
    }

    /// A user's account as the database has it, read from memory once cached (an account that
    /// does not exist is never cached: it may be created on another server a moment later).
    pub async fn account(&self, db: &Database, user_id: &str) -> DomainResult<Option<User>> {
        self.refresh_if_stale(db).await?;
        let epoch = {
            let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(account) = state.accounts.get(user_id) {
                return Ok(Some(account.clone()));
            }
            state.epoch
        };
        let account = Box::pin(accounts::find_by_id(db, user_id)).await?;
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        state.stats.account_loads += 1;
        if let Some(account) = account.as_ref().filter(|_| state.epoch == epoch) {
            if state.accounts.len() >= MAX_CACHED_ACCOUNTS {
                state.accounts.clear();
            }
            state.accounts.insert(user_id.to_owned(), account.clone());
        }
        Ok(account)
    }

    /// Organizations whose name or code contains `term` (lowercase) where the user is allowed
    /// `permission`, in (name, id) byte order after `after`: at most `limit`, as (name, id).
    /// Read from memory, however many organizations there are.
    pub async fn allowed_matches(
        &self,
        db: &Database,
        user_id: &str,
        term: &str,
        permission: &Permission,
        after: Option<(&str, &str)>,
        limit: usize,
    ) -> DomainResult<Vec<(String, String)>> {
        self.refresh_if_stale(db).await?;
        let (tree, grants) = (self.tree(db).await?, self.user_grants(db, user_id).await?);
        let names = self.names(&tree);
        let mut found = Vec::new();
        for entry in names.after(after).iter().filter(|entry| entry.matches(term)) {
            let path = path_to_root(&tree, None, &entry.id)?;
            // Nothing is allowed where the user holds no role on the way up: skip deciding.
            if !path.iter().any(|node| grants.roles.contains_key(&node.org_id)) {
                continue;
            }
            if decision::allows(&path, |org| grants.at(org), permission) {
                found.push((entry.name.clone(), entry.id.clone()));
                if found.len() == limit {
                    break;
                }
            }
        }
        Ok(found)
    }

    /// The name index of `tree`, built on the first search after the tree changed.
    fn names(&self, tree: &Arc<Tree>) -> Arc<NameIndex> {
        let is_current = |(built_from, _): &(Weak<Tree>, Arc<NameIndex>)| built_from.ptr_eq(&Arc::downgrade(tree));
        {
            let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
            if let Some((_, names)) = state.names.as_ref().filter(|current| is_current(current)) {
                return Arc::clone(names);
            }
        }
        let names = Arc::new(NameIndex::of(tree));
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        if state.tree.as_ref().is_some_and(|cached| Arc::ptr_eq(cached, tree)) {
            state.names = Some((Arc::downgrade(tree), Arc::clone(&names)));
        }
        names
    }

    /// The tree (holding `org_id` if the database does) and the user's roles.
    async fn tree_and_grants(
        &self,
        db: &Database,
        user_id: &str,
        org_id: &str,
    ) -> DomainResult<(Arc<Tree>, Arc<UserGrants>)> {
        let tree = self.tree_holding(db, org_id).await?;
        Ok((tree, self.user_grants(db, user_id).await?))
    }

    /// The tree, current as of the last generation check, unless it lacks `org_id`: then the
    /// organization may have been created on another app server a moment ago, its notice still
    /// on the way, and whoever created it is already asking for its page. The database
    /// generation is read at once, and a cache found behind it starts over.
    async fn tree_holding(&self, db: &Database, org_id: &str) -> DomainResult<Arc<Tree>> {
        self.refresh_if_stale(db).await?;
        let tree = self.tree(db).await?;
        if tree.contains(org_id) {
            return Ok(tree);
        }
        self.catch_up(db).await?;
        // Read again even when the cache was not behind: the notice may have just been applied.
        self.tree(db).await
    }

    /// Drops everything if the database generation is ahead of this cache's.
    async fn catch_up(&self, db: &Database) -> DomainResult<()> {
        let generation = Box::pin(read_generation(db)).await?;
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        if generation > state.generation {
            drop_everything(&mut state);
            state.generation = generation;
            state.behind_since = None;
            state.checked_at = Some(Instant::now());
        }
        Ok(())
    }

    async fn refresh_if_stale(&self, db: &Database) -> DomainResult<()> {
        let due = {
            let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
            let interval = match (state.stats.listening, state.behind_since) {
                (true, None) => LISTENING_CHECK_INTERVAL,
                (true, Some(_)) => NOTICE_GRACE,
                (false, _) => GENERATION_CHECK_INTERVAL,
            };
            state.checked_at.is_none_or(|at| at.elapsed() >= interval)
        };
        if !due {
            return Ok(());
        }
        let generation = Box::pin(read_generation(db)).await?;
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        // Ahead happens too: this server's own change committed while the generation was read.
        if state.generation >= generation {
            state.behind_since = None;
        } else if state.stats.listening
            && (state.tree.is_some() || !state.users.is_empty() || !state.accounts.is_empty())
            && state.behind_since.is_none_or(|since| now - since < NOTICE_GRACE)
        {
            // Its notice is probably on its way: look again shortly before giving up on it.
            state.behind_since.get_or_insert(now);
        } else {
            drop_everything(&mut state);
            state.generation = generation;
            state.behind_since = None;
        }
        state.checked_at = Some(now);
        Ok(())
    }

    async fn tree(&self, db: &Database) -> DomainResult<Arc<Tree>> {
        let epoch = {
            let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(tree) = &state.tree {
                return Ok(Arc::clone(tree));
            }
            state.epoch
        };
        // Reading the database is boxed here and in the other loads: it is rare, and sqlx's
        // futures are large; inline, every decision's future carried their size and was copied
        // whole at each await (memmove was a tenth of `iam/check`'s time).
        let tree = Arc::new(Box::pin(load_tree(db)).await?);
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        state.stats.tree_loads += 1;
        if state.epoch == epoch {
            state.tree = Some(Arc::clone(&tree));
        }
        Ok(tree)
    }

    async fn user_grants(&self, db: &Database, user_id: &str) -> DomainResult<Arc<UserGrants>> {
        let epoch = {
            let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(grants) = state.users.get(user_id) {
                return Ok(Arc::clone(grants));
            }
            state.epoch
        };
        let grants = Box::pin(load_grants(db, &[user_id.to_owned()])).await?.remove(user_id).unwrap_or_default();
        let grants = Arc::new(grants);
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        state.stats.grant_loads += 1;
        if state.epoch == epoch {
            state.users.insert(user_id.to_owned(), Arc::clone(&grants));
        }
        Ok(grants)
    }
}

/// Every organization, as the tree decisions walk.
async fn load_tree(db: &Database) -> DomainResult<Tree> {
    let rows = sqlx::query(
        "SELECT id, name, code, parent_id, parent_has_access, parent_has_access_to_descendants FROM organizations",
    )
    .fetch_all(db.pool())
    .await?;
    let mut orgs = Vec::with_capacity(rows.len());
    for row in rows {
        let node = PathNode {
            org_id: row.try_get("id")?,
            name: row.try_get("name")?,
            parent_has_access: flag(&row, "parent_has_access")?,
            parent_has_access_to_descendants: flag(&row, "parent_has_access_to_descendants")?,
        };
        orgs.push((node, row.try_get("parent_id")?, row.try_get("code")?));
    }
    Tree::of(orgs).map_err(|UnknownParent| DomainError::Internal("an organization's parent is missing".to_owned()))
}

async fn read_generation(db: &Database) -> DomainResult<i64> {
    let row = sqlx::query("SELECT generation FROM authz_generation WHERE id = 1").fetch_one(db.pool()).await?;
    Ok(row.try_get("generation")?)
}

/// Drops or patches what `change` affects.
fn apply(state: &mut State, change: &Change) {
    match change {
        Change::Tree => state.tree = None,
        Change::TreeNode { node, parent, code } => {
            let patched = state
                .tree
                .as_mut()
                .is_none_or(|tree| Arc::make_mut(tree).upsert(node.clone(), parent.as_deref(), code.clone()).is_ok());
            // A parent this tree does not know of: reloading beats guessing.
            if !patched {
                state.tree = None;
            }
        }
        Change::TreeNodesRemoved(ids) => {
            if let Some(tree) = state.tree.as_mut() {
                let tree = Arc::make_mut(tree);
                for id in ids {
                    tree.remove(id);
                }
            }
            state.users.retain(|_, grants| {
                !ids.iter().any(|id| grants.roles.contains_key(id) || grants.memberships.contains(id))
            });
        }
        Change::Memberships(users) => {
            for user in users {
                state.users.remove(user);
            }
        }
        Change::Roles(role_ids) => {
            state.users.retain(|_, grants| !grants.all().any(|grant| role_ids.contains(&grant.role_id)));
        }
        Change::Policies(policy_ids) => state.users.retain(|_, grants| {
            !grants.all().flat_map(|grant| &grant.policies).any(|p| policy_ids.contains(&p.policy_id))
        }),
        Change::Accounts(user_ids) => {
            for user_id in user_ids {
                state.accounts.remove(user_id);
            }
        }
    }
}

fn drop_everything(state: &mut State) {
    if state.tree.is_some() || !state.users.is_empty() || !state.accounts.is_empty() {
        state.stats.full_drops += 1;
    }
    state.epoch += 1;
    state.tree = None;
    state.users.clear();
    state.accounts.clear();
}

/// An organization about to be created, with the default flags.
fn new_child_node() -> PathNode {
    PathNode {
        org_id: String::new(),
        name: "the new organization".into(),
        parent_has_access: true,
        parent_has_access_to_descendants: true,
    }
}

/// The path from `org_id` up to the root as it would be after `edit`.
fn edited_path(tree: &Tree, org_id: &str, edit: &TreeEdit<'_>) -> DomainResult<Vec<PathNode>> {
    let mut path: Vec<PathNode> = Vec::with_capacity(12);
    // Walks up from `org_id`; a move continues the walk from the new parent.
    let mut from = Some(org_id);
    while let Some(start) = from.take() {
        let ancestors =
            tree.up_from(start).ok_or_else(|| DomainError::Internal(format!("organization {start} is missing")))?;
        for step in ancestors {
            let mut node = step.map_err(|MissingAncestor| missing_ancestor(org_id))?.node.clone();
            if path.len() > tree.len() {
                return Err(DomainError::Internal(format!("the edited tree has a cycle through {org_id}")));
            }
            let moved_here = match *edit {
                TreeEdit::Move { org_id: moved, new_parent_id } if moved == node.org_id => Some(new_parent_id),
                TreeEdit::Flags { org_id: edited, parent_has_access, parent_has_access_to_descendants }
                    if edited == node.org_id =>
                {
                    node.parent_has_access = parent_has_access;
                    node.parent_has_access_to_descendants = parent_has_access_to_descendants;
                    None
                }
                _ => None,
            };
            path.push(node);
            if moved_here.is_some() {
                from = moved_here;
                break;
            }
        }
    }
    Ok(path)
}

/// The path from `org_id` (below `below`, if given) up to the root.
fn path_to_root<'t>(tree: &'t Tree, below: Option<&'t PathNode>, org_id: &str) -> DomainResult<Vec<&'t PathNode>> {
    let ancestors = tree
        .up_from(org_id)
        .ok_or_else(|| DomainError::NotFound { resource_type: "organization", resource_id: org_id.to_owned() })?;
    let mut path: Vec<&PathNode> = Vec::with_capacity(12);
    path.extend(below);
    for step in ancestors {
        // Fail closed: a path that does not reach the root could skip a deny above.
        path.push(&step.map_err(|MissingAncestor| missing_ancestor(org_id))?.node);
        if path.len() > tree.len() + 1 {
            return Err(DomainError::Internal(format!("the tree has a cycle through {org_id}")));
        }
    }
    Ok(path)
}

fn missing_ancestor(org_id: &str) -> DomainError {
    DomainError::Internal(format!("an ancestor of organization {org_id} is missing from the tree"))
}

/// The roles (with their policies' statements) that each of `user_ids` holds, by organization:
/// directly, and through the user groups they belong to; and the organizations each is a direct
/// member of.
async fn load_grants(db: &Database, user_ids: &[String]) -> DomainResult<HashMap<String, UserGrants>> {
    let users = placeholders(1, user_ids.len());
    let sql = format!(
        "SELECT mr.user_id, mr.org_id, '' AS group_name, r.id AS role_id, r.name AS role_name, \
         p.id AS policy_id, p.name AS policy_name, p.statements FROM membership_roles mr \
         JOIN roles r ON r.id = mr.role_id JOIN role_policies rp ON rp.role_id = r.id \
         JOIN policies p ON p.id = rp.policy_id WHERE mr.user_id IN ({users}) \
         UNION ALL \
         SELECT gm.user_id, g.org_id, g.name AS group_name, r.id AS role_id, r.name AS role_name, \
         p.id AS policy_id, p.name AS policy_name, p.statements FROM user_group_members gm \
         JOIN user_groups g ON g.id = gm.group_id JOIN user_group_roles gr ON gr.group_id = g.id \
         JOIN roles r ON r.id = gr.role_id JOIN role_policies rp ON rp.role_id = r.id \
         JOIN policies p ON p.id = rp.policy_id WHERE gm.user_id IN ({users}) \
         ORDER BY 1, 2, 3, 5, 4, 7, 6"
    );
    let mut query = sqlx::query(&sql);
    for user_id in user_ids {
        query = query.bind(user_id);
    }
    let rows = query.fetch_all(db.pool()).await?;
    let mut by_user: HashMap<String, UserGrants> =
        HashMap::with_capacity_and_hasher(user_ids.len(), Default::default());
    for row in rows {
        let user_id: String = row.try_get("user_id")?;
        let org_id: String = row.try_get("org_id")?;
        let role_id: String = row.try_get("role_id")?;
        let group: String = row.try_get("group_name")?;
        let via_group = Some(group).filter(|g| !g.is_empty());
        let statements: String = row.try_get("statements")?;
        let statements: Vec<Statement> = serde_json::from_str(&statements)
            .map_err(|e| DomainError::Internal(format!("policy statements are not valid JSON: {e}")))?;
        let policy =
            PolicyRules { policy_id: row.try_get("policy_id")?, policy_name: row.try_get("policy_name")?, statements };
        let roles = by_user.entry(user_id).or_default().roles.entry(org_id.clone()).or_default();
        match roles.last_mut() {
            Some(last) if last.role_id == role_id && last.via_group == via_group => last.policies.push(policy),
            _ => roles.push(RoleGrant {
                org_id,
                role_id,
                role_name: row.try_get("role_name")?,
                via_group,
                policies: vec![policy],
            }),
        }
    }
    let sql = format!("SELECT user_id, org_id FROM memberships WHERE user_id IN ({users})");
    let mut query = sqlx::query(&sql);
    for user_id in user_ids {
        query = query.bind(user_id);
    }
    for row in query.fetch_all(db.pool()).await? {
        let user_id: String = row.try_get("user_id")?;
        by_user.entry(user_id).or_default().memberships.insert(row.try_get("org_id")?);
    }
    Ok(by_user)
}

/// The roles that someone holds (a member directly, or a group with members) in each of
/// `org_ids`, with their statements: what reaches wherever those organizations' roles reach.
pub async fn held_roles(db: &Database, org_ids: &[String]) -> DomainResult<Vec<RoleGrant>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let orgs = placeholders(1, org_ids.len());
    let sql = format!(
        "SELECT r.org_id, r.id AS role_id, r.name AS role_name, p.id AS policy_id, p.name AS policy_name, p.statements \
         FROM roles r JOIN role_policies rp ON rp.role_id = r.id JOIN policies p ON p.id = rp.policy_id \
         WHERE r.org_id IN ({orgs}) AND (EXISTS (SELECT 1 FROM membership_roles mr WHERE mr.role_id = r.id) \
           OR EXISTS (SELECT 1 FROM user_group_roles gr JOIN user_group_members gm ON gm.group_id = gr.group_id \
                      WHERE gr.role_id = r.id)) \
         ORDER BY r.org_id, r.id, p.id"
    );
    let mut query = sqlx::query(&sql);
    for org_id in org_ids {
        query = query.bind(org_id);
    }
    let mut held: Vec<RoleGrant> = Vec::new();
    for row in query.fetch_all(db.pool()).await? {
        let role_id: String = row.try_get("role_id")?;
        let statements: Vec<Statement> = serde_json::from_str(&row.try_get::<String, _>("statements")?)
            .map_err(|e| DomainError::Internal(format!("policy statements are not valid JSON: {e}")))?;
        let policy =
            PolicyRules { policy_id: row.try_get("policy_id")?, policy_name: row.try_get("policy_name")?, statements };
        match held.last_mut() {
            Some(last) if last.role_id == role_id => last.policies.push(policy),
            _ => held.push(RoleGrant {
                org_id: row.try_get("org_id")?,
                role_id,
                role_name: row.try_get("role_name")?,
                via_group: None,
                policies: vec![policy],
            }),
        }
    }
    Ok(held)
}

/// The active and invited users holding any of `role_ids`, directly or through a group: `(id,
/// full name)`, by name (the candidates of an impact preview).
pub async fn holders(db: &Database, role_ids: &[String]) -> DomainResult<Vec<(String, String)>> {
    if role_ids.is_empty() {
        return Ok(Vec::new());
    }
    let roles = placeholders(1, role_ids.len());
    let sql = format!(
        "SELECT u.id, u.full_name FROM users u WHERE u.id IN ( \
           SELECT mr.user_id FROM membership_roles mr WHERE mr.role_id IN ({roles}) \
           UNION SELECT gm.user_id FROM user_group_members gm JOIN user_group_roles gr ON gr.group_id = gm.group_id \
                 WHERE gr.role_id IN ({roles})) \
         ORDER BY u.full_name, u.id"
    );
    let mut query = sqlx::query(&sql);
    for role_id in role_ids {
        query = query.bind(role_id);
    }
    query.fetch_all(db.pool()).await?.iter().map(|row| Ok((row.try_get("id")?, row.try_get("full_name")?))).collect()
}
