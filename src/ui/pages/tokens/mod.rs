//! API tokens: `/tokens`, your own (`mine`: make one, see its secret once, revoke), and
//! `/orgs/:id/tokens`, an organization's members' (`members`: filter, revoke). Both share the
//! token table (`table`).

pub mod create_form;
pub mod members;
pub mod mine;
pub mod secret_once;
pub mod table;
