//! Building the JS objects that go on the wire.

use super::jsview::js_key;
use crate::core::wire::{Command, PROTOCOL};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

/// Set `key` on a fresh plain object; cannot fail for such objects.
pub(crate) fn set(obj: &Object, key: &'static str, value: &JsValue) {
    let _ = Reflect::set(obj, &js_key(key), value);
}

/// A plain object from key/value pairs.
pub(crate) fn object(pairs: &[(&'static str, JsValue)]) -> Object {
    let obj = Object::new();
    for (k, v) in pairs {
        set(&obj, k, v);
    }
    obj
}

// The workstation's messages built, and a command's result also posted, in one call each: every
// call from wasm into JS costs more than the little work each of these does.
#[cfg(feature = "frame")]
#[wasm_bindgen(module = "/src/web/js/frame.js")]
extern "C" {
    /// `{ type, data, timestamp: Date.now(), source }`.
    #[wasm_bindgen(js_name = envelope)]
    fn envelope_of(ty: &JsValue, data: &JsValue, source: &JsValue) -> JsValue;
    /// `{ [key]: value }`, or `{}` when `key` is undefined.
    fn pair(key: &JsValue, value: &JsValue) -> JsValue;
    /// Post `{ type, data: { id, ok, code?, error? }, timestamp, source }` on `to`: a port when
    /// `origin` is `None`, else a window, to `origin` only. A failure to post is ignored.
    #[wasm_bindgen(js_name = postResult)]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn post_result(
        to: &JsValue,
        origin: Option<&str>,
        ty: &JsValue,
        source: &JsValue,
        id: f64,
        ok: bool,
        code: Option<&str>,
        error: Option<&str>,
    );
}

#[cfg(feature = "frame")]
/// A workstation envelope `{ type, data, timestamp, source: 'bytedesk-desktop' }`.
pub(crate) fn envelope(ty: &'static str, data: &JsValue) -> JsValue {
    envelope_of(&js_key(ty), data, &js_key(crate::core::wire::SOURCE))
}

#[cfg(feature = "frame")]
/// The data of `bytedesk_ready` from the document `instance`; `port` says a `MessagePort`
/// travels with it.
pub(crate) fn ready_data(port: bool, instance: f64) -> JsValue {
    let data = object(&[
        ("protocol", JsValue::from(PROTOCOL)),
        ("ack", JsValue::TRUE),
        ("instance", JsValue::from_f64(instance)),
    ]);
    if port {
        set(&data, "port", &JsValue::TRUE);
    }
    data.into()
}

#[cfg(feature = "frame")]
/// A copy of a stored event envelope marked `replay: true`, sent again for a host's `resync`.
pub(crate) fn replayed(envelope: &JsValue) -> JsValue {
    let copy = Object::assign(
        &Object::new(),
        wasm_bindgen::JsCast::unchecked_ref(envelope),
    );
    set(&copy, "replay", &JsValue::TRUE);
    copy.into()
}

/// A command's data as its one key and value: `status`, none (`undefined`) or `threadUid`.
pub(crate) fn command_pair(command: &Command) -> (JsValue, JsValue) {
    match command {
        Command::SetAgentStatus(s) => (js_key("status"), js_key(s.as_str())),
        Command::RefreshThreads => (JsValue::UNDEFINED, JsValue::UNDEFINED),
        Command::ClearUnreadCount { thread_uid } => {
            (js_key("threadUid"), JsValue::from_str(thread_uid))
        }
    }
}

#[cfg(feature = "frame")]
/// The data a command handler receives: `{ status }`, `{}` or `{ threadUid }`.
pub(crate) fn command_data(command: &Command) -> JsValue {
    let (key, value) = command_pair(command);
    pair(&key, &value)
}

#[cfg(feature = "host")]
/// `bytedesk_hello { protocol, host, resync?, port? }`, from the host object `host`. (Commands
/// are built where they are posted, in `command`.)
pub(crate) fn hello(resync: bool, port: bool, host: f64) -> JsValue {
    let data = object(&[
        ("protocol", JsValue::from(PROTOCOL)),
        ("host", JsValue::from_f64(host)),
    ]);
    if resync {
        set(&data, "resync", &JsValue::TRUE);
    }
    if port {
        set(&data, "port", &JsValue::TRUE);
    }
    object(&[
        ("type", js_key(crate::core::wire::HELLO)),
        ("data", data.into()),
    ])
    .into()
}

#[cfg(feature = "host")]
/// `bytedesk_switch`.
pub(crate) fn switch() -> JsValue {
    object(&[("type", js_key(crate::core::wire::SWITCH))]).into()
}
