//! Where the focus goes after a change: to its result (the banner saying what was done, the
//! error, or the field refused), so that keyboard and screen reader users land on it.

use leptos::{html::ElementType, prelude::*};

/// Focuses `target` whenever `wanted` says so and it is on the page, but only while nothing else
/// has the focus (where it is after a change whose button went away or was disabled): never from
/// a field the admin has moved to in the meantime, nor when hydration finishes late. On a page
/// load without JavaScript the element's `autofocus` does the same.
pub fn focus_when<E>(target: NodeRef<E>, wanted: impl Fn() -> bool + 'static)
where
    E: ElementType,
    E::Output: leptos::wasm_bindgen::JsCast + Clone + 'static,
{
    Effect::new(move |_| {
        let wanted = wanted();
        #[cfg(feature = "hydrate")]
        if let Some(element) = target.get().filter(|_| wanted && nothing_has_focus()) {
            use wasm_bindgen::JsCast;
            let _ = element.unchecked_into::<web_sys::HtmlElement>().focus();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (wanted, target);
    });
}

#[cfg(feature = "hydrate")]
fn nothing_has_focus() -> bool {
    let document = document();
    match (document.active_element(), document.body()) {
        (Some(active), Some(body)) => active.is_same_node(Some(body.as_ref())),
        _ => true,
    }
}
