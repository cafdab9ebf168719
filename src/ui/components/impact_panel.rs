//! "Impact if saved": who would gain or lose which permission, from the server's preview
//! (the decision function run before and after on the real data).

use leptos::prelude::*;

use crate::ui::{components::layout::LoadError, error::UiError, model::ImpactItem};

/// What is being edited, for the sentence about who holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImpactSubject {
    Policy,
    Role,
    /// A move or an access flag: roles held above start or stop reaching in.
    Reach,
}

/// The panel for a preview the page asks as it renders (waited for in a transition).
#[component]
pub fn ImpactPanel(impact: Resource<Option<Result<ImpactItem, UiError>>>, subject: ImpactSubject) -> impl IntoView {
    view! {
        <ImpactFrame>
            <Transition fallback=working_it_out>
                {move || Suspend::new(async move { answer(impact.await, subject) })}
            </Transition>
        </ImpactFrame>
    }
}

/// The panel for a preview known as the page opens and asked again in the browser as the
/// admin edits: `None` while an answer is on its way. No resource is made for it while the
/// page hydrates, so the page asks the server nothing as it does.
#[component]
pub fn ImpactPanelOf(impact: Signal<Option<Result<ImpactItem, UiError>>>, subject: ImpactSubject) -> impl IntoView {
    view! {
        <ImpactFrame>
            {move || match impact.get() {
                Some(found) => answer(Some(found), subject),
                None => working_it_out().into_any(),
            }}
        </ImpactFrame>
    }
}

#[component]
fn ImpactFrame(children: Children) -> impl IntoView {
    view! {
        <section aria-labelledby="impact-heading" class="space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" data-testid="impact-preview">
            <h2 id="impact-heading" class="text-lg font-semibold">"Impact if saved"</h2>
            {children()}
        </section>
    }
}

fn working_it_out() -> impl IntoView {
    view! { <p class="text-sm text-slate-500 dark:text-slate-400">"Working it out…"</p> }
}

/// `None`: the form has problems, so there is nothing to preview.
fn answer(impact: Option<Result<ImpactItem, UiError>>, subject: ImpactSubject) -> AnyView {
    match impact {
        None => view! { <p class="text-sm text-slate-500 dark:text-slate-400">"Fix the problems above to see the impact."</p> }.into_any(),
        Some(Err(error)) => view! { <LoadError error/> }.into_any(),
        Some(Ok(item)) => view! { <ImpactSummary item subject/> }.into_any(),
    }
}

#[component]
pub fn ImpactSummary(item: ImpactItem, subject: ImpactSubject) -> impl IntoView {
    let roles = if subject == ImpactSubject::Role {
        format!("{} member(s) hold this role.", item.member_count)
    } else if subject == ImpactSubject::Reach {
        format!("{} member(s) hold roles above whose reach into this organization would change.", item.member_count)
    } else if item.roles.is_empty() {
        "No role uses this policy yet.".to_owned()
    } else {
        format!("Used by {}: {} member(s) hold them.", item.roles.join(", "), item.member_count)
    };
    let nothing = item.shifts.is_empty();
    let partial = (item.previewed_member_count < item.member_count).then(|| {
        format!(
            "Worked out for the first {} of them (by name); the counts below are theirs.",
            item.previewed_member_count
        )
    });
    view! {
        <p class="text-sm" data-testid="impact-roles">{roles}</p>
        {partial.map(|text| view! { <p class="text-sm text-amber-700 dark:text-amber-300" data-testid="impact-partial">{text}</p> })}
        {nothing.then(|| view! { <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="impact-none">"Saving changes nothing for anyone."</p> })}
        <ul class="space-y-1 text-sm">
            {item.shifts.into_iter().map(|s| {
                let verb = if s.gain { "gain" } else { "lose" };
                let names = if s.first_names.is_empty() { String::new() } else { format!(": {}", s.first_names.join(", ")) };
                let class = if s.gain { "text-emerald-700 dark:text-emerald-300" } else { "text-red-700 dark:text-red-400" };
                view! {
                    <li class=class data-testid="impact-shift">
                        <span class="font-mono">{format!("{} {}", if s.gain { "+" } else { "−" }, s.permission)}</span>
                        {format!(" — {} member(s) would {verb} it{names}", s.member_count)}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
