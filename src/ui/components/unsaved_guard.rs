//! Asks before leaving a page with unsaved changes: on reload, closing and typed addresses
//! (the browser's own `beforeunload` prompt), and on links inside the app (a confirm dialog,
//! since client-side navigation does not unload the page).

use leptos::prelude::*;

/// Guards the current page while `dirty` is true.
pub fn guard_unsaved_changes(dirty: Signal<bool>) {
    #[cfg(feature = "hydrate")]
    hydrate::watch(dirty);
    #[cfg(not(feature = "hydrate"))]
    let _ = dirty;
}

#[cfg(feature = "hydrate")]
mod hydrate {
    use std::cell::{Cell, RefCell};

    use leptos::{
        prelude::*,
        wasm_bindgen::{JsCast, closure::Closure},
        web_sys::{Element, Event},
    };

    thread_local! {
        /// The guarded page's flag; one page at a time.
        static DIRTY: RefCell<Option<Signal<bool>>> = const { RefCell::new(None) };
        static LISTENING: Cell<bool> = const { Cell::new(false) };
    }

    fn is_dirty() -> bool {
        DIRTY.with_borrow(|dirty| dirty.and_then(|d| d.try_get_untracked()).unwrap_or(false))
    }

    pub fn watch(dirty: Signal<bool>) {
        DIRTY.with_borrow_mut(|slot| *slot = Some(dirty));
        on_cleanup(|| DIRTY.with_borrow_mut(|slot| *slot = None));
        if LISTENING.replace(true) {
            return;
        }
        let before_unload = Closure::<dyn Fn(Event)>::new(|event: Event| {
            if is_dirty() {
                event.prevent_default();
            }
        });
        // Capture phase, ahead of the router's own click handling.
        let link_click = Closure::<dyn Fn(Event)>::new(|event: Event| {
            let link = event
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|e| e.closest("a[href]").ok().flatten());
            if link.is_some() && is_dirty() {
                let leave =
                    window().confirm_with_message("You have unsaved changes. Leave without saving?").unwrap_or(true);
                if leave {
                    DIRTY.with_borrow_mut(|slot| *slot = None);
                } else {
                    event.prevent_default();
                    event.stop_immediate_propagation();
                }
            }
        });
        let _ = window().add_event_listener_with_callback("beforeunload", before_unload.as_ref().unchecked_ref());
        let _ =
            document().add_event_listener_with_callback_and_bool("click", link_click.as_ref().unchecked_ref(), true);
        // Registered once per page load and needed for its whole life.
        before_unload.forget();
        link_click.forget();
    }
}
