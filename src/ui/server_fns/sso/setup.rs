use leptos::prelude::*;

use crate::ui::{error::UiError, model::SsoSetupView};

/// `/orgs/:id/sso`: the configuration, the roles' group names and the groups mapped to nothing.
#[server(prefix = "/api", endpoint = "sso-setup")]
pub async fn sso_setup(org_id: String) -> Result<SsoSetupView, UiError> {
    use crate::ui::model::{RoleGroupsRow, UnmappedGroupRow};
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let org = call.domain.visible_organization(&call.actor, &org_id).await?;
    let setup = call.domain.sso_setup(&call.actor, &org.id).await?;
    let may_read_history = call.domain.may_read_audit(&call.actor, &org.id).await?;
    Ok(SsoSetupView {
        org_id: org.id,
        org_name: org.name,
        configuration: setup.configuration.map(Into::into),
        redirect_uri: setup.redirect_uri,
        roles: setup
            .roles
            .into_iter()
            .map(|r| RoleGroupsRow {
                role_id: r.role_id,
                name: r.name,
                is_default: r.is_default,
                groups: r.sso_group_names,
            })
            .collect(),
        unmapped_groups: setup
            .unmapped_groups
            .into_iter()
            .map(|u| UnmappedGroupRow { group: u.group, users: u.users })
            .collect(),
        unmapped_total: setup.unmapped_total,
        may_update: setup.may_update,
        secrets_available: setup.secrets_available,
        may_read_history,
    })
}
