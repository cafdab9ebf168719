//! The test bench: paste groups or an ID token's claims, or name someone who signed in with
//! SSO, and see which roles and permissions they would get here, with the saved mapping and
//! with edited group names, before anything is saved. A GET form: the answer lives in the URL.

use leptos::prelude::*;
use leptos_router::params::ParamsMap;

use super::{BUTTON, INPUT, SECTION, setup::BenchAnswer};
use crate::ui::{
    components::{layout::LoadError, picker::Picker},
    model::{PickKind, PreviewView, SsoSetupView},
};

/// What the bench was asked, as in the URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BenchQuery {
    pub asked: bool,
    pub groups: String,
    pub claims: String,
    pub user: String,
    /// Role ids with their group names as typed on the bench.
    pub draft: Vec<(String, String)>,
}

impl BenchQuery {
    pub fn from_query(query: &ParamsMap) -> Self {
        let get = |key: &str| query.get(key).unwrap_or_default();
        let ids = query.get_all("draft_role_ids").unwrap_or_default();
        let typed = query.get_all("draft_groups").unwrap_or_default();
        Self {
            asked: !get("bench").is_empty(),
            groups: get("groups"),
            claims: get("claims"),
            user: get("user"),
            draft: ids.into_iter().zip(typed).collect(),
        }
    }
}

#[component]
pub fn TestBench(setup: SsoSetupView, bench: BenchQuery, answer: BenchAnswer) -> impl IntoView {
    let answer = bench.asked.then_some(answer);
    let typed_groups = |role_id: &str, saved: &[String]| {
        bench.draft.iter().find(|(id, _)| id == role_id).map(|(_, t)| t.clone()).unwrap_or_else(|| saved.join(", "))
    };
    // The role named in the "another role" row, with the groups tried on it.
    let (other_role, other_groups) = bench
        .draft
        .iter()
        .find(|(role, _)| !setup.roles.iter().any(|r| r.role_id == *role))
        .cloned()
        .unwrap_or_default();
    view! {
        <section class=SECTION aria-labelledby="sso-bench-heading">
            <h2 id="sso-bench-heading" class="text-lg font-semibold">"Test bench"</h2>
            <p class="text-sm text-slate-600 dark:text-slate-400">
                "What would someone get here? Give their groups, paste their ID token's claims, or name a person who signed in with SSO \
                 (their last groups, compared with the roles they hold now). Change group names below to try a mapping before saving it."
            </p>
            <form method="get" action=format!("/orgs/{}/sso", setup.org_id) class="space-y-4" data-testid="sso-bench-form">
                <input type="hidden" name="bench" value="1"/>
                <div class="grid gap-4 sm:grid-cols-3">
                    <div class="space-y-1">
                        <label for="bench-groups" class="block text-sm font-medium">"Groups"</label>
                        <textarea id="bench-groups" name="groups" rows="3" class=INPUT placeholder="engineering, sre">{bench.groups.clone()}</textarea>
                    </div>
                    <div class="space-y-1">
                        <label for="bench-claims" class="block text-sm font-medium">"or ID token claims (JSON)"</label>
                        <textarea id="bench-claims" name="claims" rows="3" class=INPUT placeholder="{\"groups\": [\"engineering\"]}">{bench.claims.clone()}</textarea>
                    </div>
                    <Picker kind=PickKind::User name="user" label="or a person (email; type part of a name to find it)" value=bench.user.clone()
                        test_id="bench-user" required=false/>
                </div>
                <details open=!bench.draft.is_empty()>
                    <summary class="cursor-pointer text-sm font-medium">"Try other group names"</summary>
                    <div class="mt-2 grid gap-2 sm:grid-cols-2">
                        {setup.roles.iter().map(|role| view! {
                            <div class="space-y-1">
                                <input type="hidden" name="draft_role_ids" value=role.role_id.clone()/>
                                <label for=format!("draft-{}", role.role_id) class="block text-sm">{role.name.clone()}</label>
                                <input id=format!("draft-{}", role.role_id) name="draft_groups" value=typed_groups(&role.role_id, &role.groups)
                                    class=INPUT data-testid="sso-bench-draft" data-role=role.name.clone()/>
                            </div>
                        }).collect_view()}
                        <Picker kind=PickKind::Role scope=setup.org_id.clone() name="draft_role_ids" id="draft-another-role"
                            label="Another role" value=other_role test_id="sso-bench-another-role" required=false/>
                        <div class="space-y-1">
                            <label for="draft-another-groups" class="block text-sm">"Its groups"</label>
                            <input id="draft-another-groups" name="draft_groups" value=other_groups class=INPUT
                                data-testid="sso-bench-another-groups"/>
                        </div>
                    </div>
                </details>
                <button type="submit" class=BUTTON data-testid="sso-bench-try">"Try"</button>
            </form>
            {answer.map(|answer| view! {
                <Transition fallback=|| view! { <p>"Working it out…"</p> }>
                    {move || Suspend::new(async move {
                        match answer.await {
                            None => ().into_any(),
                            Some(Ok(view_)) => view! {
                                <div role="status" class="grid gap-4 sm:grid-cols-2" data-testid="sso-bench-answer">
                                    <Outcome title="With the saved mapping" preview=view_.saved compared_with=view_.compared_with.clone() test_id="sso-bench-saved"/>
                                    {view_.draft.map(|draft| view! {
                                        <Outcome title="With the group names tried" preview=draft compared_with=view_.compared_with.clone() test_id="sso-bench-draft-answer"/>
                                    })}
                                </div>
                            }.into_any(),
                            Some(Err(error)) => view! { <LoadError error/> }.into_any(),
                        }
                    })}
                </Transition>
            })}
        </section>
    }
}

#[component]
fn Outcome(
    title: &'static str,
    preview: PreviewView,
    compared_with: Option<String>,
    test_id: &'static str,
) -> impl IntoView {
    let list = |items: Vec<String>| if items.is_empty() { "none".to_owned() } else { items.join(", ") };
    view! {
        <div class="space-y-2 rounded-md border border-slate-200 p-4 text-sm dark:border-slate-800" data-testid=test_id>
            <h3 class="font-semibold">{title}</h3>
            <p>"Groups: "{list(preview.groups)}</p>
            <p>"Roles given: "
                <span data-testid="sso-bench-roles">
                    {list(preview.derived.into_iter().map(|(role, why)| format!("{role} ({why})")).collect())}
                </span>
            </p>
            <p>"Groups that give nothing: "<span data-testid="sso-bench-unmapped">{list(preview.unmapped_groups)}</span></p>
            <p>"Would hold: "<span data-testid="sso-bench-resulting">{list(preview.resulting_roles)}</span></p>
            {compared_with.map(|who| view! {
                <p>{format!("Compared with what {who} holds now: added ")}{list(preview.added.clone())}", removed "{list(preview.removed.clone())}</p>
            })}
            <details>
                <summary class="cursor-pointer">{format!("{} permissions here and below", preview.permissions.len())}</summary>
                <ul class="mt-1 font-mono text-xs">{preview.permissions.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
            </details>
        </div>
    }
}
