//! Storage of the organization tree.
//!
//! The tree is kept twice, consistently: `organizations.parent_id` (children: one indexed
//! look-up) and a closure table, `organization_closure`, with a row for every
//! (ancestor, descendant) pair at its depth, self included. Ancestors and whole subtrees are
//! each one indexed look-up in it, whatever the depth, which a recursive query over
//! `parent_id` is not at 100k orgs. A closure table was chosen over a materialized path
//! because moving a subtree is two set operations on it (detach from the old ancestors,
//! attach to the new ones) rather than rewriting string prefixes, and both engines index it
//! the same way. The cost is depth x size rows: 100k orgs at depth 8 is under a million.

use sqlx::Row;

use crate::domain::{DomainResult, Transaction};

/// Adds `org_id` below `parent_id` (or as a root).
pub async fn insert_node(tx: &mut Transaction, org_id: &str, parent_id: Option<&str>) -> DomainResult<()> {
    sqlx::query("INSERT INTO organization_closure (ancestor_id, descendant_id, depth) VALUES ($1, $1, 0)")
        .bind(org_id)
        .execute(&mut **tx)
        .await?;
    if let Some(parent_id) = parent_id {
        sqlx::query(
            "INSERT INTO organization_closure (ancestor_id, descendant_id, depth) \
             SELECT ancestor_id, $1, depth + 1 FROM organization_closure WHERE descendant_id = $2",
        )
        .bind(org_id)
        .bind(parent_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// True when `candidate` is `org_id` itself or lies below it.
pub async fn is_in_subtree(tx: &mut Transaction, org_id: &str, candidate: &str) -> DomainResult<bool> {
    Ok(sqlx::query("SELECT 1 FROM organization_closure WHERE ancestor_id = $1 AND descendant_id = $2")
        .bind(org_id)
        .bind(candidate)
        .fetch_optional(&mut **tx)
        .await?
        .is_some())
}

/// Re-parents the subtree rooted at `org_id` under `new_parent_id`. The caller has checked
/// that `new_parent_id` is not inside the subtree.
pub async fn move_subtree(tx: &mut Transaction, org_id: &str, new_parent_id: &str) -> DomainResult<()> {
    // Detach: forget every link from an ancestor outside the subtree to a node inside it.
    sqlx::query(
        "DELETE FROM organization_closure \
         WHERE descendant_id IN (SELECT descendant_id FROM organization_closure WHERE ancestor_id = $1) \
           AND ancestor_id IN (SELECT ancestor_id FROM organization_closure WHERE descendant_id = $1 AND ancestor_id <> $1)",
    )
    .bind(org_id)
    .execute(&mut **tx)
    .await?;
    // Attach: every ancestor of the new parent (itself included) above every node of the subtree.
    sqlx::query(
        "INSERT INTO organization_closure (ancestor_id, descendant_id, depth) \
         SELECT above.ancestor_id, below.descendant_id, above.depth + below.depth + 1 \
         FROM organization_closure above, organization_closure below \
         WHERE above.descendant_id = $1 AND below.ancestor_id = $2",
    )
    .bind(new_parent_id)
    .bind(org_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE organizations SET parent_id = $1 WHERE id = $2")
        .bind(new_parent_id)
        .bind(org_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The ids of the subtree rooted at `org_id`, itself included.
pub async fn subtree_ids(tx: &mut Transaction, org_id: &str) -> DomainResult<Vec<String>> {
    let rows = sqlx::query("SELECT descendant_id FROM organization_closure WHERE ancestor_id = $1")
        .bind(org_id)
        .fetch_all(&mut **tx)
        .await?;
    rows.iter().map(|r| Ok(r.try_get("descendant_id")?)).collect()
}
