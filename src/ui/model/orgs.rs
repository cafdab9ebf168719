//! Organizations as the tree, search and organization pages show them.

use serde::{Deserialize, Serialize};

use super::ImpactItem;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationItem {
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    pub is_root: bool,
}

/// An organization as a node of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationNodeItem {
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    pub child_count: i64,
    pub member_count: i64,
    pub can_have_children: bool,
}

/// A page of a node's children; `included` is the child the tree was opened down to when it
/// is not on this page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildrenPageItem {
    pub children: Vec<OrganizationNodeItem>,
    pub next_cursor: Option<String>,
    pub included: Option<OrganizationNodeItem>,
}

#[cfg(feature = "ssr")]
impl From<crate::domain::orgs::ChildrenPage> for ChildrenPageItem {
    fn from(page: crate::domain::orgs::ChildrenPage) -> Self {
        Self {
            children: page.children.into_iter().map(OrganizationNodeItem::from).collect(),
            next_cursor: page.next_cursor,
            included: page.included.map(OrganizationNodeItem::from),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationCrumb {
    pub id: String,
    pub name: String,
}

#[cfg(feature = "ssr")]
impl From<crate::domain::orgs::OrganizationLink> for OrganizationCrumb {
    fn from(link: crate::domain::orgs::OrganizationLink) -> Self {
        Self { id: link.id, name: link.name }
    }
}

/// What moving an organization would do, shown before the move is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovePreviewItem {
    pub target_id: String,
    pub target_name: String,
    /// Why the move would be refused: each permission that would reach in without the caller
    /// holding it here (empty when allowed).
    pub refused: Vec<String>,
    /// Who would gain or lose what in this organization.
    pub impact: ImpactItem,
}

/// A search hit, with the path above it (from the top of what the user may see).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationSearchHit {
    pub node: OrganizationNodeItem,
    pub path: Vec<OrganizationCrumb>,
}

/// Everything the organization page shows, and which actions it offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationDetail {
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    /// False when the user sees the org only through its parent (settings hidden).
    pub full_access: bool,
    pub contact_email: String,
    pub updates_email: String,
    pub logo_url: String,
    pub can_have_child_organizations: bool,
    pub parent_has_access: bool,
    pub parent_has_access_to_descendants: bool,
    pub version: i64,
    pub path: Vec<OrganizationCrumb>,
    pub is_root: bool,
    pub may_update: bool,
    pub may_create_child: bool,
    pub may_move: bool,
    pub may_delete: bool,
    /// What flipping each access flag would do (for whoever may change the settings).
    pub flag_previews: Vec<FlagPreviewItem>,
    /// The rules for its members' API tokens (with full access only).
    pub token_policy: Option<TokenPolicyItem>,
    pub may_read_tokens: bool,
    pub may_read_sso: bool,
    pub may_read_audit: bool,
    /// What deleting it would remove (for whoever may delete it), sent with the page so that
    /// nothing is asked again once the page hydrates.
    pub deletion_impact: Option<DeletionImpactItem>,
}

/// An organization's rules for its members' API tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenPolicyItem {
    pub max_lifetime_days: i64,
    pub allow_no_expiry: bool,
}

/// What turning one access flag on or off would do, shown beside it before anything is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagPreviewItem {
    /// `parent_has_access` or `parent_has_access_to_descendants`.
    pub flag: String,
    /// The flag's value after the flip.
    pub turning_on: bool,
    /// Permissions the flip would move without the caller holding them (then it is refused).
    pub refused: Vec<String>,
    pub impact: ImpactItem,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionImpactItem {
    pub organizations: i64,
    pub memberships: i64,
    pub roles: i64,
    pub api_tokens: i64,
}

#[cfg(feature = "ssr")]
impl From<crate::domain::orgs::OrganizationNode> for OrganizationNodeItem {
    fn from(node: crate::domain::orgs::OrganizationNode) -> Self {
        Self {
            id: node.id,
            name: node.name,
            code: node.code,
            child_count: node.child_count,
            member_count: node.member_count,
            can_have_children: node.can_have_child_organizations,
        }
    }
}

/// A node with the path above it, as searches and the move picker answer.
#[cfg(feature = "ssr")]
impl From<(crate::domain::orgs::OrganizationNode, Vec<crate::domain::orgs::OrganizationLink>)>
    for OrganizationSearchHit
{
    fn from((node, path): (crate::domain::orgs::OrganizationNode, Vec<crate::domain::orgs::OrganizationLink>)) -> Self {
        Self { node: node.into(), path: path.into_iter().map(OrganizationCrumb::from).collect() }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::domain::orgs::Organization> for OrganizationItem {
    fn from(org: crate::domain::orgs::Organization) -> Self {
        Self { is_root: org.parent_organization_id.is_none(), id: org.id, name: org.name, code: org.code }
    }
}
