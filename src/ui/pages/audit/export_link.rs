//! A download link for an export of the audit log. Without JavaScript it is a plain download.
//! With it, the page fetches the export itself and says how many events have arrived while the
//! server is still producing them, then saves the file (gathered in a Blob a few megabytes at a
//! time, which the browser keeps on disk when it grows large).

use leptos::prelude::*;

/// How much of an export is held in the tab's memory before it joins the Blob. The link carries
/// it (`data-blob-every`), so that a browser test can make a small export go through the Blob
/// chunk by chunk.
const BLOB_EVERY_BYTES: u32 = 4 * 1024 * 1024;

#[component]
pub fn ExportLink(href: String, label: &'static str, file_name: String) -> impl IntoView {
    let progress = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let test_id = format!("export-{}", file_name.rsplit('.').next().unwrap_or_default());
    let on_click = {
        let (href, file_name) = (href.clone(), file_name.clone());
        move |event: leptos::ev::MouseEvent| {
            #[cfg(feature = "hydrate")]
            {
                use wasm_bindgen::JsCast;
                event.prevent_default();
                let blob_every = event
                    .current_target()
                    .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
                    .and_then(|link| link.get_attribute("data-blob-every"))
                    .and_then(|bytes| bytes.parse().ok())
                    .unwrap_or(BLOB_EVERY_BYTES);
                if !busy.get_untracked() {
                    busy.set(true);
                    let (href, file_name) = (href.clone(), file_name.clone());
                    leptos::task::spawn_local(browser::download(href, file_name, blob_every, progress, busy));
                }
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (&event, &href, &file_name, busy);
        }
    };
    view! {
        <a href=href download=file_name on:click=on_click data-testid=test_id.clone() data-blob-every=BLOB_EVERY_BYTES
            aria-disabled=move || busy.get().then_some("true")
            class="text-indigo-700 underline aria-disabled:opacity-60 dark:text-indigo-300">{label}</a>
        <span role="status" data-testid=format!("{test_id}-progress") class="text-slate-600 dark:text-slate-400">{move || progress.get()}</span>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    pub async fn download(
        href: String,
        file_name: String,
        blob_every: u32,
        progress: RwSignal<String>,
        busy: RwSignal<bool>,
    ) {
        let csv = file_name.ends_with(".csv");
        match fetch_counting(&href, &file_name, csv, blob_every, progress).await {
            Ok(events) => progress.set(format!("Done: {events} events.")),
            Err(problem) => progress.set(format!("The export failed: {problem}")),
        }
        busy.set(false);
    }

    /// One Blob of what `saved` (a Blob, or nothing yet) holds followed by the `pending` chunks.
    fn into_blob(saved: &js_sys::Array, pending: &js_sys::Array) -> Result<web_sys::Blob, String> {
        let parts = saved.concat(pending);
        web_sys::Blob::new_with_blob_sequence(&parts).map_err(problem)
    }

    fn problem(error: impl Into<JsValue>) -> String {
        let error: JsValue = error.into();
        error.as_string().unwrap_or_else(|| format!("{error:?}"))
    }

    /// Reads the export as it streams in, counting its lines (a CSV's header aside), and saves
    /// it under `file_name`, joining what arrived to the Blob every `blob_every` bytes; answers
    /// how many events it held.
    async fn fetch_counting(
        href: &str,
        file_name: &str,
        csv: bool,
        blob_every: u32,
        progress: RwSignal<String>,
    ) -> Result<u64, String> {
        let window = web_sys::window().ok_or("no window")?;
        let response: web_sys::Response =
            JsFuture::from(window.fetch_with_str(href)).await.map_err(problem)?.dyn_into().map_err(problem)?;
        if !response.ok() {
            return Err(format!("the server answered {}", response.status()));
        }
        let reader: web_sys::ReadableStreamDefaultReader =
            response.body().ok_or("an empty answer")?.get_reader().dyn_into().map_err(problem)?;
        // What has arrived goes into a Blob every few megabytes: the browser keeps a large Blob
        // on disk rather than in the tab's memory, so a million-event export does not sit in it.
        let mut saved = js_sys::Array::new();
        let mut pending = js_sys::Array::new();
        let mut pending_bytes: u32 = 0;
        let mut lines: u64 = 0;
        let events = |lines: u64| if csv { lines.saturating_sub(1) } else { lines };
        loop {
            let step = JsFuture::from(reader.read()).await.map_err(problem)?;
            if js_sys::Reflect::get(&step, &"done".into()).map_err(problem)?.as_bool().unwrap_or(true) {
                break;
            }
            let chunk: js_sys::Uint8Array =
                js_sys::Reflect::get(&step, &"value".into()).map_err(problem)?.dyn_into().map_err(problem)?;
            lines += chunk.to_vec().iter().filter(|byte| **byte == b'\n').count() as u64;
            pending_bytes += chunk.length();
            pending.push(&chunk);
            if pending_bytes >= blob_every {
                saved = js_sys::Array::of1(&into_blob(&saved, &pending)?.into());
                pending = js_sys::Array::new();
                pending_bytes = 0;
            }
            progress.set(format!("Exporting… {} events so far", events(lines)));
        }
        let blob = into_blob(&saved, &pending)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(problem)?;
        let anchor: web_sys::HtmlAnchorElement = window
            .document()
            .ok_or("no document")?
            .create_element("a")
            .map_err(problem)?
            .dyn_into()
            .map_err(problem)?;
        anchor.set_href(&url);
        anchor.set_download(file_name);
        anchor.click();
        Ok(events(lines))
    }
}
