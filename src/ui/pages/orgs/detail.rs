//! `/orgs/:id`: one organization. Breadcrumbs, its settings (editable when allowed), creating
//! a child, moving it (to a new parent picked as you type; invalid targets are never offered), and
//! deleting it with its subtree after typing its name, and its API token policy. Only
//! permitted actions are shown.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::Form,
    hooks::{use_params_map, use_query_map},
};

use crate::ui::components::copy_button::CopyableValue;
use crate::ui::components::list_page::tab_title;
use crate::{
    domain::orgs::rules,
    ui::{
        components::{
            form::{FormError, PendingButton, SubmitButton, TextField, action_error},
            impact_panel::{ImpactSubject, ImpactSummary},
            layout::LoadError,
            picker::{PickLinks, Picker, choices_for},
        },
        error::{UiError, UiErrorKind},
        model::{
            DeletionImpactItem, FlagPreviewItem, MovePreviewItem, OrganizationDetail, PickItem, PickKind,
            TokenPolicyItem,
        },
        pages::audit::history_link::HistoryLink,
        server_fns::{
            orgs::{
                CreateChildOrganization, DeleteOrganization, MoveOrganization, UpdateOrganization,
                load_organization_detail, preview_move,
            },
            tokens::SaveTokenPolicy,
        },
        typed::typed_values,
        url,
    },
};

const FLAG_CAN_HAVE_CHILDREN: &str = "Child organizations can be created under this one.";
const FLAG_PARENT_HAS_ACCESS: &str =
    "Admins of the parent organization can see and manage what is inside this one; when off, only its own admins can.";
const FLAG_PARENT_HAS_ACCESS_TO_DESCENDANTS: &str =
    "Roles held above this organization also reach the organizations below it; when off, they stop here.";

/// Where the settings, new-suborganization and token policy forms post, whose failures refill
/// them.
const UPDATE_PATH: &str = <UpdateOrganization as leptos::server_fn::ServerFn>::PATH;
const CREATE_CHILD_PATH: &str = <CreateChildOrganization as leptos::server_fn::ServerFn>::PATH;
const TOKEN_POLICY_PATH: &str = <SaveTokenPolicy as leptos::server_fn::ServerFn>::PATH;

