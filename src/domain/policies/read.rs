//! Reading policies: an organization's policies, one policy, and what other capabilities need
//! of them.

use super::{Policy, PolicyActions, PolicyPage, PolicyQuery, StoredPolicy, policy_permission, storage};
use crate::domain::{Actor, Domain, DomainResult, authz::statements::allowed_permissions, cursor};

impl Domain {
    /// Adds counts and resource names to stored policies of `org_id`.
    async fn present_policies(&self, org_id: &str, stored: Vec<StoredPolicy>) -> DomainResult<Vec<Policy>> {
        let ids: Vec<String> = stored.iter().map(|p| p.id.clone()).collect();
        let counts = storage::dependency_counts(&self.db, &ids).await?;
        let refs: Vec<(String, String)> = stored
            .iter()
            .flat_map(|p| allowed_permissions(&p.statements))
            .filter_map(|p| p.resource_id.clone().map(|id| (p.resource_type.clone(), id)))
            .collect();
        let names = storage::resource_names(&self.db, org_id, &refs).await?;
        Ok(stored
            .into_iter()
            .map(|p| {
                let c = counts.get(&p.id).copied().unwrap_or_default();
                storage::present(p, c, &names)
            })
            .collect())
    }

    /// These policies of `org_id`, presented, in order (no authorization: a role shows them to
    /// whoever may read it).
    pub(crate) async fn policies_of_role(&self, org_id: &str, policy_ids: &[String]) -> DomainResult<Vec<Policy>> {
        let mut stored = Vec::with_capacity(policy_ids.len());
        for policy_id in policy_ids {
            stored.push(self.existing_policy(org_id, policy_id).await?);
        }
        self.present_policies(org_id, stored).await
    }

    /// A policy of the organization, or `NotFound`.
    pub(super) async fn existing_policy(&self, org_id: &str, policy_id: &str) -> DomainResult<StoredPolicy> {
        self.stored_policy(org_id, policy_id).await?.ok_or_else(|| storage::not_found(policy_id))
    }

    /// A policy of the organization, if it has one (no authorization: for other capabilities).
    pub(crate) async fn stored_policy(&self, org_id: &str, policy_id: &str) -> DomainResult<Option<StoredPolicy>> {
        storage::find(self.db.pool(), org_id, policy_id).await
    }

    /// Every policy of every organization (no authorization: for checks that span the tree).
    pub(crate) async fn all_policies(&self, tx: &mut crate::domain::Transaction) -> DomainResult<Vec<StoredPolicy>> {
        storage::all(tx).await
    }

    pub async fn list_policies(
        &self,
        actor: &Actor,
        org_id: &str,
        query: &PolicyQuery<'_>,
    ) -> DomainResult<PolicyPage> {
        let PolicyQuery { q, cursor, reverse, limit } = *query;
        let org = self.authorized_organization(actor, org_id, &policy_permission("read")).await?;
        let after = cursor.map(cursor::decode).transpose()?;
        let after = after.as_ref().map(|(n, i)| (n.as_str(), i.as_str()));
        let (total, mut stored) = storage::page(&self.db, &org.id, q, after, reverse, limit + 1).await?;
        let next_cursor = cursor::page_end(&mut stored, limit, |policy| (&policy.name, &policy.id));
        Ok(PolicyPage {
            total,
            has_more: next_cursor.is_some(),
            next_cursor,
            policies: self.present_policies(&org.id, stored).await?,
        })
    }

    pub async fn policy(&self, actor: &Actor, org_id: &str, policy_id: &str) -> DomainResult<Policy> {
        let org = self.authorized_organization(actor, org_id, &policy_permission("read")).await?;
        let stored = self.existing_policy(&org.id, policy_id).await?;
        let mut presented = self.present_policies(&org.id, vec![stored]).await?;
        presented.pop().ok_or_else(|| storage::not_found(policy_id))
    }

    /// The policy of `org_id` that `id_or_name` names (its id or its name, as the policy
    /// picker holds it), or `NotFound`. A role's own rules are not found: they are no choice.
    pub async fn find_policy(&self, actor: &Actor, org_id: &str, id_or_name: &str) -> DomainResult<Policy> {
        let org = self.authorized_organization(actor, org_id, &policy_permission("read")).await?;
        let stored = storage::named(&self.db, &org.id, id_or_name).await?;
        let stored = stored.ok_or_else(|| storage::not_found(id_or_name.trim()))?;
        let mut presented = self.present_policies(&org.id, vec![stored]).await?;
        presented.pop().ok_or_else(|| storage::not_found(id_or_name))
    }

    /// The id of the policy of `org_id` that `id_or_name` names, unauthorized (the audit log's
    /// target filter, whose events are authorized on their own).
    pub(crate) async fn policy_id_named(&self, org_id: &str, id_or_name: &str) -> DomainResult<Option<String>> {
        Ok(storage::named(&self.db, org_id, id_or_name).await?.map(|policy| policy.id))
    }

    /// Up to `limit` policies of `org_id` that a role may be made of, whose name or description
    /// holds `q` (the policy picker): `(name, description)`, by name.
    pub async fn policy_choices(
        &self,
        actor: &Actor,
        org_id: &str,
        q: &str,
        limit: usize,
    ) -> DomainResult<Vec<(String, String)>> {
        let org = self.authorized_organization(actor, org_id, &policy_permission("read")).await?;
        storage::choices(&self.db, &org.id, q, limit).await
    }

    /// What the actor may do with the organization's policies, and with `policy` if given.
    pub async fn policy_actions(
        &self,
        actor: &Actor,
        org_id: &str,
        policy: Option<&Policy>,
    ) -> DomainResult<PolicyActions> {
        let custom = policy.is_some_and(|p| !p.managed);
        Ok(PolicyActions {
            may_create: self.may(actor, org_id, &policy_permission("create")).await?,
            may_update: custom && self.may(actor, org_id, &policy_permission("update")).await?,
            may_delete: custom && self.may(actor, org_id, &policy_permission("delete")).await?,
        })
    }
}
