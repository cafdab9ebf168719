//! `/tokens`: your API tokens. Make one (its secret is shown once), see each one's restriction,
//! expiry, last use and status, and revoke one after a confirmation (`?revoke=<id>`).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{
    create_form::CreateTokenForm,
    secret_once::SecretOnce,
    table::{ConfirmRevoke, TokenTable},
};
use crate::ui::{
    components::{
        form::{FormError, PendingButton, action_error},
        layout::LoadError,
        list_page::{DoneBanner, ListHeader},
    },
    model::TokenRow,
    server_fns::tokens::{CreateToken, RevokeMyToken, list_my_tokens, new_secret},
};

#[component]
pub fn MyTokensPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    let create = ServerAction::<CreateToken>::new();
    let error = action_error(create);
    // `done` and each creation are in the key so that the list is read again after a change.
    let page = Resource::new(move || (get("done"), create.version().get()), |_| list_my_tokens());
    // Made without JavaScript, the new token's secret arrives with this page, once.
    let carried = Resource::new(|| (), |_| new_secret());
    let just_made = move || create.value().get().and_then(Result::ok);
    view! {
        <div class="max-w-6xl space-y-6">
            <ListHeader title="My API tokens"/>
            <p class="text-sm text-slate-600 dark:text-slate-400">
                "Programs call Warden's API under /v1 with a token in the Authorization: Bearer header (or X-API-KEY). \
                 A token may do at most what you may do, at the time it is used: when you lose a right, so does it."
            </p>
            // Read again on each navigation: after a revoke the page stays, only its query changes.
            {move || view! { <DoneBanner done=get("done") test_id="tokens-done"/> }}
            {move || just_made().map(|new| view! { <SecretOnce new/> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    carried.await.ok().flatten().map(|new| view! { <SecretOnce new/> })
                })}
            </Suspense>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => {
                            let revoking = page.tokens.iter().find(|t| t.token_id == get("revoke") && t.works).cloned();
                            let tokens = page.tokens.clone();
                            let older = usize::try_from(page.total).unwrap_or(0).saturating_sub(tokens.len());
                            view! {
                                {revoking.map(|token| view! { <RevokeMine token/> })}
                                <CreateTokenForm page create error/>
                                {tokens.is_empty().then(|| view! { <p class="text-slate-600 dark:text-slate-400">"You have no tokens yet."</p> })}
                                <TokenTable tokens may_revoke=true revoke_href=Callback::new(|id: String| format!("/tokens?revoke={id}"))/>
                                {(older > 0).then(|| view! {
                                    <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="older-tokens">
                                        {format!("{older} older tokens are not shown: GET /v1/tokens pages through them all.")}
                                    </p>
                                })}
                            }.into_any()
                        }
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn RevokeMine(token: TokenRow) -> impl IntoView {
    let revoke = ServerAction::<RevokeMyToken>::new();
    let error = action_error(revoke);
    view! {
        <ConfirmRevoke token=token.clone() back="/tokens".to_owned()>
            <FormError error/>
            <ActionForm action=revoke>
                <input type="hidden" name="token_id" value=token.token_id.clone()/>
                <input type="hidden" name="name" value=token.name.clone()/>
                <PendingButton pending=revoke.pending() test_id="token-revoke-apply"
                    class="rounded-md bg-red-600 px-4 py-2 text-sm font-semibold text-white hover:bg-red-500">"Revoke"</PendingButton>
            </ActionForm>
        </ConfirmRevoke>
    }
}
