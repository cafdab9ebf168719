//! The organizations of the cached tree by name: what organization searches read, so that a
//! search over 100,000 organizations never touches the database until it has its page.

use super::tree::Tree;

/// One organization, with what a search term is looked for in.
#[derive(Debug)]
pub struct NameEntry {
    pub name: String,
    pub id: String,
    /// The lowercase name and code.
    key: String,
}

impl NameEntry {
    /// Whether the name or code contains `term` (lowercase).
    pub fn matches(&self, term: &str) -> bool {
        self.key.contains(term)
    }
}

/// Every organization of one snapshot of the tree, in (name, id) byte order: the same order on
/// both engines, whatever their collations.
#[derive(Debug, Default)]
pub struct NameIndex {
    entries: Vec<NameEntry>,
}

impl NameIndex {
    pub fn of(tree: &Tree) -> Self {
        let mut entries: Vec<NameEntry> = tree
            .iter()
            .map(|node| NameEntry {
                name: node.node.name.clone(),
                id: node.node.org_id.clone(),
                key: format!(
                    "{}\n{}",
                    node.node.name.to_lowercase(),
                    node.code.as_deref().unwrap_or("").to_lowercase()
                ),
            })
            .collect();
        entries.sort_unstable_by(|a, b| (a.name.as_str(), a.id.as_str()).cmp(&(b.name.as_str(), b.id.as_str())));
        Self { entries }
    }

    /// The entries after the (name, id) `after`, in order.
    pub fn after(&self, after: Option<(&str, &str)>) -> &[NameEntry] {
        let start =
            after.map_or(0, |after| self.entries.partition_point(|e| (e.name.as_str(), e.id.as_str()) <= after));
        &self.entries[start..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::authz::decision::PathNode;

    fn tree(orgs: &[(&str, &str, Option<&str>)]) -> Tree {
        let orgs = orgs
            .iter()
            .map(|(id, name, code)| {
                let node = PathNode {
                    org_id: (*id).to_owned(),
                    name: (*name).to_owned(),
                    parent_has_access: true,
                    parent_has_access_to_descendants: true,
                };
                (node, None, code.map(str::to_owned))
            })
            .collect();
        Tree::of(orgs).expect("tree")
    }

    #[test]
    fn entries_come_by_name_then_id_and_match_name_or_code_in_any_case() {
        let index =
            NameIndex::of(&tree(&[("b", "Beta", None), ("a2", "Alpha", Some("al-two")), ("a1", "Alpha", None)]));
        let order: Vec<&str> = index.after(None).iter().map(|e| e.id.as_str()).collect();
        assert_eq!(order, ["a1", "a2", "b"]);
        let after: Vec<&str> = index.after(Some(("Alpha", "a1"))).iter().map(|e| e.id.as_str()).collect();
        assert_eq!(after, ["a2", "b"]);
        assert!(index.after(Some(("Beta", "b"))).is_empty());
        let matching = |term: &str| -> Vec<&str> {
            index.after(None).iter().filter(|e| e.matches(term)).map(|e| e.id.as_str()).collect()
        };
        assert_eq!(matching("alp"), ["a1", "a2"]);
        assert_eq!(matching("al-t"), ["a2"], "codes are searched too");
        assert!(matching("gamma").is_empty());
    }
}
