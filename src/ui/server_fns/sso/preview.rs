use leptos::prelude::*;

use crate::ui::{error::UiError, model::TestBenchView};

/// The test bench: what these groups (a list, or pasted ID token claims, or a user's last SSO
/// sign-in) give here with the saved mapping and, when they differ, with the edits being tried
/// (`draft_role_ids[i]` with its group names as typed in `draft_groups[i]`).
#[server(prefix = "/api", endpoint = "preview-sso")]
pub async fn preview_sso(
    org_id: String,
    groups: String,
    claims: String,
    user: String,
    draft_role_ids: Option<Vec<String>>,
    draft_groups: Option<Vec<String>>,
) -> Result<TestBenchView, UiError> {
    use super::split_list;
    use crate::domain::{
        DomainError,
        sso::{SsoPreviewInput, preview::DraftMapping},
    };
    use crate::ui::server_fns::roles::role_to_grant;
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let claims = match claims.trim() {
        "" => None,
        text => Some(
            serde_json::from_str(text)
                .map_err(|e| DomainError::invalid("claims", "json_invalid", format!("The claims are not JSON: {e}")))?,
        ),
    };
    let user_id = match user.trim() {
        "" => None,
        user => Some(call.domain.visible_user_by_id_or_email(&call.actor, user).await?.id),
    };
    let input = SsoPreviewInput {
        groups: Some(split_list(&groups)).filter(|g| !g.is_empty()),
        claims,
        user_id: user_id.clone(),
        draft: Vec::new(),
    };
    let saved = call.domain.preview_sso_sign_in(&call.actor, &org_id, input.clone()).await?;
    let current = call.domain.sso_setup(&call.actor, &org_id).await?.roles;
    let mut edits: Vec<DraftMapping> = Vec::new();
    for (role, typed) in draft_role_ids.unwrap_or_default().into_iter().zip(draft_groups.unwrap_or_default()) {
        let groups = split_list(&typed);
        match current.iter().find(|r| r.role_id == role) {
            Some(listed) if listed.sso_group_names != groups => {
                edits.push(DraftMapping { role_id: role, sso_group_names: groups })
            }
            Some(_) => {}
            // Another role, named in the bench's picker: tried only with some groups.
            None if !groups.is_empty() => {
                let found = role_to_grant(&call, &org_id, &role, "draft_role_ids").await?;
                edits.extend(found.map(|role_id| DraftMapping { role_id, sso_group_names: groups }));
            }
            None => {}
        }
    }
    let draft = if edits.is_empty() {
        None
    } else {
        Some(
            call.domain
                .preview_sso_sign_in(&call.actor, &org_id, SsoPreviewInput { draft: edits, ..input })
                .await?
                .into(),
        )
    };
    let compared_with = match user_id {
        Some(id) => Some(call.domain.visible_user(&call.actor, &id).await?.email),
        None => None,
    };
    Ok(TestBenchView { saved: saved.into(), draft, compared_with })
}
