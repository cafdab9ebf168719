//! `/orgs/:id/sso`: everything about an organization's single sign-on on one page. Test
//! connection and the test bench are GET forms: their answers live in the URL, so the page
//! works the same without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    SECTION,
    configuration_form::ConfigurationForm,
    mapping::{RoleGroupsTable, UnmappedGroups},
    test_bench::{BenchQuery, TestBench},
};
use crate::ui::{
    components::{
        copy_button::CopyButton,
        layout::LoadError,
        list_page::{DoneBanner, ListHeader},
    },
    error::UiError,
    model::{ConnectionReportView, SsoSetupView, TestBenchView},
    pages::audit::history_link::HistoryLink,
    server_fns::sso::{preview_sso, sso_setup, test_sso_connection},
};

/// Test connection's report, when the address asks for one.
type ConnectionReport = Resource<Option<Result<ConnectionReportView, UiError>>>;
/// The test bench's answer, when the address asks for one.
pub(super) type BenchAnswer = Resource<Option<Result<TestBenchView, UiError>>>;

#[component]
pub fn SsoSetupPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let org_id = move || params.read().get("id").unwrap_or_default();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    let setup = Resource::new(move || (org_id(), get("done")), |(org, _)| sso_setup(org));
    // The connection test's report and the bench's answer are made here, not inside the
    // suspense below: made there, a resource does not get the id the server gave it, and the
    // page asked for it again once hydrated.
    let report = Resource::new(
        move || (org_id(), get("test"), get("test_issuer")),
        |(org, test, issuer)| async move {
            if test.is_empty() { None } else { Some(test_sso_connection(org, issuer).await) }
        },
    );
    let bench_answer = Resource::new(
        move || (org_id(), BenchQuery::from_query(&query.read())),
        |(org, bench)| async move {
            if !bench.asked {
                return None;
            }
            let (ids, typed): (Vec<String>, Vec<String>) = bench.draft.into_iter().unzip();
            Some(preview_sso(org, bench.groups, bench.claims, bench.user, Some(ids), Some(typed)).await)
        },
    );
    view! {
        <div class="max-w-5xl space-y-6">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match setup.await {
                        Ok(setup) => view! { <Setup setup done=get("done") test_issuer=get("test_issuer") testing=!get("test").is_empty() report bench_answer/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Setup(
    setup: SsoSetupView,
    done: String,
    test_issuer: String,
    testing: bool,
    report: ConnectionReport,
    bench_answer: BenchAnswer,
) -> impl IntoView {
    let query = use_query_map();
    let bench = BenchQuery::from_query(&query.read_untracked());
    let org_id = setup.org_id.clone();
    let history = setup.may_read_history.then(|| org_id.clone());
    view! {
        <ListHeader title="Single sign-on" org=Some((setup.org_id.clone(), setup.org_name.clone()))/>
        {history.map(|id| view! { <HistoryLink org_id=id.clone() target_type="sso_configuration" target_id=id/> })}
        <p class="text-sm text-slate-600 dark:text-slate-400">
            "People of this organization sign in with its OpenID Connect provider; the groups it sends become roles here. \
             Try a mapping on the test bench before anyone signs in."
        </p>
        <DoneBanner done test_id="sso-done"/>
        <section class=SECTION aria-labelledby="sso-callback-heading">
            <h2 id="sso-callback-heading" class="text-lg font-semibold">"Callback address"</h2>
            <p class="text-sm">"Register this redirect URI at your provider for Warden's client."</p>
            <div class="flex items-center gap-2">
                <code class="rounded bg-slate-100 px-2 py-1 text-sm dark:bg-slate-800" data-testid="sso-redirect-uri">{setup.redirect_uri.clone()}</code>
                <CopyButton value=setup.redirect_uri.clone() what="the callback address" test_id="copy-redirect-uri"/>
            </div>
        </section>
        <ConfigurationForm setup=setup.clone()/>
        <ConnectionTest org_id=org_id.clone() saved=setup.configuration.as_ref().map(|c| c.issuer.clone()).unwrap_or_default()
            issuer=test_issuer testing report may=setup.may_update/>
        <RoleGroupsTable setup=setup.clone()/>
        <UnmappedGroups setup=setup.clone()/>
        <TestBench setup bench answer=bench_answer/>
    }
}

/// Test connection: a GET form, whose report this page shows when the URL asks for it.
#[component]
fn ConnectionTest(
    org_id: String,
    saved: String,
    issuer: String,
    testing: bool,
    report: ConnectionReport,
    may: bool,
) -> impl IntoView {
    let tried = if issuer.is_empty() { saved.clone() } else { issuer };
    let report = testing.then_some(report);
    may.then(|| view! {
        <section class=SECTION aria-labelledby="sso-test-heading">
            <h2 id="sso-test-heading" class="text-lg font-semibold">"Test connection"</h2>
            <form method="get" action=format!("/orgs/{org_id}/sso") class="flex items-end gap-2" data-testid="sso-test-form">
                <input type="hidden" name="test" value="1"/>
                <div class="flex-1 space-y-1">
                    <label for="test-issuer" class="block text-sm font-medium">"Issuer URL to test"</label>
                    <input id="test-issuer" name="test_issuer" value=tried class=super::INPUT/>
                </div>
                <button type="submit" class=super::BUTTON data-testid="sso-test">"Test connection"</button>
            </form>
            {report.map(|report| view! {
                <Transition fallback=|| view! { <p>"Testing…"</p> }>
                    {move || Suspend::new(async move {
                        match report.await {
                            None => ().into_any(),
                            Some(Ok(report)) => view! {
                                <div role="status" data-testid="sso-test-report" data-ok=report.ok.to_string() class="space-y-1 text-sm">
                                    <p class="font-semibold">{if report.ok { "The provider is ready for Warden." } else { "The provider is not ready:" }}</p>
                                    <ul class="space-y-1">
                                        {report.checks.into_iter().map(|c| view! {
                                            <li data-check=c.check.clone() class=if c.ok { "text-emerald-700 dark:text-emerald-300" } else { "text-red-700 dark:text-red-300" }>
                                                {if c.ok { "✓ " } else { "✗ " }}{c.message}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                </div>
                            }.into_any(),
                            Some(Err(error)) => view! { <LoadError error/> }.into_any(),
                        }
                    })}
                </Transition>
            })}
        </section>
    })
}
