//! The confirmation of a bulk role change: it names the role and states how many members the
//! change covers (counted by the server, for "every match" too) before anything changes.

use leptos::prelude::*;

use super::MembersQuery;
use crate::ui::{
    components::{
        form::{FormError, PendingButton, action_error},
        layout::LoadError,
        picker::{PickLinks, choices_for},
    },
    error::UiError,
    model::{BulkPreviewItem, PickItem, PickKind},
    server_fns::members::{BulkMemberRoles, preview_bulk_member_roles},
};

/// The confirmation's count for the bulk change the query holds, with the roles a name could
/// mean when it names none; `None` without a bulk change.
pub(super) type PreviewResource = Resource<Option<(Result<BulkPreviewItem, UiError>, Vec<PickItem>)>>;

pub(super) fn preview_resource(
    org_id: impl Fn() -> String + Send + Sync + 'static,
    state: Memo<MembersQuery>,
) -> PreviewResource {
    Resource::new(
        move || (org_id(), state.get()),
        |(org, s)| async move {
            if s.bulk.is_empty() {
                return None;
            }
            let preview =
                preview_bulk_member_roles(org.clone(), s.bulk_role.clone(), s.ids.join(","), s.all, s.q, s.role).await;
            let lost = matches!(&preview, Err(error) if error.field("bulk_role").is_some());
            let choices = if lost { choices_for(PickKind::Role, org, s.bulk_role).await } else { Vec::new() };
            Some((preview, choices))
        },
    )
}

#[component]
pub fn BulkConfirm(org_id: String, state: MembersQuery, preview: PreviewResource) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p>"Counting…"</p> }>
            {move || {
                let (org_id, state) = (org_id.clone(), state.clone());
                Suspend::new(async move {
                    let Some(answer) = preview.await else { return ().into_any() };
                    match answer {
                        (Ok(item), _) => view! { <Confirm item org_id state/> }.into_any(),
                        // A role typed as a name that is not there: the roles it could mean.
                        (Err(error), items) if error.field("bulk_role").is_some() => {
                            let term = state.bulk_role.clone();
                            let href = move |role: &str| state.bulk_href(&org_id, role);
                            view! {
                                <LoadError error/>
                                <PickLinks kind=PickKind::Role term items href/>
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
fn Confirm(item: BulkPreviewItem, org_id: String, state: MembersQuery) -> impl IntoView {
    let apply = ServerAction::<BulkMemberRoles>::new();
    let error = action_error(apply);
    let adding = state.bulk != "remove";
    let nobody = !state.all && state.ids.is_empty();
    let members = if item.selected == 1 { "1 member".to_owned() } else { format!("{} members", item.selected) };
    let question = if adding {
        format!("Add role \"{}\" to {members}?", item.role_name)
    } else {
        format!("Remove role \"{}\" from {members}?", item.role_name)
    };
    let scope = if state.all {
        "Every member matching the current search and filter, on every page.".to_owned()
    } else {
        "The members ticked on this page.".to_owned()
    };
    view! {
        <section role="alertdialog" aria-labelledby="bulk-question" data-testid="bulk-confirm"
            class="space-y-3 rounded-lg border border-indigo-300 bg-indigo-50 p-4 dark:border-indigo-800 dark:bg-indigo-950">
            {if nobody {
                view! { <p id="bulk-question">"Tick some members first, or select all matching members."</p> }.into_any()
            } else {
                view! {
                    <p id="bulk-question" class="font-semibold" data-testid="bulk-question">{question}</p>
                    <p class="text-sm">{scope}</p>
                }.into_any()
            }}
            <FormError error/>
            <ActionForm action=apply attr:class="flex gap-3">
                <input type="hidden" name="org_id" value=org_id.clone()/>
                <input type="hidden" name="change" value=if adding { "add" } else { "remove" }/>
                <input type="hidden" name="role_id" value=item.role_id.clone()/>
                <input type="hidden" name="ids" value=state.ids.join(",")/>
                <input type="hidden" name="all" value=if state.all { "1" } else { "" }/>
                <input type="hidden" name="q" value=state.q.clone()/>
                <input type="hidden" name="role" value=state.role.clone()/>
                <input type="hidden" name="role_filter_id" value=item.filter_role_id.clone()/>
                <PendingButton pending=apply.pending() blocked=nobody test_id="bulk-apply"
                    class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">"Confirm"</PendingButton>
                <a href=state.list_href(&org_id) class="rounded-md border border-slate-300 px-4 py-2 text-sm dark:border-slate-700">"Cancel"</a>
            </ActionForm>
            <Progress pending=apply.pending() members/>
        </section>
    }
}

/// While a change is on its way for more than a second: how many members it covers and how
/// long it has taken. The change is one statement in one transaction, so there is no share
/// done to show, only that it is still going (an indeterminate bar). Without JavaScript the
/// browser's own page load shows the wait.
#[component]
fn Progress(#[prop(into)] pending: Signal<bool>, members: String) -> impl IntoView {
    let seconds = RwSignal::new(0u32);
    Effect::new(move |ticking: Option<Option<IntervalHandle>>| {
        if let Some(Some(ticking)) = ticking {
            ticking.clear();
        }
        seconds.set(0);
        pending
            .get()
            .then(|| {
                set_interval_with_handle(move || seconds.update(|s| *s += 1), std::time::Duration::from_secs(1)).ok()
            })
            .flatten()
    });
    let slow = move || pending.get() && seconds.get() >= 1;
    view! {
        <Show when=slow>
            <div role="status" class="flex items-center gap-3 text-sm" data-testid="bulk-progress">
                <progress class="h-2 w-40" aria-label="Changing roles"></progress>
                {let members = members.clone(); move || format!("Changing the role for {members}… {} s", seconds.get())}
            </div>
        </Show>
    }
}
