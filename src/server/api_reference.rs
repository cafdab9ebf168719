//! `/api-docs`: the REST API's reference, rendered by the server from the OpenAPI document
//! (`/v1/openapi.json`). Nothing comes from elsewhere (no script, font or CDN), so it works
//! offline, and it needs no JavaScript.

use std::sync::OnceLock;

use axum::{extract::State, response::Html};
use leptos::prelude::*;
use leptos_meta::HashedStylesheet;
use serde_json::{Map, Value};

use crate::web::AppState;

pub const PATH: &str = "/api-docs";

/// The page; the document does not change while the process runs, so it is rendered once.
pub async fn page(State(state): State<AppState>) -> Html<&'static str> {
    static PAGE: OnceLock<String> = OnceLock::new();
    Html(PAGE.get_or_init(|| render(&state.leptos_options)))
}

fn render(options: &LeptosOptions) -> String {
    let document = crate::api::openapi::document_json().clone();
    let body = view! { <Reference document/> }.to_html();
    let head = view! {
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="color-scheme" content="light dark"/>
        <title>"API reference · Warden"</title>
        <link rel="icon" type="image/svg+xml" href="/warden.svg"/>
        <HashedStylesheet options=options.clone()/>
    }
    .to_html();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head>{head}</head>\
         <body class=\"bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100\">{body}</body></html>"
    )
}

/// One operation of the document, found under its path and method.
struct Operation<'a> {
    method: &'a str,
    path: &'a str,
    spec: &'a Value,
}

impl Operation<'_> {
    fn anchor(&self) -> String {
        format!("{}-{}", self.method, self.path.replace(['/', '{', '}'], "-"))
    }
}

fn operations(document: &Value) -> Vec<Operation<'_>> {
    let Some(paths) = document["paths"].as_object() else { return Vec::new() };
    paths
        .iter()
        .flat_map(|(path, item)| {
            ["get", "post", "put", "patch", "delete"]
                .into_iter()
                .filter_map(move |method| item.get(method).map(|spec| Operation { method, path, spec }))
        })
        .collect()
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

