//! Impact previews: who would gain or lose which permission if an edit were saved, each member
//! decided before and after by the decision function on the real data.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::{cache::Rewrite, permissions::Permission, statements::Statement};
use crate::domain::{Actor, Domain, DomainResult};

/// How many members' names each line of a preview shows.
const NAMES_SHOWN: usize = 5;
/// How many members a preview decides (in name order); past this, it tallies these and says
/// how many it left out, so that a role held by everyone cannot tie up the server.
pub const MAX_PREVIEWED_MEMBERS: usize = 2_000;

/// One permission that a change would give to, or take from, members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PermissionShift {
    pub permission: String,
    /// `gain` or `lose`.
    pub change: &'static str,
    pub member_count: usize,
    /// The first few names of members the asker may see (see `Domain::visible_user`).
    pub first_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MemberShifts {
    /// Members the edit could affect.
    pub member_count: usize,
    /// How many of them were decided (all, up to [`MAX_PREVIEWED_MEMBERS`]).
    pub previewed_member_count: usize,
    /// Members for whom at least one permission changes.
    pub affected_member_count: usize,
    pub shifts: Vec<PermissionShift>,
}

/// A member the edit could affect: id and name.
pub type Candidate = (String, String);

impl Domain {
    /// The users holding any of these roles, directly or through a group: the candidates of a
    /// preview of what changing where those roles reach would do.
    pub(crate) async fn role_holders(&self, role_ids: &[String]) -> DomainResult<Vec<Candidate>> {
        super::cache::holders(&self.db, role_ids).await
    }

    /// Decides, for each candidate member (up to [`MAX_PREVIEWED_MEMBERS`]), every permission
    /// the statements before and after could touch, and tallies the differences. Names are
    /// shown only of members the actor may see.
    pub(crate) async fn member_shifts(
        &self,
        actor: &Actor,
        org_id: &str,
        members: &[Candidate],
        statements: &[&Statement],
        rewrite: &Rewrite<'_>,
    ) -> DomainResult<MemberShifts> {
        let schema = self.schema().await?;
        let mut candidates: BTreeSet<Permission> = BTreeSet::new();
        for statement in statements {
            for resource in &statement.resources {
                for action in &statement.actions {
                    candidates.extend(schema.granted_permissions(resource, action));
                }
            }
        }
        let candidates: Vec<Permission> = candidates.into_iter().collect();
        let previewed = &members[..members.len().min(MAX_PREVIEWED_MEMBERS)];
        let ids: Vec<String> = previewed.iter().map(|(id, _)| id.clone()).collect();
        self.authz.preload(&self.db, &ids).await?;
        let mut tally: HashMap<(String, &'static str), (usize, Vec<String>)> = HashMap::new();
        let mut affected = 0;
        let mut visible: HashMap<&str, bool> = HashMap::new();
        for (index, (user_id, name)) in previewed.iter().enumerate() {
            // Many members make this long: let other requests run in between.
            if index % 64 == 63 {
                tokio::task::yield_now().await;
            }
            let outcomes = self.authz.decide_before_after(&self.db, user_id, org_id, &candidates, rewrite).await?;
            let mut changed = false;
            for (permission, (before, after)) in candidates.iter().zip(outcomes) {
                let change = match (before, after) {
                    (false, true) => "gain",
                    (true, false) => "lose",
                    _ => continue,
                };
                changed = true;
                let entry = tally.entry((permission.to_string(), change)).or_default();
                entry.0 += 1;
                if entry.1.len() < NAMES_SHOWN {
                    let seen = match visible.get(user_id.as_str()) {
                        Some(seen) => *seen,
                        None => {
                            let seen = self.may_see_user(actor, user_id).await?;
                            *visible.entry(user_id).or_insert(seen)
                        }
                    };
                    if seen {
                        entry.1.push(name.clone());
                    }
                }
            }
            affected += usize::from(changed);
        }
        let mut shifts: Vec<PermissionShift> = tally
            .into_iter()
            .map(|((permission, change), (member_count, first_names))| PermissionShift {
                permission,
                change,
                member_count,
                first_names,
            })
            .collect();
        shifts.sort_by(|a, b| (a.change, &a.permission).cmp(&(b.change, &b.permission)));
        Ok(MemberShifts {
            member_count: members.len(),
            previewed_member_count: previewed.len(),
            affected_member_count: affected,
            shifts,
        })
    }
}
