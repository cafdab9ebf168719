// One argument per form field: the generated client and server functions take them all.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::ui::error::UiError;

/// Saves the group editor: creates the group, or replaces it at the version it was loaded
/// at. `role_ids[]` are the roles left ticked; `add_roles[]` (chosen with the role picker) and
/// `add_role` (typed) add roles by name or id. `user_ids[]` are the members left ticked;
/// `add_emails` adds members by email (separated by spaces, commas or new lines).
#[server(prefix = "/api", endpoint = "save-user-group")]
pub async fn save_user_group(
    org_id: String,
    group_id: String,
    version: String,
    name: String,
    description: String,
    role_ids: Option<Vec<String>>,
    add_roles: Option<Vec<String>>,
    add_role: Option<String>,
    user_ids: Option<Vec<String>>,
    add_emails: String,
) -> Result<(), UiError> {
    use crate::domain::groups::GroupFields;
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let addresses: Vec<String> = add_emails
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect();
    let mut user_ids = user_ids.unwrap_or_default();
    let mut listed: std::collections::HashSet<String> = user_ids.iter().cloned().collect();
    for id in call.domain.member_ids_by_email(&call.actor, &org_id, "add_emails", &addresses).await? {
        if listed.insert(id.clone()) {
            user_ids.push(id);
        }
    }
    let mut role_ids = role_ids.unwrap_or_default();
    let max = crate::domain::members::MAX_MEMBER_ROLES;
    if add_roles.as_ref().is_some_and(|named| named.len() > max) {
        return Err(UiError::invalid_field("add_role", &format!("Add at most {max} roles at a time")));
    }
    for named in add_roles.unwrap_or_default().iter().chain(add_role.iter()) {
        let found = crate::ui::server_fns::roles::role_to_grant(&call, &org_id, named, "add_role").await?;
        if let Some(id) = found.filter(|id| !role_ids.contains(id)) {
            role_ids.push(id);
        }
    }
    let fields = GroupFields {
        name: Some(name),
        description: Some(description),
        user_ids: Some(user_ids),
        role_ids: Some(role_ids),
        version: version.parse().ok(),
    };
    let group = if group_id.is_empty() {
        call.domain.create_user_group(&call.actor, &org_id, fields).await?
    } else {
        call.domain.update_user_group(&call.actor, &org_id, &group_id, fields).await?
    };
    let done = format!("Saved group \"{}\" ({} member(s))", group.name, group.user_ids.len());
    leptos_axum::redirect(&crate::ui::server_fns::with_done(&format!("/orgs/{org_id}/groups?"), &done));
    Ok(())
}