#[component]
pub fn OrganizationPage() -> impl IntoView {
    let params = use_params_map();
    let org_id = move || params.read().get("id").unwrap_or_default();
    let update = ServerAction::<UpdateOrganization>::new();
    // A move changes the path shown here: the page reloads after one as after a settings change.
    let move_action = ServerAction::<MoveOrganization>::new();
    let detail = Resource::new(
        move || (org_id(), update.version().get(), move_action.version().get()),
        |(id, _, _)| load_organization_detail(id),
    );
    // Made here, not inside the suspense below: a resource made there does not always get the
    // id the server gave it, and hydration then fails.
    let query = use_query_map();
    let move_preview = Resource::new(
        move || (org_id(), query.read().get("move_to").unwrap_or_default()),
        |(org, target)| async move { if target.is_empty() { None } else { Some(preview_with_choices(org, target).await) } },
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(org) => view! { <OrganizationView org update move_action move_preview/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OrganizationView(
    org: OrganizationDetail,
    update: ServerAction<UpdateOrganization>,
    move_action: ServerAction<MoveOrganization>,
    move_preview: MovePreviewResource,
) -> impl IntoView {
    let crumbs = org.path.clone();
    view! {
        <div class="max-w-3xl space-y-8">
            <nav aria-label="Breadcrumb" data-testid="breadcrumbs" class="text-sm text-slate-500 dark:text-slate-400">
                <a href="/orgs" class="hover:underline">"Organizations"</a>
                {crumbs.into_iter().map(|c| view! { " / " <a href=format!("/orgs/{}", c.id) class="hover:underline">{c.name}</a> }).collect_view()}
            </nav>
            <header>
                <Title text=tab_title(&[&org.name])/>
                <h1 class="text-2xl font-semibold" data-testid="org-name">{org.name.clone()}</h1>
                <div class="mt-1 flex flex-wrap gap-x-6 gap-y-1">
                    <CopyableValue label="Organization id" value=org.id.clone() test_id="org-id"/>
                    {org.code.clone().map(|code| view! { <CopyableValue label="Code" value=code test_id="org-code"/> })}
                </div>
                {org.full_access.then(|| {
                    let mut sections = vec![("policies", "Policies"), ("members", "Members"), ("groups", "Groups"), ("roles", "Roles")];
                    if org.may_read_tokens {
                        sections.push(("tokens", "API tokens"));
                    }
                    if org.may_read_sso {
                        sections.push(("sso", "Single sign-on"));
                    }
                    if org.may_read_audit {
                        sections.push(("audit", "Audit log"));
                    }
                    let history = org.may_read_audit.then(|| org.id.clone());
                    view! {
                        <nav aria-label="This organization" class="mt-2 flex gap-4 text-sm font-medium">
                            {sections.into_iter().map(|(path, label)| view! {
                                <a href=format!("/orgs/{}/{path}", org.id) data-testid=format!("org-{path}-link")
                                    class="text-indigo-700 underline dark:text-indigo-300">{label}</a>
                            }).collect_view()}
                            {history.map(|id| view! { <HistoryLink org_id=id.clone() target_type="organization" target_id=id/> })}
                        </nav>
                    }
                })}
            </header>
            <Show when={let full = org.full_access; move || !full}>
                <div role="note" class="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
                    "You see this organization through its parent. It does not give its parent access, so its settings and contents are private to its own admins."
                </div>
            </Show>
            {org.full_access.then(|| view! { <SettingsSection org=org.clone() update/> })}
            {org.token_policy.map(|policy| view! { <TokenPolicySection org_id=org.id.clone() policy editable=org.may_update/> })}
            {org.may_create_child.then(|| view! { <CreateChildSection parent_id=org.id.clone()/> })}
            {org.may_move.then(|| view! { <MoveSection org_id=org.id.clone() move_action move_preview/> })}
            {org.may_delete.then(|| view! { <DeleteSection org_id=org.id.clone() name=org.name.clone() impact=org.deletion_impact.clone()/> })}
        </div>
    }
}

fn section_class() -> &'static str {
    "space-y-4 rounded-lg border border-slate-200 bg-white p-6 dark:border-slate-800 dark:bg-slate-900"
}

#[component]
fn FlagField(
    name: &'static str,
    label: &'static str,
    explanation: &'static str,
    checked: bool,
    disabled: bool,
    #[prop(optional_no_strip)] preview: Option<FlagPreviewItem>,
) -> impl IntoView {
    let id = format!("flag-{name}");
    view! {
        <div class="flex items-start gap-3">
            <input id=id.clone() type="checkbox" name=name checked=checked disabled=disabled class="mt-1 h-4 w-4"/>
            <div class="text-sm">
                <label for=id>
                    <span class="font-medium">{label}</span>
                    <span class="block text-slate-600 dark:text-slate-400">{explanation}</span>
                </label>
                {preview.map(|p| view! { <FlagPreview preview=p/> })}
            </div>
        </div>
    }
}

/// What flipping the flag would do, before anything is saved.
#[component]
fn FlagPreview(preview: FlagPreviewItem) -> impl IntoView {
    let verb = if preview.turning_on { "Turning this on" } else { "Turning this off" };
    let refused = !preview.refused.is_empty();
    view! {
        <div class="mt-2 space-y-1 rounded-md border border-slate-200 p-2 dark:border-slate-800" data-testid=format!("flag-preview-{}", preview.flag)>
            <p class="font-medium">{verb}" would:"</p>
            <ImpactSummary item=preview.impact subject=ImpactSubject::Reach/>
            {refused.then(|| view! {
                <p class="text-red-700 dark:text-red-400" data-testid="flag-refused">
                    {format!("…and is refused for you: it would move {} here, which you do not hold.", preview.refused.join(", "))}
                </p>
            })}
        </div>
    }
}

#[component]
fn SettingsSection(org: OrganizationDetail, update: ServerAction<UpdateOrganization>) -> impl IntoView {
    let error = action_error(update);
    let saved = move || matches!(update.value().get(), Some(Ok(_)));
    let editable = org.may_update;
    let previews = org.flag_previews.clone();
    let preview_of = move |flag: &str| previews.iter().find(|p| p.flag == flag).cloned();
    view! {
        <section aria-labelledby="settings-heading" class=section_class()>
            <h2 id="settings-heading" class="text-lg font-semibold">"Settings"</h2>
            <Show when=saved><p role="status" class="text-sm text-emerald-700 dark:text-emerald-300">"Saved."</p></Show>
            <ActionForm action=update attr:class="space-y-4">
                <input type="hidden" name="org_id" value=org.id.clone()/>
                <input type="hidden" name="version" value=org.version/>
                <FormError error/>
                <fieldset disabled=!editable class="space-y-4">
                    <TextField label="Name" name="name" value=org.name.clone() check=rules::name_problem error refill_from=UPDATE_PATH/>
                    <TextField label="Code (optional)" name="code" value=org.code.clone().unwrap_or_default() required=false check=rules::code_problem error refill_from=UPDATE_PATH/>
                    <TextField label="Contact email" name="contact_email" input_type="email" value=org.contact_email.clone() check=rules::required_email_problem error refill_from=UPDATE_PATH/>
                    <TextField label="Updates email (optional)" name="updates_email" input_type="email" value=org.updates_email.clone() required=false check=rules::optional_email_problem error refill_from=UPDATE_PATH/>
                    <TextField label="Logo URL (optional)" name="logo_url" input_type="url" value=org.logo_url.clone() required=false check=rules::logo_url_problem error refill_from=UPDATE_PATH/>
                    <FlagField name="can_have_child_organizations" label="Can have child organizations"
                        explanation=FLAG_CAN_HAVE_CHILDREN checked=org.can_have_child_organizations disabled=!editable/>
                    <FlagField name="parent_has_access" label="Parent has access"
                        explanation=FLAG_PARENT_HAS_ACCESS checked=org.parent_has_access disabled={!editable || org.is_root}
                        preview=preview_of("parent_has_access")/>
                    <FlagField name="parent_has_access_to_descendants" label="Parent has access to descendants"
                        explanation=FLAG_PARENT_HAS_ACCESS_TO_DESCENDANTS checked=org.parent_has_access_to_descendants disabled={!editable || org.is_root}
                        preview=preview_of("parent_has_access_to_descendants")/>
                </fieldset>
                {editable.then(|| view! { <SubmitButton label="Save settings" pending=update.pending().into()/> })}
            </ActionForm>
        </section>
    }
}

/// The rules for the API tokens of this organization's members: the strictest of a user's
/// organizations applies to their tokens.
#[component]
fn TokenPolicySection(org_id: String, policy: TokenPolicyItem, editable: bool) -> impl IntoView {
    let save = ServerAction::<SaveTokenPolicy>::new();
    let error = action_error(save);
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    // After a failed post without JavaScript: as the admin left it.
    let allow_no_expiry =
        typed_values(TOKEN_POLICY_PATH, "allow_no_expiry").map_or(policy.allow_no_expiry, |v| !v.is_empty());
    view! {
        <section aria-labelledby="token-policy-heading" class=section_class() data-testid="token-policy">
            <h2 id="token-policy-heading" class="text-lg font-semibold">"API token policy"</h2>
            <p class="text-sm text-slate-600 dark:text-slate-400">
                "Applies to every member's tokens; a member of several organizations gets the strictest. Tokens made \
                 before a tighter policy show as exceeding it and stop working at its limit."
            </p>
            <Show when=saved><p role="status" class="text-sm text-emerald-700 dark:text-emerald-300" data-testid="token-policy-saved">"Saved."</p></Show>
            <ActionForm action=save attr:class="space-y-4">
                <input type="hidden" name="org_id" value=org_id/>
                <FormError error/>
                <fieldset disabled=!editable class="space-y-4">
                    <TextField label="Longest lifetime (days)" name="max_lifetime_days" value=policy.max_lifetime_days.to_string() error refill_from=TOKEN_POLICY_PATH/>
                    <label class="flex items-center gap-2 text-sm">
                        <input type="checkbox" name="allow_no_expiry" value="on" checked=allow_no_expiry/>
                        "Tokens may have no expiry"
                    </label>
                </fieldset>
                {editable.then(|| view! { <SubmitButton label="Save token policy" pending=save.pending().into()/> })}
            </ActionForm>
        </section>
    }
}

#[component]
fn CreateChildSection(parent_id: String) -> impl IntoView {
    let create = ServerAction::<CreateChildOrganization>::new();
    let error = action_error(create);
    view! {
        <section aria-labelledby="create-heading" class=section_class()>
            <h2 id="create-heading" class="text-lg font-semibold">"Create a child organization"</h2>
            <ActionForm action=create attr:class="space-y-4" attr:data-testid="create-child-form">
                <input type="hidden" name="parent_id" value=parent_id/>
                <FormError error/>
                <TextField label="Name" name="name" check=rules::name_problem error refill_from=CREATE_CHILD_PATH/>
                <TextField label="Code (optional)" name="code" required=false check=rules::code_problem error refill_from=CREATE_CHILD_PATH/>
                <TextField label="Contact email" name="contact_email" input_type="email" check=rules::required_email_problem error refill_from=CREATE_CHILD_PATH/>
                <FlagField name="can_have_child_organizations" label="Can have child organizations"
                    explanation=FLAG_CAN_HAVE_CHILDREN checked=true disabled=false/>
                <FlagField name="parent_has_access" label="Parent has access"
                    explanation=FLAG_PARENT_HAS_ACCESS checked=true disabled=false/>
                <FlagField name="parent_has_access_to_descendants" label="Parent has access to descendants"
                    explanation=FLAG_PARENT_HAS_ACCESS_TO_DESCENDANTS checked=true disabled=false/>
                <Picker kind=PickKind::User name="first_admin_email" label="First admin (name or email; required when the parent has no access)"
                    value=String::new() test_id="first-admin" required=false error=Some(error) refill_from=CREATE_CHILD_PATH/>
                <SubmitButton label="Create organization" pending=create.pending().into()/>
            </ActionForm>
        </section>
    }
}

#[component]
fn MoveSection(
    org_id: String,
    move_action: ServerAction<MoveOrganization>,
    move_preview: MovePreviewResource,
) -> impl IntoView {
    let query = use_query_map();
    let target = Memo::new(move |_| query.read().get("move_to").unwrap_or_default());
    let error = action_error(move_action);
    let scope = org_id.clone();
    view! {
        <section aria-labelledby="move-heading" class=section_class()>
            <h2 id="move-heading" class="text-lg font-semibold">"Move"</h2>
            <p class="text-sm text-slate-600 dark:text-slate-400">
                "Moves this organization, with everything below it, under another parent. Only organizations that can take it are offered."
            </p>
            <Form method="GET" action="" attr:class="flex items-start gap-2" attr:data-testid="move-form">
                <div class="flex-1">
                    <Picker kind=PickKind::NewParent scope name="move_to" label="New parent (name, code or id)"
                        value=Signal::derive(move || target.get()) test_id="move-search" submit_on_choose=true/>
                </div>
                <button type="submit" class="mt-5 rounded-md border border-slate-300 px-3 py-2 text-sm dark:border-slate-700">"Preview the move"</button>
            </Form>
            <FormError error/>
            {move || {
                let target = target.get();
                (!target.is_empty()).then(|| view! { <MoveConfirm org_id=org_id.clone() target move_action preview=move_preview/> })
            }}
        </section>
    }
}

/// What moving the organization under `move_to` would do, with the organizations a name could
/// mean when it names none; `None` without `move_to`.
type MovePreviewResource = Resource<Option<(Result<MovePreviewItem, UiError>, Vec<PickItem>)>>;

async fn preview_with_choices(org: String, target: String) -> (Result<MovePreviewItem, UiError>, Vec<PickItem>) {
    let preview = preview_move(org.clone(), target.clone()).await;
    let lost = matches!(&preview, Err(error) if error.kind == UiErrorKind::NotFound);
    let choices = if lost { choices_for(PickKind::NewParent, org, target).await } else { Vec::new() };
    (preview, choices)
}

/// The move's effect, before it is confirmed: what would reach in that the admin does not
/// hold (then the move is refused), and who would gain or lose what here. A target typed as a
/// name (without JavaScript) is answered with the organizations it could mean.
#[component]
fn MoveConfirm(
    org_id: String,
    target: String,
    move_action: ServerAction<MoveOrganization>,
    preview: MovePreviewResource,
) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="text-sm text-slate-500 dark:text-slate-400">"Working out what the move would change…"</p> }>
            {move || {
                let (org_id, target) = (org_id.clone(), target.clone());
                Suspend::new(async move {
                // `None` only without a target, when this is not shown.
                let Some(answer) = preview.await else { return ().into_any() };
                match answer {
                    (Ok(item), _) => view! { <MovePreview item move_action/> }.into_any(),
                    (Err(error), items) if error.kind == UiErrorKind::NotFound => {
                        let href = move |value: &str| format!("/orgs/{org_id}?move_to={}", url::encode(value));
                        view! {
                            <p class="text-sm" role="alert" data-testid="move-not-found">
                                {format!("No organization you may move this under is called \u{201c}{target}\u{201d}.")}
                            </p>
                            <PickLinks kind=PickKind::NewParent term=target items href/>
                        }.into_any()
                    }
                    (Err(error), _) => view! { <LoadError error/> }.into_any(),
                }
                })
            }}
        </Transition>
    }
}

