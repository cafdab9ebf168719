//! What a picker offers (`components::picker`).

use serde::{Deserialize, Serialize};

/// What a picker chooses. Members, roles, policies and new parents are chosen within one
/// organization, the picker's scope: its members, its roles, its policies, or the organizations
/// that could take it as their child; permissions from the permission schema. Organizations are
/// those the caller may see, or, when the scope names a permission, those where it holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PickKind {
    User,
    Organization,
    Member,
    Role,
    Policy,
    NewParent,
    Permission,
}

impl PickKind {
    /// What one choice is called, in a sentence.
    pub fn noun(self) -> &'static str {
        match self {
            Self::User | Self::Member => "user",
            Self::Organization => "organization",
            Self::Role => "role",
            Self::Policy => "policy",
            Self::NewParent => "new parent",
            Self::Permission => "permission",
        }
    }
}

/// One choice: what goes into the form (an email, an organization's id, a role's name), and how
/// a person recognises it (a name, with the email, the organization's path or the role's
/// description).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickItem {
    pub value: String,
    pub label: String,
    pub detail: String,
}

/// The choices for a term, with the term (an answer to an earlier keystroke that arrives late
/// is told apart by it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PickChoices {
    pub q: String,
    pub items: Vec<PickItem>,
}
