//! The predefined, read-only roles that every organization gets.

use crate::domain::authz::{permissions::BUILTIN_RESOURCE_TYPES, statements::Statement};

/// The predefined roles of every organization, each made of one managed policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Predefined {
    SuperAdmin,
    Admin,
    Member,
}

impl Predefined {
    pub const ALL: [Predefined; 3] = [Self::SuperAdmin, Self::Admin, Self::Member];

    pub fn slug(self) -> &'static str {
        match self {
            Self::SuperAdmin => "super_admin",
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::SuperAdmin => "Super Admin",
            Self::Admin => "Admin",
            Self::Member => "Member",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::SuperAdmin => "Everything, on every resource type, here and below",
            Self::Admin => {
                "Everything on Warden's own objects here and below; deleting this organization is decided above it"
            }
            Self::Member => "Read organizations, members, roles and policies",
        }
    }

    pub fn statements(self) -> Vec<Statement> {
        match self {
            Self::SuperAdmin => vec![Statement::allow(&["*"], &["*"])],
            Self::Admin => {
                let types: Vec<&str> = BUILTIN_RESOURCE_TYPES.iter().map(|t| t.key).collect();
                vec![Statement::allow(&types, &["*"])]
            }
            Self::Member => vec![Statement::allow(&["org", "member", "role", "policy"], &["read"])],
        }
    }
}
