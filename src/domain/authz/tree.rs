//! The organization tree as the decision cache holds it. Each organization sits in a numbered
//! slot and points at its parent's slot, so that walking from an organization up to the root
//! (ten levels at 100,000 organizations) follows indexes: only the first step hashes an id.

use super::decision::PathNode;

type HashMap<K, V> = foldhash::HashMap<K, V>;

#[derive(Debug, Clone)]
pub struct TreeNode {
    pub node: PathNode,
    /// The parent's slot.
    parent: Option<usize>,
    /// Searched for with the name (see `names.rs`).
    pub code: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Tree {
    slots: HashMap<String, usize>,
    /// By slot; `None` once removed (slots are never reused: a child left behind by a removal
    /// that missed it points at nothing, and a decision on it fails closed).
    nodes: Vec<Option<TreeNode>>,
}

/// An organization whose parent the tree does not hold.
#[derive(Debug, PartialEq, Eq)]
pub struct UnknownParent;

impl Tree {
    /// The tree of `orgs` (node, parent id, code), in any order.
    pub fn of(orgs: Vec<(PathNode, Option<String>, Option<String>)>) -> Result<Self, UnknownParent> {
        let mut tree = Self {
            slots: HashMap::with_capacity_and_hasher(orgs.len(), Default::default()),
            nodes: Vec::with_capacity(orgs.len()),
        };
        let mut parents = Vec::with_capacity(orgs.len());
        for (node, parent, code) in orgs {
            let slot = tree.slot_for(&node.org_id);
            parents.push((slot, parent));
            tree.nodes[slot] = Some(TreeNode { node, parent: None, code });
        }
        for (slot, parent) in parents {
            let parent = parent.map(|parent| tree.slots.get(&parent).copied().ok_or(UnknownParent)).transpose()?;
            if let Some(node) = tree.nodes[slot].as_mut() {
                node.parent = parent;
            }
        }
        Ok(tree)
    }

    /// How many organizations it holds.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn contains(&self, org_id: &str) -> bool {
        self.slots.contains_key(org_id)
    }

    /// Every organization, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &TreeNode> {
        self.nodes.iter().flatten()
    }

    /// Adds an organization, or replaces what is known of it (renamed, moved, new flags).
    pub fn upsert(&mut self, node: PathNode, parent: Option<&str>, code: Option<String>) -> Result<(), UnknownParent> {
        let parent = parent.map(|parent| self.slots.get(parent).copied().ok_or(UnknownParent)).transpose()?;
        let slot = self.slot_for(&node.org_id);
        self.nodes[slot] = Some(TreeNode { node, parent, code });
        Ok(())
    }

    pub fn remove(&mut self, org_id: &str) {
        if let Some(slot) = self.slots.remove(org_id) {
            self.nodes[slot] = None;
        }
    }

    /// The organizations strictly below `org_id`.
    pub fn below(&self, org_id: &str) -> Vec<String> {
        let Some(&top) = self.slots.get(org_id) else { return Vec::new() };
        let mut below = Vec::new();
        for node in self.nodes.iter().flatten() {
            let mut parent = node.parent;
            // Bounded by the tree's size, so that even a corrupt tree cannot loop.
            for _ in 0..self.nodes.len() {
                let Some(slot) = parent else { break };
                if slot == top {
                    below.push(node.node.org_id.clone());
                    break;
                }
                parent = self.nodes.get(slot).and_then(Option::as_ref).and_then(|n| n.parent);
            }
        }
        below
    }

    /// The organization and, one by one, its ancestors up to the root. An ancestor missing
    /// from the tree ends the walk with `Err(its slot)`.
    pub fn up_from(&self, org_id: &str) -> Option<Ancestors<'_>> {
        self.slots.get(org_id).map(|&slot| Ancestors { tree: self, next: Some(slot) })
    }

    fn slot_for(&mut self, org_id: &str) -> usize {
        if let Some(&slot) = self.slots.get(org_id) {
            return slot;
        }
        let slot = self.nodes.len();
        self.slots.insert(org_id.to_owned(), slot);
        self.nodes.push(None);
        slot
    }
}

/// See [`Tree::up_from`].
pub struct Ancestors<'t> {
    tree: &'t Tree,
    next: Option<usize>,
}

impl<'t> Iterator for Ancestors<'t> {
    type Item = Result<&'t TreeNode, MissingAncestor>;

    fn next(&mut self) -> Option<Self::Item> {
        let slot = self.next.take()?;
        match self.tree.nodes.get(slot).and_then(Option::as_ref) {
            Some(node) => {
                self.next = node.parent;
                Some(Ok(node))
            }
            None => Some(Err(MissingAncestor)),
        }
    }
}

/// An ancestor that was removed while an organization below it was not.
#[derive(Debug, PartialEq, Eq)]
pub struct MissingAncestor;

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str) -> PathNode {
        PathNode {
            org_id: id.to_owned(),
            name: id.to_uppercase(),
            parent_has_access: true,
            parent_has_access_to_descendants: true,
        }
    }

    fn ids_up_from(tree: &Tree, id: &str) -> Vec<Result<String, MissingAncestor>> {
        tree.up_from(id).expect("known").map(|step| step.map(|n| n.node.org_id.clone())).collect()
    }

    #[test]
    fn walks_up_to_the_root_whatever_order_it_was_built_in() {
        let some = |s: &str| Some(s.to_owned());
        let tree = Tree::of(vec![
            (node("leaf"), some("mid"), None),
            (node("root"), None, some("the-root")),
            (node("mid"), some("root"), None),
        ])
        .expect("tree");
        assert_eq!(tree.len(), 3);
        assert_eq!(ids_up_from(&tree, "leaf"), [Ok("leaf".into()), Ok("mid".into()), Ok("root".into())]);
        assert!(tree.up_from("elsewhere").is_none());
        let unknown = Tree::of(vec![(node("orphan"), some("nowhere"), None)]);
        assert_eq!(unknown.err(), Some(UnknownParent));
        let mut below = tree.below("root");
        below.sort();
        assert_eq!(below, ["leaf", "mid"]);
        assert_eq!(tree.below("mid"), ["leaf"]);
        assert!(tree.below("leaf").is_empty());
        assert!(tree.below("elsewhere").is_empty());
    }

    #[test]
    fn moves_renames_and_removals_patch_it_in_place() {
        let mut tree = Tree::default();
        tree.upsert(node("root"), None, None).expect("root");
        tree.upsert(node("a"), Some("root"), None).expect("a");
        tree.upsert(node("b"), Some("root"), None).expect("b");
        tree.upsert(node("leaf"), Some("a"), None).expect("leaf");
        // Moved below b, and renamed.
        let mut renamed = node("leaf");
        renamed.name = "Renamed".into();
        tree.upsert(renamed, Some("b"), Some("code".into())).expect("moved");
        assert_eq!(ids_up_from(&tree, "leaf"), [Ok("leaf".into()), Ok("b".into()), Ok("root".into())]);
        assert_eq!(
            tree.up_from("leaf").and_then(|mut up| up.next()).map(|n| n.map(|n| n.node.name.clone())),
            Some(Ok("Renamed".into()))
        );
        assert_eq!(tree.upsert(node("x"), Some("nowhere"), None), Err(UnknownParent));
        // A removal that leaves a child behind: the walk from the child fails, it never skips.
        tree.remove("b");
        assert!(!tree.contains("b"));
        assert_eq!(tree.len(), 3);
        assert_eq!(ids_up_from(&tree, "leaf"), [Ok("leaf".into()), Err(MissingAncestor)]);
        assert_eq!(tree.iter().count(), 3);
    }
}
