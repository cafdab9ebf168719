//! Integration tests: the whole app on a fresh database per test, on SQLite and PostgreSQL.
//! One test binary (not one per file) keeps linking time and the target folder small.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

mod audit_log;
mod audited_mutations;
mod cedar;
mod cli;
mod compat_iam_policies;
mod compat_iam_roles;
mod connections;
mod delivery;
mod escalation;
mod escalation_property;
mod filters;
mod forms;
mod http_spine;
mod limits;
mod openapi;
mod organizations;
mod paging;
mod people_order;
mod pickers;
mod policies;
mod roles_and_members;
mod seed_replay;
mod sign_in;
mod signed_in_requests;
mod sso;
mod storage;
mod tenancy;
mod tokens;
mod two_servers;
mod unknown_inputs;
mod user_groups;
mod user_search;
mod users;
mod versions;
mod who_can;
mod wide_trees;
