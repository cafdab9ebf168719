use leptos::prelude::*;
use leptos_meta::Title;

use crate::ui::components::list_page::tab_title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <div class="space-y-2">
            <Title text=tab_title(&["Page not found"])/>
            <h1 class="text-2xl font-semibold">"Page not found"</h1>
            <a href="/" class="text-indigo-600 underline dark:text-indigo-400">"Back to the dashboard"</a>
        </div>
    }
}
