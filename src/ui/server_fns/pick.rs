use leptos::prelude::*;

use crate::ui::{
    error::UiError,
    model::{PickChoices, PickKind},
};

/// How many choices a picker shows at once: typing more narrows them.
#[cfg(feature = "ssr")]
const CHOICES: usize = 8;

/// What the caller may see of `kind` whose name (or email, code) holds `q`, as a picker offers
/// it: users through the users' search index, organizations through the tree's search (only
/// those where the caller holds the permission `scope` names, if it names one); members,
/// roles and new parents within the organization `scope` through that organization's own
/// searches, with its permissions; permissions from the schema.
#[server(prefix = "/api", endpoint = "pick")]
pub async fn pick(kind: PickKind, scope: String, q: String) -> Result<PickChoices, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let items = choices(&call, kind, &scope, &q).await?;
    Ok(PickChoices { q, items })
}

/// A sentence to add to "no such thing" under a form field without JavaScript: up to five names
/// the caller may see that `term` could have meant, or nothing.
#[cfg(feature = "ssr")]
pub(crate) async fn did_you_mean(
    call: &crate::ui::server_fns::context::Call,
    kind: PickKind,
    scope: &str,
    term: &str,
) -> String {
    sentence(&suggested(call, kind, scope, term).await)
}

/// Up to five choices the caller may see that `term` could have meant (not `term` itself).
#[cfg(feature = "ssr")]
async fn suggested(
    call: &crate::ui::server_fns::context::Call,
    kind: PickKind,
    scope: &str,
    term: &str,
) -> Vec<crate::ui::model::PickItem> {
    let found = choices(call, kind, scope, term).await.unwrap_or_default();
    found.into_iter().filter(|item| item.value != term).take(5).collect()
}

/// "Did you mean ...?", naming what to type after the name a person knows it by when that
/// differs (a user's email, an organization's id); or nothing.
#[cfg(feature = "ssr")]
fn sentence(items: &[crate::ui::model::PickItem]) -> String {
    let names: Vec<String> = items
        .iter()
        .map(|item| match item.label == item.value {
            true => format!("\u{201c}{}\u{201d}", item.value),
            false => format!("\u{201c}{}\u{201d} ({})", item.label, item.value),
        })
        .collect();
    if names.is_empty() { String::new() } else { format!(". Did you mean {}?", names.join(", ")) }
}

/// What a form field names, looked up by `lookup`: when it found nothing the caller may see,
/// the field's error is `message` followed by what `term` could have meant (a picker of `kind`
/// within `scope` would have offered it), which the error also carries as choices for the
/// field's picker to offer; any other failure stays what it was.
#[cfg(feature = "ssr")]
pub(crate) async fn named_or_suggested<T>(
    call: &crate::ui::server_fns::context::Call,
    lookup: crate::domain::DomainResult<T>,
    (kind, scope, term): (PickKind, &str, &str),
    field: &str,
    message: String,
) -> Result<T, UiError> {
    use crate::domain::DomainError;
    let items = match &lookup {
        Err(DomainError::NotFound { .. } | DomainError::Forbidden { .. }) => suggested(call, kind, scope, term).await,
        _ => Vec::new(),
    };
    let hint = sentence(&items);
    crate::ui::error::named_in_field(lookup, field, || format!("{message}{hint}")).map_err(|mut error| {
        if !items.is_empty() {
            let (field, term) = (field.to_owned(), term.trim().to_owned());
            error.suggestions.push(crate::ui::error::Suggestion { field, term, items });
        }
        error
    })
}

/// What [`pick`] offers for `q`.
#[cfg(feature = "ssr")]
async fn choices(
    call: &crate::ui::server_fns::context::Call,
    kind: PickKind,
    scope: &str,
    q: &str,
) -> Result<Vec<crate::ui::model::PickItem>, UiError> {
    use crate::{
        domain::{
            members::MemberQuery,
            order::{MEMBER_ORDERS, PeopleOrder},
        },
        ui::model::PickItem,
    };
    let term = q.trim();
    if term.is_empty() {
        return Ok(Vec::new());
    }
    let organization =
        |(node, path): (crate::domain::orgs::OrganizationNode, Vec<crate::domain::orgs::OrganizationLink>)| {
            let mut detail = path.into_iter().map(|link| link.name).collect::<Vec<_>>().join(" / ");
            if let Some(code) = node.code {
                detail.push_str(&format!(" · code {code}"));
            }
            PickItem { value: node.id, label: node.name, detail }
        };
    // Roles and policies are chosen by name, described by their description.
    let named_items = |found: Vec<(String, String)>| {
        found.into_iter().map(|(name, detail)| PickItem { value: name.clone(), label: name, detail }).collect()
    };
    let items = match kind {
        PickKind::User => {
            let users = call.domain.find_users(&call.actor, term, CHOICES).await?;
            users
                .into_iter()
                .map(|u| PickItem { value: u.email.clone(), label: u.full_name, detail: u.email })
                .collect()
        }
        PickKind::Organization if scope.is_empty() => {
            let hits = call.domain.search_organizations(&call.actor, term, CHOICES).await?;
            hits.into_iter().map(organization).collect()
        }
        PickKind::Organization => {
            let permission = crate::domain::explorer::parse_permission("scope", scope)?;
            let hits = call.domain.search_organizations_allowing(&call.actor, term, &permission, CHOICES).await?;
            hits.into_iter().map(organization).collect()
        }
        PickKind::Member => {
            let query = MemberQuery {
                q: Some(term),
                role_id: None,
                status: None,
                cursor: None,
                limit: CHOICES,
                order: PeopleOrder::parse(None, MEMBER_ORDERS)?,
            };
            let page = call.domain.list_members(&call.actor, scope, &query).await?;
            page.members
                .into_iter()
                .map(|m| PickItem { value: m.email.clone(), label: m.full_name, detail: m.email })
                .collect()
        }
        PickKind::Role => named_items(call.domain.role_choices(&call.actor, scope, term, CHOICES).await?),
        PickKind::Policy => named_items(call.domain.policy_choices(&call.actor, scope, term, CHOICES).await?),
        PickKind::Permission => {
            let found = call.domain.find_permissions(term, CHOICES).await?;
            found.into_iter().map(|(key, label)| PickItem { value: key, label, detail: String::new() }).collect()
        }
        PickKind::NewParent => {
            let mut hits = call.domain.move_targets(&call.actor, scope, term).await?;
            hits.truncate(CHOICES);
            hits.into_iter().map(organization).collect()
        }
    };
    Ok(items)
}
