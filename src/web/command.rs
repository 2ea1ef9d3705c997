//! A host command's trips into JS, each done in one call: its promise made and later settled,
//! the iframe's presence and the time checked, the message built and posted. Every call from
//! wasm into JS costs more than the little work each of these does. Like the
//! readers in `jsview`, none of them decides anything: what to do with what they read is
//! `DeskHost`'s and the session's.

use super::envelope::{command_pair, hello, switch};
use super::jsview::js_key;
use crate::core::host::{Millis, Outgoing, Ticket};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/js/host.js")]
extern "C" {
    /// A `Map` from ticket to the resolve and reject functions of its promise.
    fn settlers() -> JsValue;
    /// A promise whose resolve and reject functions go into `map` under `ticket`.
    fn defer(map: &JsValue, ticket: f64) -> js_sys::Promise;
    /// Resolve (`ok`) or reject with `value` the promise of `ticket`, if `map` still has it, and
    /// forget it.
    fn settle(map: &JsValue, ticket: f64, ok: bool, value: &JsValue);
    /// `Date.now()` (0 at the least) if `element.isConnected`, else -1.
    #[wasm_bindgen(js_name = connectedAt)]
    fn connected_at(element: &web_sys::HtmlIFrameElement) -> f64;
    /// [`post_message`] of `{ type, data: { [key]: value }, id }` (no `data` when `key` is
    /// undefined, no `id` when `id` is).
    #[wasm_bindgen(js_name = postCommand)]
    fn post_command(
        to: &JsValue,
        origin: &JsValue,
        ty: &JsValue,
        key: &JsValue,
        value: &JsValue,
        id: Option<f64>,
    );
}

#[wasm_bindgen(module = "/src/web/js/common.js")]
extern "C" {
    /// Post `message` on `to`: a port when `origin` is undefined, else a window, to `origin`
    /// only. A failure to post is ignored, as for every message the host posts.
    #[wasm_bindgen(js_name = post)]
    fn post_message(to: &JsValue, origin: &JsValue, message: &JsValue);
}

/// The host's promises of commands not settled yet, by ticket, held in JS: a promise is made,
/// and later settled, in one call each.
#[derive(Clone)]
pub(crate) struct Promises(JsValue);

impl Promises {
    /// None yet.
    pub(crate) fn new() -> Promises {
        Promises(settlers())
    }

    /// A new promise for `ticket`.
    pub(crate) fn make(&self, ticket: Ticket) -> js_sys::Promise {
        defer(&self.0, ticket as f64)
    }

    /// Resolve the promise of `ticket` (`Ok`) or reject it with the error; nothing if it has
    /// none (any more).
    pub(crate) fn settle(&self, ticket: Ticket, result: Result<(), JsValue>) {
        match result {
            Ok(()) => settle(&self.0, ticket as f64, true, &JsValue::UNDEFINED),
            Err(e) => settle(&self.0, ticket as f64, false, &e),
        }
    }
}

/// `Date.now()` if `iframe` is in its document, else `None`.
pub(crate) fn connected_now(iframe: &web_sys::HtmlIFrameElement) -> Option<Millis> {
    let at = connected_at(iframe);
    (at >= 0.0).then_some(at as Millis)
}

/// Post `message` on `to`, in one call: a port when `origin` is `None`, else a window, to that
/// origin only (never `'*'`). A command is built in that same call; `host` identifies the host
/// object in `bytedesk_hello`.
pub(crate) fn post(to: &JsValue, origin: Option<&JsValue>, message: &Outgoing, host: f64) {
    let undefined = JsValue::UNDEFINED;
    let origin = origin.unwrap_or(&undefined);
    let (command, id) = match message {
        Outgoing::Command { command, id } => (command, id),
        Outgoing::Hello { resync, port } => {
            return post_message(to, origin, &hello(*resync, *port, host))
        }
        Outgoing::Switch => return post_message(to, origin, &switch()),
    };
    let (key, value) = command_pair(command);
    post_command(
        to,
        origin,
        &js_key(command.name().as_str()),
        &key,
        &value,
        id.map(|id| id as f64),
    );
}
