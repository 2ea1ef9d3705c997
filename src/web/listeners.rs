//! The app's callbacks (`Listeners`, kept in JS) and the `Subscription` that removes one; DOM
//! event listeners and timers that are removed when dropped.

#[cfg(any(feature = "host", feature = "frame"))]
use super::error::misuse;
#[cfg(any(feature = "host", feature = "frame"))]
use core::cell::RefCell;
#[cfg(any(feature = "host", feature = "frame"))]
use std::rc::Rc;
#[cfg(any(feature = "host", feature = "frame"))]
use wasm_bindgen::prelude::*;
#[cfg(any(feature = "host", feature = "frame"))]
use wasm_bindgen::JsCast;

#[cfg(any(feature = "host", feature = "frame"))]
#[wasm_bindgen(module = "/src/web/js/common.js")]
extern "C" {
    /// The app's callbacks of one host or frame, registered with `on(name, cb)`: a JS `Map`
    /// from a key number, which the side gives each name it accepts, to the callbacks in
    /// registration order. Kept in JS, so a delivery is one call into JS whatever the number of
    /// callbacks, and `off()` needs no handle into wasm memory.
    #[derive(Clone)]
    pub(crate) type Listeners;
    #[wasm_bindgen(js_name = listeners)]
    fn new_listeners() -> Listeners;
    #[wasm_bindgen(js_name = add)]
    fn add_listener(listeners: &Listeners, key: i32, f: &js_sys::Function) -> Subscription;
    /// Call each callback of `key` with `(a, b)`, in order, skipping those removed meanwhile.
    /// One that throws is logged with `console.error` and stops no other. (Keys are `i32`, not `u32`, so that the wasm
    /// imports this as it is, without a wrapper: see `jsview.rs`.)
    pub(crate) fn emit(listeners: &Listeners, key: i32, a: &JsValue, b: &JsValue);
    /// Drop every callback: none is called again, not even by a delivery already running.
    pub(crate) fn clear(listeners: &Listeners);

    /// What `on()` returns: call `off()` to stop receiving. Dropping it does not unsubscribe.
    #[derive(Debug, Clone)]
    pub type Subscription;
    /// Stop calling this callback. Safe to call more than once, and after `destroy()`.
    #[wasm_bindgen(method)]
    pub fn off(this: &Subscription);
}

#[cfg(any(feature = "host", feature = "frame"))]
impl Listeners {
    /// No callbacks yet.
    pub(crate) fn new() -> Listeners {
        new_listeners()
    }

    /// Register `f` under `key`; the returned subscription's `off()` removes it (only this
    /// registration, if `f` was registered more than once).
    pub(crate) fn add(&self, key: i32, f: &js_sys::Function) -> Subscription {
        add_listener(self, key, f)
    }

    /// Drop every callback (see [`clear`]).
    pub(crate) fn clear(&self) {
        clear(self)
    }
}

#[cfg(any(feature = "host", feature = "frame"))]
/// The arguments of `on(name, callback)`, checked: `name` a string (of at most 64 UTF-16 units,
/// longer than any name either side knows, so a huge one is never copied), `callback` a
/// function. Either wrong throws `INVALID_ARGUMENT` saying what was expected and what came.
pub(crate) fn on_args(
    name: &JsValue,
    callback: JsValue,
) -> Result<(String, js_sys::Function), JsValue> {
    let text = name
        .dyn_ref::<js_sys::JsString>()
        .filter(|s| s.length() <= 64)
        .and_then(|s| s.as_string());
    let Some(text) = text else {
        return Err(misuse("on(name, callback) needs an event name", name));
    };
    let callback = callback.dyn_into::<js_sys::Function>().map_err(|v| {
        misuse(
            &["on('", &*text, "', callback) needs a function as callback"].concat(),
            &v,
        )
    })?;
    Ok((text, callback))
}

