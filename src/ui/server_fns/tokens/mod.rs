//! API tokens: your own (list, create, revoke, the secret shown once) and an organization's
//! members' (list, revoke, the token policy).

mod create;
mod list_members;
mod list_mine;
mod new_secret;
mod revoke_member;
mod revoke_mine;
mod save_policy;

pub use create::{CreateToken, create_token};
pub use list_members::{ListMemberTokens, list_member_tokens};
pub use list_mine::{ListMyTokens, list_my_tokens};
pub use new_secret::{NewSecret, new_secret};
pub use revoke_member::{RevokeMemberToken, revoke_member_token};
pub use revoke_mine::{RevokeMyToken, revoke_my_token};
pub use save_policy::{SaveTokenPolicy, save_token_policy};
