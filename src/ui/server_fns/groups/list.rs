use leptos::prelude::*;

use crate::ui::{error::UiError, model::UserGroupsPage};

/// Groups per page of the list.
#[cfg(feature = "ssr")]
const GROUPS_PER_PAGE: usize = 50;

/// A page of an organization's user groups (after `cursor`, from the first when empty), and
/// the one being edited (`edit`: a group id, `new`, or empty).
#[server(prefix = "/api", endpoint = "user-groups")]
pub async fn load_user_groups(org_id: String, edit: String, cursor: String) -> Result<UserGroupsPage, UiError> {
    use crate::ui::model::{GroupEditItem, GroupMemberItem, GroupRow, RoleOption};
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let org = call.domain.visible_organization(&call.actor, &org_id).await?;
    let cursor = Some(cursor.as_str()).filter(|c| !c.is_empty());
    let page = call.domain.list_user_groups(&call.actor, &org.id, cursor, GROUPS_PER_PAGE).await?;
    // The names of the roles the listed groups hold, read once for the page.
    let mut held: Vec<String> = page.groups.iter().flat_map(|g| g.role_ids.iter().cloned()).collect();
    held.sort();
    held.dedup();
    let names = call.domain.held_role_names(&call.actor, &org.id, &held).await?;
    let names: std::collections::HashMap<String, String> = held.into_iter().zip(names).collect();
    let may_manage = call.domain.member_actions(&call.actor, &org.id).await?.may_assign;
    let may_read_history = call.domain.may_read_audit(&call.actor, &org.id).await?;
    let editing = match edit.as_str() {
        "" => None,
        "new" => Some(GroupEditItem {
            id: String::new(),
            name: String::new(),
            description: String::new(),
            version: 0,
            roles: Vec::new(),
            members: Vec::new(),
        }),
        group_id => {
            let group = call.domain.user_group(&call.actor, &org.id, group_id).await?;
            let members = call.domain.user_group_members(&call.actor, &org.id, group_id).await?;
            let role_names = call.domain.held_role_names(&call.actor, &org.id, &group.role_ids).await?;
            Some(GroupEditItem {
                id: group.group_id,
                name: group.name,
                description: group.description,
                version: group.version,
                roles: group
                    .role_ids
                    .into_iter()
                    .zip(role_names)
                    .map(|(id, name)| RoleOption { id, name, source: String::new() })
                    .collect(),
                members: members
                    .into_iter()
                    .map(|m| GroupMemberItem { user_id: m.user_id, email: m.email, full_name: m.full_name })
                    .collect(),
            })
        }
    };
    let name_of = |id: &String| names.get(id).cloned().unwrap_or_else(|| id.clone());
    let groups = page
        .groups
        .into_iter()
        .map(|g| GroupRow {
            role_names: g.role_ids.iter().map(name_of).collect(),
            member_count: g.user_ids.len(),
            id: g.group_id,
            name: g.name,
            description: g.description,
        })
        .collect();
    Ok(UserGroupsPage {
        org_name: org.name,
        groups,
        next_cursor: page.next_cursor,
        may_manage,
        may_read_history,
        editing,
    })
}
