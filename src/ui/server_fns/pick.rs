use leptos::prelude::*;

use crate::ui::{
    error::UiError,
    model::{PickChoices, PickKind},
};

/// How many choices a picker shows at once: typing more narrows them.
#[cfg(feature = "ssr")]
const CHOICES: usize = 8;

/// The users or organizations the caller may see whose name, email or code holds `q`, as a
/// picker offers them (the users' search index, the organization tree's search).
#[server(prefix = "/api", endpoint = "pick")]
pub async fn pick(kind: PickKind, q: String) -> Result<PickChoices, UiError> {
    use crate::ui::model::PickItem;
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let term = q.trim();
    if term.is_empty() {
        return Ok(PickChoices { q, items: Vec::new() });
    }
    let items = match kind {
        PickKind::User => {
            let users = call.domain.find_users(&call.actor, term, CHOICES).await?;
            users
                .into_iter()
                .map(|u| PickItem { value: u.email.clone(), label: u.full_name, detail: u.email })
                .collect()
        }
        PickKind::Organization => {
            let hits = call.domain.search_organizations(&call.actor, term, CHOICES).await?;
            hits.into_iter()
                .map(|(node, path)| {
                    let mut detail = path.into_iter().map(|link| link.name).collect::<Vec<_>>().join(" / ");
                    if let Some(code) = node.code {
                        detail.push_str(&format!(" · code {code}"));
                    }
                    PickItem { value: node.id, label: node.name, detail }
                })
                .collect()
        }
    };
    Ok(PickChoices { q, items })
}