#[component]
fn Reference(document: Value) -> impl IntoView {
    let operations = operations(&document);
    let tags: Vec<(String, String)> = document["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|tag| (text(&tag["name"]), text(&tag["description"])))
        .collect();
    let sections = tags
        .iter()
        .map(|(name, description)| {
            let in_tag: Vec<&Operation> = operations
                .iter()
                .filter(|op| op.spec["tags"].as_array().is_some_and(|tags| tags.iter().any(|t| t == name.as_str())))
                .collect();
            view! {
                <section id=format!("tag-{}", slug(name)) class="space-y-4">
                    <h2 class="text-xl font-semibold">{name.clone()}</h2>
                    <p class="text-slate-600 dark:text-slate-400">{description.clone()}</p>
                    {in_tag.into_iter().map(operation_view).collect_view()}
                </section>
            }
        })
        .collect_view();
    let schemas = document["components"]["schemas"].as_object().cloned().unwrap_or_default();
    view! {
        <a href="#main" class="sr-only focus:not-sr-only">"Skip to content"</a>
        <header class="border-b border-slate-200 bg-white px-6 py-3 dark:border-slate-800 dark:bg-slate-900">
            <a href="/" class="font-semibold">"Warden"</a>
        </header>
        <div class="mx-auto flex max-w-6xl gap-8 px-6 py-8">
            <nav aria-label="Sections" class="hidden w-48 shrink-0 text-sm md:block">
                <ul class="sticky top-4 space-y-1">
                    {tags.iter().map(|(name, _)| view! {
                        <li><a href=format!("#tag-{}", slug(name)) class="text-indigo-700 hover:underline dark:text-indigo-300">{name.clone()}</a></li>
                    }).collect_view()}
                    <li><a href="#schemas" class="text-indigo-700 hover:underline dark:text-indigo-300">"Schemas"</a></li>
                </ul>
            </nav>
            <main id="main" class="min-w-0 flex-1 space-y-10">
                <header class="space-y-3">
                    <h1 class="text-2xl font-semibold">"API reference"</h1>
                    <Prose text=text(&document["info"]["description"])/>
                    <p class="text-sm">
                        "The same, as OpenAPI 3.1: "
                        <a href="/v1/openapi.json" class="text-indigo-700 underline dark:text-indigo-300">"/v1/openapi.json"</a>
                    </p>
                </header>
                {sections}
                <section id="schemas" class="space-y-4">
                    <h2 class="text-xl font-semibold">"Schemas"</h2>
                    {schemas.into_iter().map(|(name, schema)| view! { <SchemaView name schema/> }).collect_view()}
                </section>
            </main>
        </div>
    }
}

/// The document's description: paragraphs, with `**bold**` and `code` kept.
#[component]
fn Prose(text: String) -> impl IntoView {
    text.split("\n\n")
        .map(|paragraph| {
            let parts = paragraph.split("**").enumerate().map(|(i, part)| {
                let inline = part
                    .split('`')
                    .enumerate()
                    .map(|(j, bit)| {
                        if j % 2 == 1 {
                            view! { <code>{bit.to_owned()}</code> }.into_any()
                        } else {
                            bit.to_owned().into_any()
                        }
                    })
                    .collect_view();
                if i % 2 == 1 { view! { <strong>{inline}</strong> }.into_any() } else { inline.into_any() }
            });
            view! { <p class="max-w-3xl text-sm text-slate-700 dark:text-slate-300">{parts.collect_view()}</p> }
        })
        .collect_view()
}

fn operation_view(op: &Operation<'_>) -> AnyView {
    let spec = op.spec;
    let parameters = spec["parameters"].as_array().cloned().unwrap_or_default();
    let body = spec["requestBody"]["content"]["application/json"]["schema"].clone();
    let responses = spec["responses"].as_object().cloned().unwrap_or_default();
    let public =
        spec["security"].as_array().is_some_and(|s| s.iter().all(|r| r.as_object().is_some_and(Map::is_empty)));
    view! {
        <article id=op.anchor() class="space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
            <h3 class="flex flex-wrap items-baseline gap-3 font-mono text-sm">
                <span class="rounded bg-slate-800 px-2 py-0.5 font-semibold uppercase text-white dark:bg-slate-200 dark:text-slate-900">{op.method.to_owned()}</span>
                <span class="break-all">{op.path.to_owned()}</span>
                {public.then(|| view! { <span class="rounded bg-emerald-100 px-1.5 font-sans text-xs text-emerald-800 dark:bg-emerald-900 dark:text-emerald-100">"no sign-in"</span> })}
            </h3>
            <p class="font-medium">{text(&spec["summary"])}</p>
            {spec["description"].as_str().map(|d| view! { <p class="text-sm text-slate-600 dark:text-slate-400">{d.to_owned()}</p> })}
            {(!parameters.is_empty()).then(|| view! {
                <table class="min-w-full text-left text-sm">
                    <caption class="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">"Parameters"</caption>
                    <thead class="text-xs text-slate-500"><tr>
                        <th scope="col" class="py-1 pr-3">"Name"</th><th scope="col" class="px-3 py-1">"In"</th>
                        <th scope="col" class="px-3 py-1">"Type"</th><th scope="col" class="px-3 py-1">"Description"</th>
                    </tr></thead>
                    <tbody>
                        {parameters.iter().map(|p| view! {
                            <tr class="align-top">
                                <td class="py-1 pr-3 font-mono">{text(&p["name"])}{(p["required"] == true).then_some(" *")}</td>
                                <td class="px-3 py-1">{text(&p["in"])}</td>
                                <td class="px-3 py-1"><TypeLabel schema=p["schema"].clone()/></td>
                                <td class="px-3 py-1 text-slate-600 dark:text-slate-400">{text(&p["description"])}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {(!body.is_null()).then(|| view! {
                <p class="text-sm"><span class="font-semibold">"Body: "</span><TypeLabel schema=body/></p>
            })}
            <ul class="space-y-0.5 text-sm">
                {responses.into_iter().map(|(status, response)| {
                    let (description, schema) = describe_response(&response);
                    view! {
                        <li>
                            <span class="font-mono font-semibold">{status}</span>" "
                            {description}
                            {schema.map(|schema| view! { " → " <TypeLabel schema/> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </article>
    }
    .into_any()
}

/// A response's description and JSON schema, following a reference to the shared error
/// responses.
fn describe_response(response: &Value) -> (String, Option<Value>) {
    let resolved = match response["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/responses/")) {
        Some(name) => crate::api::openapi::document_json()["components"]["responses"][name].clone(),
        None => response.clone(),
    };
    let content = resolved["content"].as_object();
    let schema = content.and_then(|c| c.values().next()).map(|media| media["schema"].clone()).filter(|s| !s.is_null());
    let kind = content.and_then(|c| c.keys().next()).filter(|k| *k != "application/json").map(|k| format!(" ({k})"));
    (format!("{}{}", text(&resolved["description"]), kind.unwrap_or_default()), schema)
}

#[component]
fn SchemaView(name: String, schema: Value) -> impl IntoView {
    let required: Vec<String> = schema["required"].as_array().into_iter().flatten().map(text).collect();
    let properties = schema["properties"].as_object().cloned().unwrap_or_default();
    let anchor = format!("schema-{name}");
    view! {
        <article id=anchor class="space-y-2 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
            <h3 class="font-mono font-semibold">{name}</h3>
            {schema["description"].as_str().map(|d| view! { <p class="text-sm text-slate-600 dark:text-slate-400">{d.to_owned()}</p> })}
            {properties.is_empty().then(|| view! { <p class="text-sm"><TypeLabel schema=schema.clone()/></p> })}
            {(!properties.is_empty()).then(|| view! {
                <table class="min-w-full text-left text-sm">
                    <tbody>
                        {properties.into_iter().map(|(field, property)| {
                            let mark = required.contains(&field).then_some(" *");
                            view! {
                                <tr class="align-top">
                                    <td class="py-1 pr-3 font-mono">{field}{mark}</td>
                                    <td class="px-3 py-1"><TypeLabel schema=property.clone()/></td>
                                    <td class="px-3 py-1 text-slate-600 dark:text-slate-400">{text(&property["description"])}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </article>
    }
}

/// A schema in a few words: a link to a named schema, `array of …`, `a or b`, or its type.
#[component]
fn TypeLabel(schema: Value) -> impl IntoView {
    type_label(&schema)
}

fn type_label(schema: &Value) -> AnyView {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or(reference).to_owned();
        let href = format!("#schema-{name}");
        return view! { <a href=href class="font-mono text-indigo-700 underline dark:text-indigo-300">{name}</a> }
            .into_any();
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(choices) = schema[combinator].as_array() {
            let separator = if combinator == "allOf" { " and " } else { " or " };
            return choices
                .iter()
                .enumerate()
                .map(|(i, choice)| view! { {(i > 0).then_some(separator)}{type_label(choice)} })
                .collect_view()
                .into_any();
        }
    }
    if schema["type"] == "array" || schema["type"].as_array().is_some_and(|t| t.iter().any(|t| t == "array")) {
        return view! { "array of " {type_label(&schema["items"])} }.into_any();
    }
    let kind = match &schema["type"] {
        Value::String(kind) => kind.clone(),
        Value::Array(kinds) => kinds.iter().map(text).collect::<Vec<_>>().join(" or "),
        _ => "any".to_owned(),
    };
    let values = schema["enum"].as_array().map(|values| {
        format!(
            ": {}",
            values
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    view! { <span class="font-mono">{kind}{values}</span> }.into_any()
}

fn slug(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}
