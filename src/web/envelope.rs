//! Building the JS objects that go on the wire.

use super::jsview::js_key;
#[cfg(feature = "host")]
use crate::core::host::Outgoing;
use crate::core::wire::{Command, PROTOCOL};
use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

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

#[cfg(feature = "frame")]
/// A workstation envelope `{ type, data, timestamp, source: 'bytedesk-desktop' }`.
pub(crate) fn envelope(ty: &'static str, data: &JsValue) -> Object {
    object(&[
        ("type", js_key(ty)),
        ("data", data.clone()),
        ("timestamp", JsValue::from_f64(js_sys::Date::now())),
        ("source", js_key(crate::core::wire::SOURCE)),
    ])
}

#[cfg(feature = "frame")]
/// The data of `bytedesk_ready`; `port` says a `MessagePort` travels with it.
pub(crate) fn ready_data(port: bool) -> JsValue {
    let data = object(&[
        ("protocol", JsValue::from(PROTOCOL)),
        ("ack", JsValue::TRUE),
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

/// The data a command handler receives: `{ status }`, `{}` or `{ threadUid }`.
pub(crate) fn command_data(command: &Command) -> JsValue {
    match command {
        Command::SetAgentStatus(s) => object(&[("status", js_key(s.as_str()))]),
        Command::RefreshThreads => Object::new(),
        Command::ClearUnreadCount { thread_uid } => {
            object(&[("threadUid", JsValue::from_str(thread_uid))])
        }
    }
    .into()
}

#[cfg(feature = "host")]
/// A host → workstation message in the seed shape `{ type, data? }`, plus `id` when acknowledged.
/// `host` identifies the host object in `bytedesk_hello`.
pub(crate) fn outgoing(message: &Outgoing, host: f64) -> JsValue {
    match message {
        Outgoing::Hello { resync, port } => {
            let data = object(&[
                ("protocol", JsValue::from(PROTOCOL)),
                ("host", JsValue::from_f64(host)),
            ]);
            if *resync {
                set(&data, "resync", &JsValue::TRUE);
            }
            if *port {
                set(&data, "port", &JsValue::TRUE);
            }
            object(&[
                ("type", js_key(crate::core::wire::HELLO)),
                ("data", data.into()),
            ])
        }
        Outgoing::Switch => object(&[("type", js_key(crate::core::wire::SWITCH))]),
        Outgoing::Command { command, id } => {
            let obj = object(&[("type", js_key(command.name().as_str()))]);
            if !matches!(command, Command::RefreshThreads) {
                set(&obj, "data", &command_data(command));
            }
            if let Some(id) = id {
                set(&obj, "id", &JsValue::from_f64(*id as f64));
            }
            obj
        }
    }
    .into()
}
