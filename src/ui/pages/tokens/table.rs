//! The token table of both token pages, and the confirmation of a revocation.

use leptos::prelude::*;

use crate::ui::{model::TokenRow, url::encode};

/// Tokens as rows: name and prefix, restriction, created, expires, last used, status, and a
/// "Revoke…" link (to `revoke_href(token)`) on those that still work when `may_revoke`.
#[component]
pub fn TokenTable(
    tokens: Vec<TokenRow>,
    may_revoke: bool,
    /// Whether to show whose each token is (admins' view).
    #[prop(default = false)]
    show_creator: bool,
    revoke_href: Callback<String, String>,
    /// With the organization's log readable: a History link on each token (its events there
    /// and below: a token's events go to its restriction's organization or its creator's home).
    #[prop(optional_no_strip)]
    history_org: Option<String>,
) -> impl IntoView {
    view! {
        <table class="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800" data-testid="token-list">
            <thead class="text-left text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">
                <tr>
                    <th scope="col" class="py-2 pr-3">"Token"</th>
                    {show_creator.then(|| view! { <th scope="col" class="px-3 py-2">"Creator"</th> })}
                    <th scope="col" class="px-3 py-2">"May do"</th>
                    <th scope="col" class="px-3 py-2">"Created"</th>
                    <th scope="col" class="px-3 py-2">"Expires"</th>
                    <th scope="col" class="px-3 py-2">"Last used"</th>
                    <th scope="col" class="px-3 py-2">"Status"</th>
                    <th scope="col" class="px-3 py-2 text-right"><span class="sr-only">"Actions"</span></th>
                </tr>
            </thead>
            <tbody class="divide-y divide-slate-200 dark:divide-slate-800">
                {tokens.into_iter().map(|t| {
                    let revoke = (may_revoke && t.works).then(|| (revoke_href.run(t.token_id.clone()), format!("Revoke token {}", t.name)));
                    let status_class = if t.works { "text-emerald-700 dark:text-emerald-300" } else { "text-slate-500 dark:text-slate-400" };
                    let history = history_org.as_ref().map(|org_id| {
                        format!("/orgs/{org_id}/audit?target_type=token&target_id={}&below=on", encode(&t.token_id))
                    });
                    view! {
                        <tr data-testid="token-row" data-name=t.name.clone() data-status=t.status.clone()>
                            <td class="py-2 pr-3">
                                <span class="font-medium">{t.name.clone()}</span>
                                <span class="block font-mono text-xs text-slate-500 dark:text-slate-400">{format!("{}…", t.prefix)}</span>
                            </td>
                            {show_creator.then(|| view! { <td class="px-3 py-2">{t.creator_email.clone()}</td> })}
                            <td class="px-3 py-2 font-mono text-xs" data-testid="token-restriction">{t.restriction.clone()}</td>
                            <td class="px-3 py-2 tabular-nums">{t.created_at.clone()}</td>
                            <td class="px-3 py-2 tabular-nums">{t.expires.clone()}</td>
                            <td class="px-3 py-2" data-testid="token-last-used">{t.last_used.clone()}</td>
                            <td class=format!("px-3 py-2 {status_class}") data-testid="token-status">{t.status_label.clone()}</td>
                            <td class="space-x-3 px-3 py-2 text-right">
                                {history.map(|href| view! {
                                    <a href=href data-testid="history-link" class="text-indigo-700 underline dark:text-indigo-300">"History"</a>
                                })}
                                {revoke.map(|(href, label)| view! {
                                    <a href=href aria-label=label class="text-red-700 underline dark:text-red-400" data-testid="token-revoke">"Revoke…"</a>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// "Revoke this token?": what happens, then the form that does it (`form`) and a way back.
#[component]
pub fn ConfirmRevoke(token: TokenRow, back: String, children: Children) -> impl IntoView {
    view! {
        <section role="alertdialog" aria-labelledby="token-question" data-testid="token-confirm"
            class="space-y-3 rounded-lg border border-red-300 bg-red-50 p-4 dark:border-red-800 dark:bg-red-950">
            <p id="token-question" class="font-semibold">{format!("Revoke token \"{}\" ({}…)?", token.name, token.prefix)}</p>
            <p class="text-sm">"Every program using it is refused from its next request. This cannot be undone."</p>
            {children()}
            <a href=back class="inline-block rounded-md border border-slate-300 px-4 py-2 text-sm dark:border-slate-700">"Cancel"</a>
        </section>
    }
}
