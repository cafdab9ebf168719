//! `/orgs/:id/tokens`: the API tokens of an organization's members (`token:read`), filtered by
//! creator, status and days unused (a GET form, so the filters live in the URL), and revoked
//! after a confirmation (`token:revoke`; the creator then sees "revoked by an admin").

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::table::{ConfirmRevoke, TokenTable};
use crate::ui::{
    components::{
        form::{FormError, PendingButton, action_error},
        layout::LoadError,
        list_page::{DoneBanner, ListHeader, PageLinks},
        picker::Picker,
    },
    model::{MemberTokensPage, PickKind, TokenRow},
    server_fns::tokens::{RevokeMemberToken, list_member_tokens},
    url::encode,
};

const INPUT: &str = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900";

/// The list's state, as in its URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Filters {
    creator: String,
    status: String,
    dormant_days: String,
}

impl Filters {
    fn href(&self, org_id: &str, extra: &str) -> String {
        format!(
            "/orgs/{org_id}/tokens?creator={}&status={}&dormant_days={}{extra}",
            encode(&self.creator),
            encode(&self.status),
            encode(&self.dormant_days)
        )
    }
}

#[component]
pub fn MemberTokensPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let org_id = move || params.read().get("id").unwrap_or_default();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    let filters = move || Filters { creator: get("creator"), status: get("status"), dormant_days: get("dormant_days") };
    let page = Resource::new(
        move || (org_id(), filters(), get("cursor"), get("done")),
        |(org, f, cursor, _)| list_member_tokens(org, f.creator, f.status, f.dormant_days, cursor),
    );
    view! {
        <div class="max-w-6xl space-y-6">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <Tokens page org_id=org_id() filters=filters() revoking=get("revoke") done=get("done")/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Tokens(page: MemberTokensPage, org_id: String, filters: Filters, revoking: String, done: String) -> impl IntoView {
    let back = filters.href(&org_id, "");
    let revoking = page.tokens.iter().find(|t| t.token_id == revoking && t.works && page.may_revoke).cloned();
    let next = page.next_cursor.as_ref().map(|c| filters.href(&org_id, &format!("&cursor={}", encode(c))));
    let revoke_href = {
        let (filters, org_id) = (filters.clone(), org_id.clone());
        Callback::new(move |id: String| filters.href(&org_id, &format!("&revoke={id}")))
    };
    view! {
        <ListHeader title="API tokens" org=Some((org_id.clone(), page.org_name.clone()))/>
        <p class="text-sm text-slate-600 dark:text-slate-400">
            "The tokens of this organization's members. Secrets are never shown; a revoked token is refused from its next request."
        </p>
        <DoneBanner done test_id="tokens-done"/>
        {revoking.map(|token| view! { <RevokeMember token org_id=org_id.clone() back=back.clone()/> })}
        <form method="get" action=format!("/orgs/{org_id}/tokens") class="grid gap-3 sm:grid-cols-4" data-testid="token-filters">
            <Picker kind=PickKind::Member scope=org_id.clone() name="creator" label="Creator (email; type part of a name to find it)"
                value=filters.creator.clone() test_id="filter-creator" required=false/>
            <div class="space-y-1">
                <label for="filter-status" class="block text-sm font-medium">"Status"</label>
                <select id="filter-status" name="status" class=INPUT>
                    {[("", "Any"), ("active", "Active"), ("exceeds_policy", "Exceeds policy"), ("expired", "Expired"), ("revoked", "Revoked")]
                        .into_iter().map(|(value, label)| view! { <option value=value selected=filters.status == value>{label}</option> }).collect_view()}
                </select>
            </div>
            <div class="space-y-1">
                <label for="filter-dormant" class="block text-sm font-medium">"Unused for at least (days)"</label>
                <input id="filter-dormant" name="dormant_days" inputmode="numeric" value=filters.dormant_days.clone() class=INPUT/>
            </div>
            <div class="flex items-end">
                <button type="submit" class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">"Filter"</button>
            </div>
        </form>
        {page.creator_problem.clone().map(|problem| view! {
            <p role="alert" class="text-sm text-red-700 dark:text-red-400" data-testid="creator-problem">{problem}</p>
        })}
        {page.total.map(|total| view! { <p class="text-sm" data-testid="token-total">{format!("{total} token(s)")}</p> })}
        <TokenTable tokens=page.tokens may_revoke=page.may_revoke show_creator=true revoke_href
            history_org=page.may_read_history.then(|| org_id.clone())/>
        <PageLinks first=None next/>
    }
}

#[component]
fn RevokeMember(token: TokenRow, org_id: String, back: String) -> impl IntoView {
    let revoke = ServerAction::<RevokeMemberToken>::new();
    let error = action_error(revoke);
    view! {
        <ConfirmRevoke token=token.clone() back=back.clone()>
            <p class="text-sm">{format!("It belongs to {}, who will see it as revoked by an admin.", token.creator_email)}</p>
            <FormError error/>
            <ActionForm action=revoke>
                <input type="hidden" name="org_id" value=org_id/>
                <input type="hidden" name="token_id" value=token.token_id.clone()/>
                <input type="hidden" name="name" value=token.name.clone()/>
                <input type="hidden" name="back" value=back/>
                <PendingButton pending=revoke.pending() test_id="token-revoke-apply"
                    class="rounded-md bg-red-600 px-4 py-2 text-sm font-semibold text-white hover:bg-red-500">"Revoke"</PendingButton>
            </ActionForm>
        </ConfirmRevoke>
    }
}