#[cfg(any(feature = "host", feature = "frame"))]
/// A DOM event listener, removed from its target when dropped (gloo-events'): dropping a side's
/// listeners is what its `destroy()` does.
pub(crate) use gloo_events::EventListener as Listener;

#[cfg(any(feature = "host", feature = "frame"))]
/// Call `f` on each `kind` event that reaches `target`, without reading the event.
pub(crate) fn listen(
    target: &web_sys::EventTarget,
    kind: &'static str,
    mut f: impl FnMut() + 'static,
) -> Listener {
    Listener::new(target, kind, move |_| f())
}

#[cfg(any(feature = "host", feature = "frame"))]
/// A listener to the `message` events the browser delivers (see [`messages`]), removed from its
/// target when dropped.
///
/// Not gloo-events' `EventListener`, whose callback is a `FnMut`: wasm-bindgen refuses a nested
/// call into a `FnMut` closure by throwing "closure invoked recursively" out of the listener,
/// into the page. An app callback that dispatches a `message` event on the window during a
/// delivery makes exactly such a call (tests/web_frame.rs
/// `a_command_a_handler_dispatches_itself_is_ignored_and_breaks_nothing` fails with that page
/// error when this is a gloo listener). The event is ignored either way (it is not trusted);
/// an `Fn` closure lets that happen quietly.
pub(crate) struct MessageListener {
    target: web_sys::EventTarget,
    callback: Closure<dyn Fn(&web_sys::Event)>,
}

#[cfg(any(feature = "host", feature = "frame"))]
/// Call `f` with each message the browser delivers to `target` (a window or a port).
///
/// Any other `message` event is ignored before a field of it is read: one a script of the
/// page dispatched itself (`isTrusted` is false), such as an event bus's
/// `new CustomEvent('message')` or a hand-made `MessageEvent` that claims to come from the
/// workstation's window. Only the browser's own delivery vouches for `source` and `origin`;
/// and since the browser never delivers a message inside another one's delivery, `f` is never
/// called while it runs.
pub(crate) fn messages(
    target: &web_sys::EventTarget,
    f: impl Fn(&web_sys::MessageEvent) + 'static,
) -> MessageListener {
    // The event is borrowed for the call: it takes no slot of wasm-bindgen's table of JS
    // values, which an owned one would (taken and freed again on every message).
    let callback = Closure::<dyn Fn(&web_sys::Event)>::new(move |event: &web_sys::Event| {
        if let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() {
            if event.is_trusted() {
                f(event);
            }
        }
    });
    let _ = target.add_event_listener_with_callback("message", callback.as_ref().unchecked_ref());
    MessageListener {
        target: target.clone(),
        callback,
    }
}

#[cfg(any(feature = "host", feature = "frame"))]
impl Drop for MessageListener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback("message", self.callback.as_ref().unchecked_ref());
    }
}

#[cfg(any(feature = "host", feature = "frame"))]
/// Listen to `message` events on `window` for as long as the returned listener lives, handing
/// each to `handle` with the side's state.
///
/// The listener holds the state strongly, like any DOM listener holds what it uses: a host or
/// frame keeps working while the page listens, even when no JS variable refers to it any more
/// (its JS handle may be garbage-collected). The state keeps the listener, so this is a cycle
/// on purpose, and `destroy()` breaks it by dropping the listener.
pub(crate) fn on_window_message<T: 'static>(
    window: &web_sys::Window,
    state: &Rc<RefCell<T>>,
    handle: impl Fn(&Rc<RefCell<T>>, &web_sys::MessageEvent) + 'static,
) -> MessageListener {
    let state = state.clone();
    messages(window, move |event| handle(&state, event))
}

#[cfg(feature = "host")]
/// A `setTimeout` that is cleared when dropped (gloo-timers'). Its delay is at most 2^31 - 1 ms,
/// as for `setTimeout` itself.
pub(crate) use gloo_timers::callback::Timeout as Timer;
