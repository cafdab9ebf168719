//! "Can this API token do this here?": what its restriction says, and its creator's own
//! answer (a token may do at most what its creator may, at the time it is used). A GET form,
//! like the explorer's other questions.

use leptos::prelude::*;
use leptos_router::{components::Form, hooks::use_query_map};

use super::{Answer, Asked, QuestionError, input_class, with_choices};
use crate::ui::{
    components::picker::Picker,
    model::{PickKind, TokenAnswerItem},
    server_fns::explorer::explain_token,
};

#[component]
pub fn TokenQuestion() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let answer = Resource::new(
        move || (param("token"), param("token_org"), param("token_permission")),
        |(token, org, permission)| async move {
            if token.trim().is_empty() || org.trim().is_empty() || permission.trim().is_empty() {
                None
            } else {
                Some(
                    with_choices(
                        explain_token(org.clone(), token, permission).await,
                        vec![(PickKind::Organization, org)],
                    )
                    .await,
                )
            }
        },
    );
    view! {
        <section aria-labelledby="token-heading" class="space-y-4 rounded-lg border border-slate-200 bg-white p-6 dark:border-slate-800 dark:bg-slate-900">
            <h2 id="token-heading" class="text-lg font-semibold">"Can this API token do this here?"</h2>
            <Form method="GET" action="" attr:class="grid gap-3 md:grid-cols-4" attr:data-testid="token-explorer-form">
                <label class="text-sm">"Token (id)"
                    <input name="token" type="text" value=move || param("token") class=input_class() required/></label>
                <Picker kind=PickKind::Organization name="token_org" label="Organization (name, code or id)" value=Signal::derive(move || param("token_org")) test_id="token-org"/>
                <Picker kind=PickKind::Permission name="token_permission" label="Permission (type:action)" value=Signal::derive(move || param("token_permission")) test_id="token-permission" placeholder="member:read"/>
                <div class="flex items-end">
                    <button type="submit" class="w-full rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">"Ask"</button>
                </div>
            </Form>
            <Transition fallback=|| view! { <p class="text-sm text-slate-500 dark:text-slate-400">"Deciding…"</p> }>
                {move || Suspend::new(async move {
                    match answer.await {
                        None => ().into_any(),
                        Some(Asked { answer: Ok(item), .. }) => view! { <TokenAnswer item/> }.into_any(),
                        Some(Asked { answer: Err(error), choices }) => view! { <QuestionError error choices keys=&["token_org"]/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TokenAnswer(item: TokenAnswerItem) -> impl IntoView {
    let (verdict, class) = if item.allowed {
        ("Allowed", "rounded-md bg-emerald-700 px-3 py-1 text-sm font-semibold text-white")
    } else {
        ("Denied", "rounded-md bg-red-600 px-3 py-1 text-sm font-semibold text-white")
    };
    let check = |ok: bool| if ok { "yes" } else { "no" };
    view! {
        <div class="space-y-3" data-testid="token-answer">
            <p class="flex flex-wrap items-center gap-3">
                <span class=class data-testid="token-verdict">{verdict}</span>
                <span class="text-sm">{format!("Token \"{}\" ({}…)", item.token_name, item.prefix)}</span>
            </p>
            <p class="text-sm" data-testid="token-summary">{item.summary.clone()}</p>
            <dl class="grid grid-cols-2 gap-1 text-sm md:grid-cols-4">
                <dt class="text-slate-500 dark:text-slate-400">"Still works"</dt><dd>{check(item.usable)}</dd>
                <dt class="text-slate-500 dark:text-slate-400">"Restriction covers the permission"</dt><dd data-testid="token-permits">{check(item.restriction_permits)}</dd>
                <dt class="text-slate-500 dark:text-slate-400">"Restriction reaches this organization"</dt><dd>{check(item.restriction_reaches)}</dd>
                <dt class="text-slate-500 dark:text-slate-400">"Its creator may"</dt><dd>{check(item.creator.allowed)}</dd>
            </dl>
            <h3 class="text-sm font-semibold">"Its creator's answer"</h3>
            <Answer item=item.creator/>
        </div>
    }
}
