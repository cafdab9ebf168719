//! `/explorer`: the access explorer. "Can this user do this here?" answered by the decision
//! function with the whole way to the answer: the organizations from the root down with
//! their access flags (and the one that stopped access, if one did), the membership, role,
//! policy and statement that decided, and for a denial what change would grant it. And "who
//! can do this here?", each with why, "where can this user do anything?", and "can this API
//! token do this here?" (`token`). All are plain GET forms: they work without JavaScript and
//! their answers can be linked to.

mod token;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};
use serde::{Deserialize, Serialize};

use crate::ui::components::list_page::tab_title;
use crate::ui::{
    components::{
        layout::LoadError,
        list_page::PageLinks,
        picker::{PickLinks, Picker, choices_for},
    },
    error::{UiError, UiErrorKind},
    model::{AccessAnswerItem, ChainStepItem, OrganizationPermissionsPage, PickItem, PickKind, WhoCanItem},
    server_fns::explorer::{effective_permissions, explain_access, who_can},
    url,
};

pub(super) fn input_class() -> &'static str {
    "w-full rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"
}

#[component]
pub fn ExplorerPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let question = move || (param("user"), param("org"), param("permission"));
    let answer = Resource::new(question, |(user, org, permission)| async move {
        if user.trim().is_empty() || org.trim().is_empty() || permission.trim().is_empty() {
            None
        } else {
            let answer = explain_access(org.clone(), user.clone(), permission).await;
            Some(with_choices(answer, vec![(PickKind::User, user), (PickKind::Organization, org)]).await)
        }
    });
    let who = Resource::new(
        move || (param("who_org"), param("who_permission"), param("who_cursor")),
        |(org, permission, cursor)| async move {
            if org.trim().is_empty() || permission.trim().is_empty() {
                None
            } else {
                Some(
                    with_choices(who_can(org.clone(), permission, cursor).await, vec![(PickKind::Organization, org)])
                        .await,
                )
            }
        },
    );
    let reach = Resource::new(
        move || (param("where_user"), param("where_cursor")),
        |(user, cursor)| async move {
            if user.trim().is_empty() {
                None
            } else {
                Some(
                    with_choices(effective_permissions(user.clone(), cursor).await, vec![(PickKind::User, user)]).await,
                )
            }
        },
    );
    view! {
        <div class="max-w-4xl space-y-8">
            <header>
                <Title text=tab_title(&["Access explorer"])/>
                <h1 class="text-2xl font-semibold">"Access explorer"</h1>
                <p class="text-sm text-slate-600 dark:text-slate-400">"Why someone can or cannot do something, straight from the decision that Warden makes."</p>
            </header>
            <section aria-labelledby="can-heading" class="space-y-4 rounded-lg border border-slate-200 bg-white p-6 dark:border-slate-800 dark:bg-slate-900">
                <h2 id="can-heading" class="text-lg font-semibold">"Can this user do this here?"</h2>
                <Form method="GET" action="" attr:class="grid gap-3 md:grid-cols-4" attr:data-testid="explorer-form">
                    <Picker kind=PickKind::User name="user" label="User (name or email)" value=Signal::derive(move || param("user")) test_id="explorer-user"/>
                    <Picker kind=PickKind::Organization name="org" label="Organization (name, code or id)" value=Signal::derive(move || param("org")) test_id="explorer-org"/>
                    <Picker kind=PickKind::Permission name="permission" label="Permission (type:action)" value=Signal::derive(move || param("permission")) test_id="explorer-permission" placeholder="org:update"/>
                    <div class="flex items-end">
                        <button type="submit" class="w-full rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">"Ask"</button>
                    </div>
                </Form>
                <Transition fallback=|| view! { <p class="text-sm text-slate-500 dark:text-slate-400">"Deciding…"</p> }>
                    {move || Suspend::new(async move {
                        match answer.await {
                            None => ().into_any(),
                            Some(Asked { answer: Ok(item), .. }) => view! { <Answer item/> }.into_any(),
                            Some(Asked { answer: Err(error), choices }) => view! { <QuestionError error choices keys=&["user", "org"]/> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
            <token::TokenQuestion/>
            <section aria-labelledby="who-heading" class="space-y-4 rounded-lg border border-slate-200 bg-white p-6 dark:border-slate-800 dark:bg-slate-900">
                <h2 id="who-heading" class="text-lg font-semibold">"Who can do this here?"</h2>
                <Form method="GET" action="" attr:class="grid gap-3 md:grid-cols-3">
                    <Picker kind=PickKind::Organization name="who_org" label="Organization (name, code or id)" value=Signal::derive(move || param("who_org")) test_id="who-org"/>
                    <Picker kind=PickKind::Permission name="who_permission" label="Permission (type:action)" value=Signal::derive(move || param("who_permission")) test_id="who-permission" placeholder="member:assign"/>
                    <div class="flex items-end">
                        <button type="submit" class="w-full rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">"List"</button>
                    </div>
                </Form>
                <Transition fallback=|| view! { <p class="text-sm text-slate-500 dark:text-slate-400">"Deciding…"</p> }>
                    {move || Suspend::new(async move {
                        match who.await {
                            None => ().into_any(),
                            Some(Asked { answer: Ok(item), .. }) => view! { <WhoCanList item base=explorer_base(&query.read(), "who_cursor") paged=!param("who_cursor").is_empty()/> }.into_any(),
                            Some(Asked { answer: Err(error), choices }) => view! { <QuestionError error choices keys=&["who_org"]/> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
            <section aria-labelledby="where-heading" class="space-y-4 rounded-lg border border-slate-200 bg-white p-6 dark:border-slate-800 dark:bg-slate-900">
                <h2 id="where-heading" class="text-lg font-semibold">"Where can this user do anything?"</h2>
                <Form method="GET" action="" attr:class="grid gap-3 md:grid-cols-3" attr:data-testid="where-form">
                    <div class="md:col-span-2">
                        <Picker kind=PickKind::User name="where_user" label="User (name or email)" value=Signal::derive(move || param("where_user")) test_id="where-user"/>
                    </div>
                    <div class="flex items-end">
                        <button type="submit" class="w-full rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">"Show"</button>
                    </div>
                </Form>
                <Transition fallback=|| view! { <p class="text-sm text-slate-500 dark:text-slate-400">"Deciding…"</p> }>
                    {move || Suspend::new(async move {
                        match reach.await {
                            None => ().into_any(),
                            Some(Asked { answer: Ok(page), .. }) => view! { <WhereList page base=explorer_base(&query.read(), "where_cursor") paged=!param("where_cursor").is_empty()/> }.into_any(),
                            Some(Asked { answer: Err(error), choices }) => view! { <QuestionError error choices keys=&["where_user"]/> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </div>
    }
}

/// Each organization where the user holds anything, with the permissions there. `base`:
/// [`explorer_base`]; the first page is linked when `paged` (on a later page).
#[component]
fn WhereList(page: OrganizationPermissionsPage, base: String, paged: bool) -> impl IntoView {
    let next = page.next_cursor.as_deref().map(|cursor| format!("{base}{}", url::encode(cursor)));
    let orgs = page.orgs;
    let empty = orgs.is_empty() && next.is_none();
    view! {
        {empty.then(|| view! { <p class="text-sm">"Nowhere: this user holds no permission in any organization you can see."</p> })}
        <ul class="divide-y divide-slate-200 text-sm dark:divide-slate-800" data-testid="where-list">
            {orgs.into_iter().map(|org| view! {
                <li class="py-2" data-testid="where-org" data-org=org.org_id.clone()>
                    <a href=format!("/orgs/{}", org.org_id) class="font-medium text-indigo-700 hover:underline dark:text-indigo-300">{org.org_name}</a>
                    <span class="mt-1 flex flex-wrap gap-1">
                        {org.permissions.into_iter().map(|p| view! {
                            <span class="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:bg-slate-800">{p}</span>
                        }).collect_view()}
                    </span>
                </li>
            }).collect_view()}
        </ul>
        <PageLinks first=paged.then_some(base) next/>
    }
}

#[component]
pub(super) fn Answer(item: AccessAnswerItem) -> impl IntoView {
    let (verdict, class) = if item.allowed {
        ("Allowed", "rounded-md bg-emerald-700 px-3 py-1 text-sm font-semibold text-white")
    } else {
        ("Denied", "rounded-md bg-red-600 px-3 py-1 text-sm font-semibold text-white")
    };
    view! {
        <div class="space-y-4" data-testid="explorer-answer">
            <p class="flex flex-wrap items-center gap-3">
                <span class=class data-testid="explorer-verdict">{verdict}</span>
                <span class="font-mono text-sm">{item.permission.clone()}</span>
                <span class="text-sm text-slate-600 dark:text-slate-400">{format!("for {} in {}", item.user_email, item.org_name)}</span>
            </p>
            <p data-testid="explorer-summary">{item.summary.clone()}</p>
            <div>
                <h3 class="text-sm font-semibold">"The way down the tree"</h3>
                <ol class="mt-2 space-y-2" data-testid="explorer-chain">
                    {item.chain.into_iter().map(|step| view! { <Step step/> }).collect_view()}
                </ol>
            </div>
            {item.role.clone().map(|role| view! {
                <dl class="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-sm">
                    <dt class="text-slate-500 dark:text-slate-400">"Role"</dt><dd>{role}</dd>
                    <dt class="text-slate-500 dark:text-slate-400">"Policy"</dt><dd>{item.policy.clone().unwrap_or_default()}</dd>
                    <dt class="text-slate-500 dark:text-slate-400">"Statement"</dt><dd class="font-mono text-xs">{item.statement.clone().unwrap_or_default()}</dd>
                </dl>
            })}
            {item.fix.clone().map(|fix| view! {
                <p class="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100" data-testid="explorer-fix">
                    <span class="font-semibold">"What would change it: "</span>{fix}
                </p>
            })}
        </div>
    }
}

fn flag_text(name: &str, value: Option<bool>) -> String {
    match value {
        Some(true) => format!("{name}: on"),
        Some(false) => format!("{name}: off"),
        None => format!("{name}: hidden"),
    }
}

#[component]
fn Step(step: ChainStepItem) -> impl IntoView {
    let blocked = step.blocked_by.is_some();
    view! {
        <li class="rounded-md border border-slate-200 px-3 py-2 text-sm dark:border-slate-800"
            class:border-red-400=blocked data-testid="chain-step">
            <span class="font-medium">{step.name.clone()}</span>
            {step.member_here.then(|| view! { <span class="ml-2 rounded bg-slate-100 px-1.5 text-xs dark:bg-slate-800">"member here"</span> })}
            {step.decided_here.then(|| view! { <span class="ml-2 rounded bg-indigo-100 px-1.5 text-xs text-indigo-800 dark:bg-indigo-900 dark:text-indigo-100">"the deciding role is held here"</span> })}
            <span class="block text-xs text-slate-500 dark:text-slate-400">
                {flag_text("parent_has_access", step.parent_has_access)}", "
                {flag_text("parent_has_access_to_descendants", step.parent_has_access_to_descendants)}
            </span>
            {step.blocked_by.map(|flag| view! {
                <span class="mt-1 block text-xs font-semibold text-red-700 dark:text-red-400" data-testid="chain-blocked">
                    {format!("Access from above stops here: {flag} is off")}
                </span>
            })}
        </li>
    }
}

/// A question's answer and, when something typed was not found (a name where an email or an
/// id was wanted), what each of its picker fields could have meant, fetched with it.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct Asked<T> {
    answer: Result<T, UiError>,
    choices: Vec<(PickKind, String, Vec<PickItem>)>,
}

/// `answer`, with the choices for `fields` (a kind and what was typed) when it was not found.
pub(super) async fn with_choices<T>(answer: Result<T, UiError>, fields: Vec<(PickKind, String)>) -> Asked<T> {
    let mut choices = Vec::new();
    if matches!(&answer, Err(error) if error.kind == UiErrorKind::NotFound) {
        for (kind, term) in fields {
            let items = choices_for(kind, String::new(), term.clone()).await;
            choices.push((kind, term, items));
        }
    }
    Asked { answer, choices }
}

/// A question's error and the links to what was meant: `keys` are its pickers' query keys, in
/// the order of the choices.
#[component]
fn QuestionError(
    error: UiError,
    choices: Vec<(PickKind, String, Vec<PickItem>)>,
    keys: &'static [&'static str],
) -> impl IntoView {
    let query = use_query_map();
    view! {
        <LoadError error/>
        {choices.into_iter().zip(keys).map(|((kind, term, items), &key)| {
            view! { <PickLinks kind term items href=move |value: &str| explorer_with(&query.read_untracked(), key, value)/> }
        }).collect_view()}
    }
}

/// Every question the explorer's address can hold, and the page of each paged answer.
const QUESTION_KEYS: [&str; 9] =
    ["user", "org", "permission", "token", "token_org", "token_permission", "who_org", "who_permission", "where_user"];
const PAGE_KEYS: [&str; 2] = ["who_cursor", "where_cursor"];

/// The explorer's address with every question as asked, `key` set to `value` (a choice
/// offered by [`PickLinks`]), and no page cursor.
fn explorer_with(query: &leptos_router::params::ParamsMap, key: &str, value: &str) -> String {
    let pairs: Vec<String> = QUESTION_KEYS
        .into_iter()
        .map(|name| {
            let asked = if name == key { value.to_owned() } else { query.get(name).unwrap_or_default() };
            format!("{name}={}", url::encode(&asked))
        })
        .collect();
    format!("/explorer?{}", pairs.join("&"))
}

/// The explorer's address with the same questions, ready for `cursor_key` (`who_cursor` or
/// `where_cursor`: the page of that answer to show); the other answer keeps its page.
fn explorer_base(query: &leptos_router::params::ParamsMap, cursor_key: &str) -> String {
    let mut href = "/explorer?".to_owned();
    for key in QUESTION_KEYS.into_iter().chain(PAGE_KEYS).filter(|key| *key != cursor_key) {
        href.push_str(&format!("{key}={}&", url::encode(&query.get(key).unwrap_or_default())));
    }
    href.push_str(cursor_key);
    href.push('=');
    href
}

/// `base`: [`explorer_base`]; the first page is linked when `paged` (on a later page).
#[component]
fn WhoCanList(item: WhoCanItem, base: String, paged: bool) -> impl IntoView {
    let next = item.next_cursor.as_deref().map(|cursor| format!("{base}{}", url::encode(cursor)));
    view! {
        <p class="text-sm" data-testid="who-can-total">{format!("{} user(s) can.", item.total)}</p>
        <ul class="divide-y divide-slate-200 text-sm dark:divide-slate-800" data-testid="who-can-list">
            {item.users.into_iter().map(|u| view! {
                <li class="py-2">
                    <span class="font-medium">{u.full_name}</span>" "<span class="text-slate-500 dark:text-slate-400">{u.email}</span>
                    <span class="block text-xs text-slate-600 dark:text-slate-400">{u.reason}</span>
                </li>
            }).collect_view()}
            {item.hidden.into_iter().map(|h| view! {
                <li class="py-2 text-slate-600 dark:text-slate-400" data-testid="who-can-hidden">{h.line}</li>
            }).collect_view()}
        </ul>
        <PageLinks first=paged.then_some(base) next/>
    }
}
