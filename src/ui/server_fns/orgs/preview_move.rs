use leptos::prelude::*;

use crate::ui::{error::UiError, model::MovePreviewItem};

/// What moving the organization under `new_parent_id` would do: what would reach in that the
/// caller does not hold (the move would be refused), and who would gain or lose what.
#[server(prefix = "/api", endpoint = "preview-move")]
pub async fn preview_move(org_id: String, new_parent_id: String) -> Result<MovePreviewItem, UiError> {
    use crate::ui::model::ImpactItem;
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let target = call.domain.visible_organization(&call.actor, &new_parent_id).await?;
    let preview = call.domain.move_impact(&call.actor, &org_id, &target.id).await?;
    Ok(MovePreviewItem {
        target_id: target.id,
        target_name: target.name,
        refused: preview.refused.into_iter().map(|m| m.permission).collect(),
        impact: ImpactItem::new(Vec::new(), preview.shifts),
    })
}
