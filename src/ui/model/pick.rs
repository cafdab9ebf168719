//! What a picker offers (`components::picker`).

use serde::{Deserialize, Serialize};

/// What a picker chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PickKind {
    User,
    Organization,
}

/// One choice: what goes into the form (an email, an organization's id), and how a person
/// recognises it (a name, with the email or the organization's path).
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
