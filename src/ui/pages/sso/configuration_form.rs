//! The provider's settings. The client secret is write-only: the field is always empty, and
//! left empty it keeps the stored one.

use leptos::prelude::*;

use super::{INPUT, SECTION};
use crate::ui::{
    components::form::{FormError, PendingButton, action_error},
    model::{SsoConfigurationView, SsoSetupView},
    server_fns::sso::SaveSso,
    typed::{typed_value, typed_values},
};

const REFILL: &str = <SaveSso as leptos::server_fn::ServerFn>::PATH;

#[component]
pub fn ConfigurationForm(setup: SsoSetupView) -> impl IntoView {
    let save = ServerAction::<SaveSso>::new();
    let error = action_error(save);
    let field_error = move |name: &'static str| move || error.get().and_then(|e| e.field(name));
    let current = setup.configuration.clone().unwrap_or_else(|| SsoConfigurationView {
        scopes: "openid email profile groups".into(),
        groups_claim: "groups".into(),
        mapping_mode: "additive".into(),
        enabled: true,
        ..SsoConfigurationView::default()
    });
    // After a failed post without JavaScript: what the admin typed (never the secret).
    let typed = |name: &str, stored: &str| typed_value(REFILL, name).unwrap_or_else(|| stored.to_owned());
    let ticked = |name: &str, stored: bool| typed_values(REFILL, name).map_or(stored, |values| !values.is_empty());
    let mapping_mode = typed("mapping_mode", &current.mapping_mode);
    let (jit_provisioning, enabled) =
        (ticked("jit_provisioning", current.jit_provisioning), ticked("enabled", current.enabled));
    let secret_hint = if current.client_secret_set {
        "A secret is stored. Leave this empty to keep it."
    } else {
        "Required. Stored encrypted; never shown again."
    };
    let text = move |label: &'static str, name: &'static str, value: String, hint: &'static str| {
        view! {
            <div class="space-y-1">
                <label for=format!("sso-{name}") class="block text-sm font-medium">{label}</label>
                <input id=format!("sso-{name}") name=name value=value class=INPUT aria-describedby=format!("sso-{name}-error")/>
                <p class="text-xs text-slate-500 dark:text-slate-400">{hint}</p>
                <p id=format!("sso-{name}-error") class="text-sm text-red-600 dark:text-red-400" data-testid=format!("{name}-error")>{field_error(name)}</p>
            </div>
        }
    };
    view! {
        <section class=SECTION aria-labelledby="sso-config-heading">
            <h2 id="sso-config-heading" class="text-lg font-semibold">"Provider"</h2>
            {(!setup.secrets_available).then(|| view! {
                <p role="note" class="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
                    "This server has no secret key to protect client secrets with: set WARDEN_SECRET_KEY and restart before saving."
                </p>
            })}
            <FormError error/>
            <ActionForm action=save attr:class="grid gap-4 sm:grid-cols-2" attr:data-testid="sso-form">
                <fieldset disabled=!setup.may_update class="contents">
                    <input type="hidden" name="org_id" value=setup.org_id.clone()/>
                    {setup.configuration.as_ref().map(|c| view! { <input type="hidden" name="version" value=c.version.to_string()/> })}
                    {text("Issuer URL", "issuer", typed("issuer", &current.issuer), "Exactly as the provider names itself, like https://login.example.com")}
                    {text("Client id", "client_id", typed("client_id", &current.client_id), "From the provider's client registration")}
                    <div class="space-y-1">
                        <label for="sso-client_secret" class="block text-sm font-medium">"Client secret"</label>
                        <input id="sso-client_secret" name="client_secret" type="password" autocomplete="new-password" value=""
                            prop:value=move || { save.version().track(); "" } class=INPUT/>
                        <p class="text-xs text-slate-500 dark:text-slate-400" data-testid="client-secret-hint">{secret_hint}</p>
                        <p class="text-sm text-red-600 dark:text-red-400" data-testid="client_secret-error">{field_error("client_secret")}</p>
                    </div>
                    {text("Scopes", "scopes", typed("scopes", &current.scopes), "Separated by spaces; openid is required")}
                    {text("Groups claim", "groups_claim", typed("groups_claim", &current.groups_claim), "The ID token claim with the groups; a dotted path like realm_access.roles works")}
                    {text("Allowed email domains", "allowed_email_domains", typed("allowed_email_domains", &current.allowed_email_domains), "Separated by commas; also how the sign-in page finds this organization")}
                    <div class="space-y-1">
                        <label for="sso-mapping_mode" class="block text-sm font-medium">"Mapping mode"</label>
                        <select id="sso-mapping_mode" name="mapping_mode" class=INPUT>
                            <option value="additive" selected=mapping_mode == "additive">"Additive: groups add roles, nothing is taken away"</option>
                            <option value="authoritative" selected=mapping_mode == "authoritative">"Authoritative: roles from SSO follow the groups at each sign-in"</option>
                        </select>
                        <p class="text-xs text-slate-500 dark:text-slate-400">"Roles an admin gives by hand are never touched by SSO."</p>
                    </div>
                    <div class="space-y-2">
                        <label class="flex items-center gap-2 text-sm">
                            <input type="checkbox" name="jit_provisioning" value="on" checked=jit_provisioning class="h-4 w-4"/>
                            "Create accounts at first sign-in"
                        </label>
                        <label class="flex items-center gap-2 text-sm">
                            <input type="checkbox" name="enabled" value="on" checked=enabled class="h-4 w-4"/>
                            "Enabled"
                        </label>
                    </div>
                    <div class="sm:col-span-2">
                        <PendingButton pending=save.pending() class=super::BUTTON test_id="sso-save">
                            {move || if save.pending().get() { "Saving…" } else { "Save provider" }}
                        </PendingButton>
                    </div>
                </fieldset>
            </ActionForm>
        </section>
    }
}