#[component]
fn MovePreview(item: MovePreviewItem, move_action: ServerAction<MoveOrganization>) -> impl IntoView {
    let params = use_params_map();
    let org_id = params.read_untracked().get("id").unwrap_or_default();
    let refused = !item.refused.is_empty();
    view! {
        <div class="space-y-3 rounded-md border border-slate-200 p-4 dark:border-slate-800" data-testid="move-preview">
            <h3 class="font-semibold">{format!("Move under {}", item.target_name)}</h3>
            <ImpactSummary item=item.impact subject=ImpactSubject::Reach/>
            {refused.then(|| view! {
                <div role="alert" class="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200" data-testid="move-refused">
                    <p>"You cannot make this move: roles held above would reach into this organization with permissions you do not hold here:"</p>
                    <ul class="mt-1 list-disc pl-5 font-mono">{item.refused.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul>
                </div>
            })}
            {(!refused).then(|| view! {
                <ActionForm action=move_action>
                    <input type="hidden" name="org_id" value=org_id.clone()/>
                    <input type="hidden" name="new_parent_id" value=item.target_id.clone()/>
                    <PendingButton pending=move_action.pending() test_id="move-confirm"
                        class="rounded-md bg-indigo-600 px-3 py-1 text-sm font-semibold text-white hover:bg-indigo-500">
                        {format!("Confirm the move under {}", item.target_name)}
                    </PendingButton>
                </ActionForm>
            })}
        </div>
    }
}

#[component]
fn DeleteSection(org_id: String, name: String, impact: Option<DeletionImpactItem>) -> impl IntoView {
    let delete = ServerAction::<DeleteOrganization>::new();
    let error: Signal<Option<UiError>> = action_error(delete);
    view! {
        <section aria-labelledby="delete-heading" class="space-y-4 rounded-lg border border-red-300 bg-white p-6 dark:border-red-900 dark:bg-slate-900">
            <h2 id="delete-heading" class="text-lg font-semibold text-red-700 dark:text-red-400">"Delete"</h2>
            {impact.map(|i| view! {
                <p class="text-sm" data-testid="deletion-impact">
                    {format!(
                        "Deleting removes {} organization(s), {} membership(s), {} role(s) and {} API token(s) restricted to them, for good.",
                        i.organizations, i.memberships, i.roles, i.api_tokens
                    )}
                </p>
            })}
            <ActionForm action=delete attr:class="space-y-4">
                <input type="hidden" name="org_id" value=org_id/>
                <FormError error/>
                <TextField label="Type the organization's name to confirm" name="confirm_name" error/>
                <p class="text-xs text-slate-500 dark:text-slate-400">{format!("Name: {name}")}</p>
                <PendingButton pending=delete.pending() test_id="delete-org" class="rounded-md bg-red-600 px-4 py-2 text-sm font-semibold text-white hover:bg-red-500">
                    "Delete this organization and everything in it"
                </PendingButton>
            </ActionForm>
        </section>
    }
}
