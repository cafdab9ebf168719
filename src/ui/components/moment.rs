//! A stored time as the console shows it: to the minute, in UTC.

use leptos::prelude::*;

/// `2026-12-05T20:36:08.123456Z` as `2026-12-05 20:36`.
pub fn to_the_minute(at: &str) -> String {
    at.get(..16).unwrap_or(at).replacen('T', " ", 1)
}

/// A `<time>` to the minute ("2026-12-05 20:36 UTC"), or "never".
#[component]
pub fn Moment(at: Option<String>) -> impl IntoView {
    match at {
        Some(at) => {
            let shown = format!("{} UTC", to_the_minute(&at));
            view! { <time datetime=at>{shown}</time> }.into_any()
        }
        None => "never".into_any(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_read_to_the_minute() {
        assert_eq!(super::to_the_minute("2026-12-05T20:36:08.123456Z"), "2026-12-05 20:36");
        assert_eq!(super::to_the_minute("short"), "short");
    }
}
